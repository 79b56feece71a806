"""Odd input from every door is a clear 417 with nothing written, never a 500 (issue 18: 1 to 3, 10, 11).
Dates and times: full ones only, ISO 8601 zones turned into the site's time. Real HTTP requests."""

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_system_timezone, now_datetime

from call_status_crm.core.times import parse_datetime, to_site_time
from call_status_crm.tests.cases import RESOURCE, IntakeTestCase
from call_status_crm.tests.utils import AGENT, AGENT_3, ApiClient


def zoned(minutes_from_now: int, hours: float = 0, suffix: str | None = None) -> str:
	"""A time `minutes_from_now` as a dialler in the zone `hours` ahead of UTC sends it (ISO 8601)."""
	local = (now_datetime() + timedelta(minutes=minutes_from_now)).replace(
		tzinfo=ZoneInfo(get_system_timezone())
	)
	offset = timedelta(hours=hours)
	text = local.astimezone(timezone(offset)).strftime("%Y-%m-%dT%H:%M:%S")
	if suffix is None:
		minutes = int(offset.total_seconds() // 60)
		suffix = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
	return text + suffix


def site_time(text: str):
	return to_site_time(parse_datetime(text), get_system_timezone())


class TestDatesAndTimes(IntakeTestCase):
	def assertStoredAt(self, call: dict, text: str):
		self.assertEqual(frappe.utils.get_datetime(call["call_time"]), site_time(text))

	def test_times_with_a_zone_are_taken_as_the_sites_time_at_every_door(self):
		# the site's zone is whatever it is: the expected value is computed from it, not assumed
		sent = zoned(-3, 0, "Z")
		message = self.log(self.agent, call_status="busy", call_time=sent)
		self.assertStoredAt(self.calls(name=message["name"])[0], sent)

		ist = zoned(-3, 5.5)
		message = self.log(self.agent, call_status="no_answer", call_time=ist)
		self.assertEqual(self.calls(name=message["name"])[0].call_time, site_time(ist))

		spaced = zoned(-2, 0, " UTC")
		message = self.log(self.agent, call_status="busy", call_time=spaced)
		self.assertStoredAt(self.calls(name=message["name"])[0], spaced)

		follow_up = zoned(24 * 60, -3)
		message = self.log(self.agent, call_status="follow_up", duration=30, follow_up_at=follow_up)
		self.assertEqual(self.calls(name=message["name"])[0].follow_up_at, site_time(follow_up))
		moved = zoned(48 * 60, 0, "Z")
		response = self.post(self.agent, "schedule_follow_up", call=message["name"], follow_up_at=moved)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.calls(name=message["name"])[0].follow_up_at, site_time(moved))

		started = zoned(-1, 10)
		response = self.post(self.agent, "start_call", external_id="tz-1", lead=self.lead, call_time=started)
		self.assertEqual(response.status_code, 200, response.text)
		response = self.post(
			self.agent, "end_call", external_id="tz-2", lead=self.lead, call_status="busy", call_time=started
		)
		self.assertEqual(response.status_code, 200, response.text)
		response = self.agent.post(RESOURCE, {"lead": self.lead, "call_status": "busy", "call_time": started})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertStoredAt(response.json["data"], started)

	def test_offsets_that_no_zone_has_are_refused(self):
		for sent in ("2026-12-03T05:00:00+15:00", "2026-12-03T05:00:00+05:75"):
			response = self.assertNothingWritten(
				lambda sent=sent: self.post(
					self.agent, "log_call", lead=self.lead, call_status="busy", call_time=sent
				)
			)
			self.assertRefused(response, 417, "no time zone has that offset")
			response = self.assertNothingWritten(
				lambda sent=sent: self.agent.post(
					RESOURCE, {"lead": self.lead, "call_status": "busy", "call_time": sent}
				)
			)
			self.assertRefused(response, 417, "no time zone has that offset")

	def test_only_full_dates_and_times_are_accepted(self):
		for sent in ("-1", "1", "Dec", "2026", "2026-12-03", "0000-00-00 00:00:00"):
			for send in (
				lambda sent=sent: self.post(
					self.agent, "log_call", lead=self.lead, call_status="busy", call_time=sent
				),
				lambda sent=sent: self.agent.post(
					RESOURCE, {"lead": self.lead, "call_status": "busy", "call_time": sent}
				),
				lambda sent=sent: self.post(
					self.agent,
					"log_call",
					lead=self.lead,
					call_status="follow_up",
					duration=9,
					follow_up_at=sent,
				),
			):
				with self.subTest(sent=sent):
					response = self.assertNothingWritten(send)
					self.assertRefused(response, 417, "is not a date and time")
		self.assertEqual(frappe.db.get_value("Lead", self.lead, "call_attempts"), 0)


class TestOddRequestBodies(IntakeTestCase):
	def test_odd_rest_bodies_are_refused_not_crashed_on(self):
		for body, message in (
			({"duration": "abc"}, "is not a whole number of seconds"),
			({"duration": 1.5}, "is not a whole number of seconds"),
			({"call_time": "-1"}, "is not a date and time"),
			({"note": {"a": 1}}, "must be text"),
			({"call_status": ["busy"]}, "must be text"),
		):
			with self.subTest(body=body):
				response = self.assertNothingWritten(
					lambda body=body: self.agent.post(
						RESOURCE, {"lead": self.lead, "call_status": "busy", **body}
					)
				)
				self.assertRefused(response, 417, message)

	def test_a_private_attribute_in_a_body_is_only_an_unknown_key(self):
		# the controller keeps its state in flags, which Frappe never takes from a body
		response = self.agent.post(
			RESOURCE, {"lead": self.lead, "call_status": "busy", "_status_doc": "x", "_locked_leads": "y"}
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.calls()[0].call_status, "busy")

	def test_a_lead_that_does_not_exist_is_answered_like_one_the_agent_may_not_write(self):
		hidden = self.new_lead("CSC Not Yours")
		self.restrict(AGENT_3, self.lead)
		agent_3 = ApiClient(AGENT_3)
		answers = []
		for lead in (hidden, "CSC-NO-SUCH-LEAD"):
			for send in (
				lambda lead=lead: self.post(agent_3, "log_call", lead=lead, call_status="busy"),
				lambda lead=lead: agent_3.post(RESOURCE, {"lead": lead, "call_status": "busy"}),
			):
				response = send()
				answers.append((response.status_code, "You may not log calls on Lead" in response.text))
		self.assertEqual(answers, [(403, True)] * 4)
		self.assertEqual(self.calls(hidden), [])


class TestFollowUpText(IntakeTestCase):
	def test_the_follow_up_reads_as_typed_in_the_users_date_format(self):
		# the site's formats as they were, read before this test changes them
		self.addCleanup(
			self.restore_formats, frappe.db.get_default("date_format"), frappe.db.get_default("time_format")
		)
		frappe.db.set_default("date_format", "mm-dd-yyyy")
		frappe.db.set_default("time_format", "HH:mm")
		frappe.db.commit()
		frappe.clear_cache()
		follow_up_at = (now_datetime() + timedelta(days=3)).replace(
			hour=10, minute=0, second=0, microsecond=0
		)
		message = self.log(
			self.agent,
			call_status="follow_up",
			duration=20,
			note="ask for <Smith> & co",
			follow_up_at=str(follow_up_at),
		)
		frappe.db.rollback()  # read what the request committed
		description = frappe.db.get_value("ToDo", message["follow_up"], "description")
		self.assertIn(follow_up_at.strftime("%m-%d-%Y 10:00"), description)
		self.assertIn("ask for &lt;Smith&gt; &amp; co", description)
		self.assertNotIn("&amp;lt;", description)

	def restore_formats(self, date_format, time_format):
		frappe.db.set_default("date_format", date_format)
		frappe.db.set_default("time_format", time_format)
		frappe.db.commit()
		frappe.clear_cache()

	def test_a_follow_up_for_the_agent_a_lead_is_assigned_to_names_them_once(self):
		from frappe.desk.form import assign_to

		assign_to.add({"doctype": "Lead", "name": self.lead, "assign_to": [AGENT]})
		frappe.db.commit()
		self.log(
			self.agent,
			call_status="follow_up",
			duration=20,
			follow_up_at=str(now_datetime() + timedelta(days=2)),
		)
		frappe.db.rollback()
		self.assertEqual(frappe.parse_json(frappe.db.get_value("Lead", self.lead, "_assign")), [AGENT])
		self.assertEqual(
			frappe.db.count("ToDo", {"reference_name": self.lead, "allocated_to": AGENT, "status": "Open"}), 2
		)


class TestHiddenStatus(IntakeTestCase):
	def test_a_status_hidden_since_the_dialog_opened_is_refused_as_no_longer_offered(self):
		self.set_committed("Call Status", "voicemail", "show_to_agent", 0)
		response = self.assertNothingWritten(
			lambda: self.post(self.agent, "log_call", lead=self.lead, call_status="voicemail")
		)
		self.assertRefused(response, 417, "is not offered to you")
		# a status for the other direction still says why
		response = self.post(
			self.agent, "log_call", lead=self.lead, call_status="missed", direction="Outgoing"
		)
		self.assertRefused(response, 417, "is for Incoming calls only")
