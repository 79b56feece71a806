"""Call Events (DESIGN.md §10): what the telephony bridge or a Call Integration user sent and the app could
not apply is kept (its own transaction: the failure's rollback does not take it away), retried with back-off
as its sender, applied once; managers see and retry them, nobody else reaches them."""

import json
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from call_status_crm.core.access import telephony_external_id
from call_status_crm.jobs import call_events as job
from call_status_crm.tests.inbound_cases import InboundTestCase
from call_status_crm.tests.utils import AGENT, INTEGRATION, PLAIN_USER, ago, make_call_status

STATUS = "csc_event_status"  # a status the integration sends before the admin has made it


class CallEventTestCase(InboundTestCase):
	def setUp(self):
		super().setUp()
		self.cleanup_events()
		self.addCleanup(self.cleanup_events)

	def cleanup_events(self):
		frappe.db.rollback()
		frappe.db.delete("Call Event", {"external_id": ("like", "csc-ev-%")})
		frappe.db.delete("Call Event", {"external_id": ("like", "telephony:csc-ev-%")})
		for name in frappe.get_all("Lead Call Log", {"external_id": ("like", "%csc-ev-%")}, pluck="name"):
			frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
		frappe.db.delete("Call Log", {"name": ("like", "csc-ev-%")})
		if frappe.db.exists("Call Status", STATUS):
			frappe.delete_doc("Call Status", STATUS, force=True, ignore_permissions=True)
		frappe.db.commit()

	def events(self, external_id: str) -> list[frappe._dict]:
		frappe.db.rollback()
		return frappe.get_all("Call Event", {"external_id": external_id}, ["*"], order_by="creation asc")

	def calls_with(self, external_id: str) -> list[str]:
		frappe.db.rollback()
		return frappe.get_all("Lead Call Log", {"external_id": external_id}, pluck="name")

	def failed_integration_call(self, external_id: str) -> frappe._dict:
		"""An integration's call with a status the site does not have yet: refused, kept as an event."""
		self.lead = self.new_lead("CSC Event Lead")
		response = self.post(
			self.integration,
			"log_call",
			call_status=STATUS,
			lead=self.lead,
			external_id=external_id,
			agent=AGENT,
			call_time=ago(5),
			duration=12,
		)
		self.assertEqual(response.status_code, 417, response.text)
		(event,) = self.events(external_id)
		return event

	def make_status(self):
		frappe.set_user("Administrator")
		make_call_status(STATUS, direction="Any", outcome="Connected", show_to_agent=1)
		frappe.db.commit()


class TestCallEventsKept(CallEventTestCase):
	def test_an_integrations_failed_call_is_kept_and_retried_once(self):
		event = self.failed_integration_call("csc-ev-1")
		self.assertEqual(
			(event.event_source, event.method, event.sent_by, event.status, event.attempts),
			("API", "log_call", INTEGRATION, "Pending", 0),
		)
		self.assertEqual(json.loads(event.payload)["call_status"], STATUS)
		self.assertIn(STATUS, event.error)
		self.assertEqual(self.calls_with("csc-ev-1"), [])  # the request itself wrote nothing

		# still failing: back-off, not taken again in the same run
		summary = job.run()
		self.assertEqual(summary["pending"] >= 1, True)
		(event,) = self.events("csc-ev-1")
		self.assertEqual((event.status, event.attempts), ("Pending", 1))
		self.assertGreater(get_datetime(event.next_attempt_at), now_datetime())

		# the admin adds the status: the next run applies it, as the integration
		self.make_status()
		job.run(now=add_to_date(now_datetime(), minutes=2))
		(event,) = self.events("csc-ev-1")
		(call,) = self.calls_with("csc-ev-1")
		self.assertEqual((event.status, event.attempts, event.call), ("Applied", 2, call))
		self.assertEqual(frappe.db.get_value("Lead Call Log", call, ["owner", "duration"]), (INTEGRATION, 12))

		# applying again changes nothing: the job skips it, a manager's retry is refused
		job.run(now=add_to_date(now_datetime(), minutes=30))
		response = self.post(self.manager, "retry_call_event", name=event.name)
		self.assertRefused(response, 417, "only a Pending or Failed event is retried")
		self.assertEqual(self.calls_with("csc-ev-1"), [call])
		self.assertEqual(self.events("csc-ev-1")[0].attempts, 2)

	def test_an_agents_failed_call_is_not_kept(self):
		lead = self.new_lead("CSC Agent Event Lead")
		response = self.post(
			self.agent,
			"log_call",
			call_status=STATUS,
			lead=lead,
			external_id="csc-ev-agent",
			call_time=ago(5),
		)
		self.assertEqual(response.status_code, 417)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Call Event", {"sent_by": AGENT}), 0)

	def test_a_bridge_failure_is_kept_and_the_call_log_still_saves(self):
		frappe.set_user("Administrator")
		with patch(
			"call_status_crm.integrations.erpnext.call_log.upsert_call",
			side_effect=frappe.QueryDeadlockError("lock lost"),
		):
			log = frappe.get_doc(
				{
					"doctype": "Call Log",
					"id": "csc-ev-bridge",
					"from": "+91 98700 22222",
					"to": "+91 22 4000 0000",
					"type": "Incoming",
					"status": "No Answer",
					"start_time": add_to_date(now_datetime(), minutes=-5),
				}
			).insert(ignore_permissions=True)
			frappe.db.commit()
		self.assertTrue(frappe.db.exists("Call Log", log.name))
		external_id = telephony_external_id(log.name)
		(event,) = self.events(external_id)
		self.assertEqual((event.event_source, event.status), ("Telephony Bridge", "Pending"))
		self.assertIn("lock lost", event.error)
		self.assertEqual(self.calls_with(external_id), [])

		self.assertGreaterEqual(job.run()["applied"], 1)  # (and any other due event of the site)
		(call,) = self.calls_with(external_id)
		(event,) = self.events(external_id)
		self.assertEqual((event.status, event.call, event.attempts), ("Applied", call, 1))
		self.assertEqual(frappe.db.get_value("Lead Call Log", call, "source"), "Telephony")
		job.run(now=add_to_date(now_datetime(), minutes=30))
		self.assertEqual(self.calls_with(external_id), [call])

	def test_a_failed_event_survives_its_requests_rollback(self):
		"""The refusal rolls the request back; the event is written after, in a transaction of its own."""
		self.failed_integration_call("csc-ev-rollback")
		self.assertEqual(len(self.events("csc-ev-rollback")), 1)


class TestCallEventAccess(CallEventTestCase):
	def test_only_managers_see_and_retry_events(self):
		event = self.failed_integration_call("csc-ev-access")
		self.assertEqual(
			self.manager.get(
				"/api/resource/Call Event", {"filters": '[["external_id","=","csc-ev-access"]]'}
			).status_code,
			200,
		)
		for client in (self.agent, self.plain, self.guest, self.integration):
			listed = client.get(
				"/api/resource/Call Event", {"filters": '[["external_id","=","csc-ev-access"]]'}
			)
			self.assertIn(listed.status_code, (403,), listed.text)
			self.assertIn(client.get(f"/api/resource/Call Event/{event.name}").status_code, (403, 404))
			response = self.post(client, "retry_call_event", name=event.name)
			self.assertIn(response.status_code, (403,), response.text)
			(after,) = self.events("csc-ev-access")
			self.assertEqual((after.status, after.attempts), ("Pending", 0))
		count = self.agent.get("/api/method/frappe.client.get_count", {"doctype": "Call Event"})
		self.assertEqual(count.status_code, 403, count.text)

	def test_one_run_applies_each_senders_events_with_that_senders_rights(self):
		"""The job takes a batch sender by sender: events of two senders, interleaved, each run as its own
		sender (a user with no call role gets nothing applied, even between an integration's events)."""
		lead = self.new_lead("CSC Event Senders")
		frappe.set_user("Administrator")
		for number, sender in enumerate((INTEGRATION, PLAIN_USER, INTEGRATION)):
			external_id = f"csc-ev-sender-{number}"
			payload = {"call_status": "busy", "lead": lead, "external_id": external_id, "call_time": ago(5)}
			frappe.get_doc(
				{
					"doctype": "Call Event",
					"event_source": "API",
					"method": "log_call",
					"external_id": external_id,
					"payload": json.dumps(payload),
					"sent_by": sender,
					"received_at": now_datetime(),
					"status": "Pending",
					"attempts": 0,
					"next_attempt_at": ago(1),
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()
		job.run()
		self.assertEqual(frappe.session.user, "Administrator")  # the job's own session is given back
		for number in (0, 2):
			(call,) = self.calls_with(f"csc-ev-sender-{number}")
			self.assertEqual(frappe.db.get_value("Lead Call Log", call, "owner"), INTEGRATION)
			self.assertEqual(self.events(f"csc-ev-sender-{number}")[0].status, "Applied")
		(refused,) = self.events("csc-ev-sender-1")
		self.assertEqual((refused.status, refused.attempts), ("Pending", 1))
		self.assertEqual(self.calls_with("csc-ev-sender-1"), [])
		# nested, a retry for another sender still switches
		from call_status_crm.call_events import run_as

		with run_as(INTEGRATION), run_as(PLAIN_USER):
			self.assertEqual(frappe.session.user, PLAIN_USER)
		self.assertEqual(frappe.session.user, "Administrator")

	def test_a_manager_retries_as_the_sender(self):
		event = self.failed_integration_call("csc-ev-manual")
		self.make_status()
		response = self.post(self.manager, "retry_call_event", name=event.name)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["status"], "Applied")
		(call,) = self.calls_with("csc-ev-manual")
		# run as the integration that sent it, not as the manager who clicked
		self.assertEqual(frappe.db.get_value("Lead Call Log", call, "owner"), INTEGRATION)
