"""Doors an attacker tried (issue 18: 4 to 8, 12), each from the side of the user who must be refused:
a Lead's call fields and re-assignment cannot be forged, a protected Lead status is never recycled, AI
agents and integrations read their statuses, resends of one follow-up never fail, the telephony bridge's
ids are its own, and counting rows goes through the reader's rights."""

import frappe

from call_status_crm import api
from call_status_crm.call_input import InvalidCallInputError
from call_status_crm.call_status_crm.doctype.call_status_crm_settings.call_status_crm_settings import (
	ProtectedRecycleRuleError,
)
from call_status_crm.jobs import reassignment
from call_status_crm.tests.cases import API, CommittedCallTestCase, IntakeTestCase
from call_status_crm.tests.reassignment_cases import SETTINGS, ReassignmentTestCase, not_picked_lead
from call_status_crm.tests.test_telephony_bridge import make_call_log
from call_status_crm.tests.utils import (
	AGENT,
	INTEGRATION,
	MANAGER,
	SALES_USER,
	ago,
	cleanup_leads,
	save_at_once,
)

APP_FIELDS = (
	"call_attempts",
	"connected_calls",
	"last_call_time",
	"last_call_status",
	"last_call_agent",
	"recycle_due_at",
)
FORGED = {
	"call_attempts": 0,
	"connected_calls": 7,
	"last_call_time": "2020-01-01 00:00:00",
	"last_call_status": "called",
	"last_call_agent": MANAGER,
	"recycle_due_at": "2020-01-01 00:00:00",
}


class TestForgedLeadFields(ReassignmentTestCase, CommittedCallTestCase):
	def stored(self, lead: str) -> dict:
		frappe.db.rollback()
		return frappe.db.get_value("Lead", lead, APP_FIELDS, as_dict=True)

	def test_nobody_but_the_app_writes_a_leads_call_fields(self):
		lead = not_picked_lead("CSC Forged Lead", minutes_ago=5)  # due for re-assignment in 25 minutes
		frappe.db.commit()
		before = self.stored(lead)
		sales = self.client(SALES_USER)
		response = sales.put(f"/api/resource/Lead/{lead}", {**FORGED, "company_name": "CSC Forged Co"})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.stored(lead), before)
		self.assertEqual(frappe.db.get_value("Lead", lead, "company_name"), "CSC Forged Co")
		response = sales.post(
			"/api/method/frappe.client.set_value",
			{"doctype": "Lead", "name": lead, "fieldname": frappe.as_json(FORGED)},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.stored(lead), before)
		# the due time still comes from the call: nothing re-assigns the lead early
		self.assertEqual(reassignment.run()["reassigned"], 0)

	def test_a_new_lead_starts_uncalled_whatever_it_is_sent_with(self):
		response = self.client(SALES_USER).post(
			"/api/resource/Lead", {"lead_name": "CSC Forged New Lead", **FORGED}
		)
		self.assertEqual(response.status_code, 200, response.text)
		name = response.json["data"]["name"]
		self.addCleanup(cleanup_leads, [name])
		stored = self.stored(name)
		self.assertEqual((stored.call_attempts, stored.connected_calls), (0, 0))
		self.assertEqual(
			(stored.last_call_time, stored.last_call_status, stored.last_call_agent, stored.recycle_due_at),
			(None, None, None, None),
		)

	def test_a_protected_lead_status_is_never_recycled(self):
		settings = frappe.get_single(SETTINGS)
		settings.append(
			"recycle_rules", {"lead_status": "Converted", "delay_minutes": 1, "max_recycles": 3, "active": 1}
		)
		self.assertRaises(ProtectedRecycleRuleError, settings.save)
		frappe.db.rollback()
		# a status protected after its rule was made (written around the settings' check): never recycled
		lead = not_picked_lead("CSC Protected Later", minutes_ago=40)
		protected = frappe.db.get_single_value(SETTINGS, "protected_lead_statuses")
		frappe.db.set_single_value(SETTINGS, "protected_lead_statuses", f"{protected}\nNot Picked")
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		frappe.db.commit()
		try:
			self.assertEqual(reassignment.run()["reassigned"], 0)
			self.assertEqual(frappe.db.count("Lead Reassignment", {"lead": lead}), 0)
		finally:  # before tearDown saves the settings again
			frappe.db.set_single_value(SETTINGS, "protected_lead_statuses", protected)
			frappe.clear_document_cache(SETTINGS, SETTINGS)
			frappe.db.commit()


class TestCallStatusReaders(CommittedCallTestCase):
	def test_ai_agents_and_integrations_read_the_call_statuses_and_others_do_not(self):
		search = {"doctype": "Call Status", "txt": "", "searchfield": "name", "start": 0, "page_len": 5}
		for client, audience, expected in (
			(self.ai, "ai_agent", 200),
			(self.integration, "agent", 200),
			(self.plain, "agent", 403),
		):
			answers = (
				client.get(API + "get_call_statuses", {"audience": audience}).status_code,
				client.get(API + "search_call_statuses", {**search, "filters": "{}"}).status_code,
				client.get("/api/resource/Call Status/busy").status_code,
			)
			self.assertEqual(answers, (expected,) * 3, audience)


class TestFollowUpResends(IntakeTestCase):
	def test_resends_of_one_call_with_a_moving_follow_up_never_fail(self):
		def resend(n: int):
			return lambda: api.log_call(
				external_id="csc-resend-1",
				lead=self.lead,
				call_status="follow_up",
				duration=30,
				call_time=ago(10),
				agent=AGENT,
				follow_up_at=ago(-(24 * 60 + n)),
			)

		errors, done = [], []
		for round_ in range(6):
			names, failed = save_at_once(*(resend(round_ * 4 + i) for i in range(4)), user=INTEGRATION)
			done += names
			errors += failed
		self.assertEqual(errors, [])
		self.assertEqual(len(done), 24)
		calls = self.calls()
		self.assertEqual(len(calls), 1)
		self.assertEqual(frappe.db.count("ToDo", {"reference_name": self.lead, "status": "Open"}), 1)


class TestBridgeIds(IntakeTestCase):
	def test_a_call_log_named_like_another_callers_id_is_a_call_of_its_own(self):
		tag = frappe.generate_hash(length=6)
		mine = self.log(self.agent, call_status="busy", external_id=f"csc-x-{tag}")
		theirs = self.log(self.integration, call_status="no_answer", external_id=f"csc-int-{tag}")
		call_logs = (f"{AGENT}:csc-x-{tag}", f"csc-int-{tag}")
		for name in call_logs:
			make_call_log(name, self.lead, status="Completed", duration=30)
		frappe.db.commit()
		self.addCleanup(
			lambda: (frappe.db.delete("Call Log", {"name": ("in", call_logs)}), frappe.db.commit())
		)
		calls = {call.name: call for call in self.calls()}
		self.assertEqual(len(calls), 4)
		self.assertEqual(
			(calls[mine["name"]].call_status, calls[mine["name"]].agent, calls[mine["name"]].source),
			("busy", AGENT, "Manual"),
		)
		self.assertEqual(calls[theirs["name"]].call_status, "no_answer")
		self.assertEqual(
			sorted(call.external_id for call in calls.values() if call.source == "Telephony"),
			sorted(f"telephony:{name}" for name in call_logs),
		)

	def test_nobody_may_send_the_bridges_ids(self):
		response = self.assertNothingWritten(
			lambda: self.post(
				self.integration, "log_call", lead=self.lead, call_status="busy", external_id="telephony:CL-1"
			)
		)
		self.assertRefused(response, 417, "belong to the telephony bridge")
		frappe.set_user(INTEGRATION)
		self.assertRaises(
			InvalidCallInputError,
			frappe.get_doc(
				{
					"doctype": "Lead Call Log",
					"lead": self.lead,
					"call_status": "busy",
					"external_id": "telephony:CL-2",
				}
			).insert,
		)


class TestCounting(IntakeTestCase):
	def test_counting_calls_goes_through_the_readers_rights(self):
		self.log(self.agent, call_status="busy", note="csc secret plan")
		count = "/api/method/frappe.client.get_count"

		def answer(client, filters):
			response = client.get(count, {"doctype": "Lead Call Log", "filters": frappe.as_json(filters)})
			return response.status_code, (response.json or {}).get("message")

		self.assertEqual(answer(self.agent_2, {"agent": AGENT}), (200, 0))
		self.assertEqual(answer(self.agent_2, {"note": ["like", "%secret%"]}), (200, 0))
		self.assertEqual(answer(self.agent, {"lead": self.lead}), (200, 1))
		self.assertEqual(answer(self.manager, {"lead": self.lead}), (200, 1))
		self.assertEqual(answer(self.plain, {"lead": self.lead})[0], 403)
		# other doctypes are counted as Frappe counts them
		response = self.agent.get(count, {"doctype": "ToDo"})
		self.assertEqual(response.status_code, 200, response.text)
