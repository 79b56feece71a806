"""Calling rules (DESIGN.md §8) in process: check_call, log_call and start_call in Block and Warn, inbound
calls, the telephony bridge, caps, holidays, overrides, follow-ups and the Lead's time zone. The site is
in New York (America/New_York); 23 November 2026 is a Monday."""

import frappe

from call_status_crm import api
from call_status_crm.calling_rules import CallingRuleError, FollowUpNotCallableError
from call_status_crm.core.access import telephony_external_id
from call_status_crm.tests.calling_rules_cases import CallingRulesTestCase, events
from call_status_crm.tests.test_telephony_bridge import make_call_log
from call_status_crm.tests.utils import AGENT, PLAIN_USER, make_call_status

MONDAY_EARLY = "2026-11-23 07:30:00"  # site time = New York time
MONDAY_MORNING = "2026-11-23 10:00:00"


class TestCheckCall(CallingRulesTestCase):
	def test_a_lead_before_its_calling_hours(self):
		self.set_rules()
		lead = self.new_lead(call_timezone="America/Chicago")
		with self.freeze_time(MONDAY_MORNING):  # 09:00 in Chicago: allowed
			self.assertTrue(api.check_call(lead=lead)["allowed"])
		with self.freeze_time("2026-11-23 08:30:00"):  # 07:30 in Chicago
			answer = api.check_call(lead=lead)
		self.assertEqual(
			(answer["allowed"], answer["reasons"], answer["timezone"]),
			(False, ["outside_window"], "America/Chicago"),
		)
		self.assertEqual(answer["next_allowed_at"], "2026-11-23T14:00:00+00:00")
		self.assertEqual(answer["next_allowed_at_local"], "2026-11-23T08:00:00-06:00")

	def test_a_lead_ten_hours_ahead_of_the_agent(self):
		self.set_rules()
		lead = self.new_lead(call_timezone="Asia/Vladivostok", mobile_no="")  # UTC+10, New York UTC-5
		with self.freeze_time("2026-11-23 16:00:00"):  # 16:00 here is 07:00 on Tuesday there
			answer = api.check_call(lead=lead)
		self.assertEqual(answer["reasons"], ["outside_window"])
		self.assertEqual(answer["next_allowed_at_local"], "2026-11-24T08:00:00+10:00")
		self.assertEqual(answer["next_allowed_at"], "2026-11-23T22:00:00+00:00")  # 17:00 here

	def test_a_number_without_a_lead_uses_the_numbers_zone(self):
		self.set_rules()
		with self.freeze_time("2026-11-23 22:30:00"):  # 19:30 in Los Angeles
			answer = api.check_call(phone="+1 310 555 0100")
		self.assertEqual((answer["allowed"], answer["timezone"]), (True, "America/Los_Angeles"))

	def test_rules_off_allow_everything(self):
		self.set_rules(calling_rules_enabled=0)
		lead = self.new_lead()
		with self.freeze_time("2026-11-23 03:00:00"):
			answer = api.check_call(lead=lead)
		self.assertEqual((answer["allowed"], answer["reasons"], answer["enabled"]), (True, [], False))

	def test_a_user_without_the_call_role_is_refused(self):
		lead = self.new_lead()
		frappe.set_user(PLAIN_USER)
		with self.assertRaises(frappe.PermissionError):
			api.check_call(lead=lead)


class TestDoors(CallingRulesTestCase):
	def test_block_refuses_log_call_with_the_reason_and_the_leads_time(self):
		self.set_rules()
		lead = self.new_lead(call_timezone="America/New_York")
		frappe.set_user(AGENT)
		with self.freeze_time(MONDAY_EARLY), self.assertRaises(CallingRuleError) as refused:
			api.log_call(call_status="busy", lead=lead)
		message = str(refused.exception)
		self.assertIn("outside the calling hours", message)
		self.assertIn("08:00", message)
		self.assertIn("EST", message)
		frappe.db.rollback()  # as a request is: the refusal's event is written after the rollback
		self.assertEqual(frappe.db.count("Lead Call Log", {"lead": lead}), 0)
		[event] = events()
		self.assertEqual(
			(event.outcome, event.door, event.reasons, event.agent, event.lead),
			("Refused", "Server", "outside_window", AGENT, lead),
		)
		self.assertEqual(str(event.next_allowed_at), "2026-11-23 08:00:00")

	def test_block_refuses_start_call(self):
		self.set_rules()
		lead = self.new_lead()
		frappe.set_user(AGENT)
		with self.freeze_time("2026-11-23 21:00:00"), self.assertRaises(CallingRuleError):
			api.start_call(external_id="csc-rules-start-1", lead=lead)

	def test_warn_logs_the_call_flagged_with_a_warning(self):
		self.set_rules(enforcement="Warn")
		lead = self.new_lead(call_timezone="America/New_York")
		frappe.set_user(AGENT)
		frappe.clear_messages()
		with self.freeze_time(MONDAY_EARLY):
			answer = api.log_call(call_status="busy", lead=lead)
		call = frappe.get_doc("Lead Call Log", answer["name"])
		self.assertEqual(call.broke_calling_rule, 1)
		self.assertIn("outside the calling hours", str(frappe.get_message_log()))
		[event] = events()
		self.assertEqual((event.outcome, event.call, event.reasons), ("Warned", call.name, "outside_window"))

	def test_a_call_within_the_rules_is_not_flagged(self):
		self.set_rules()
		lead = self.new_lead()
		frappe.set_user(AGENT)
		with self.freeze_time(MONDAY_MORNING):
			answer = api.log_call(call_status="busy", lead=lead)
		self.assertEqual(frappe.db.get_value("Lead Call Log", answer["name"], "broke_calling_rule"), 0)
		self.assertEqual(events(), [])

	def test_inbound_calls_are_never_blocked(self):
		self.set_rules()
		lead = self.new_lead()
		frappe.get_doc({"doctype": "Do Not Call", "phone": "+1 212 555 0100"}).insert()
		frappe.set_user(AGENT)
		with self.freeze_time("2026-11-23 03:00:00"):
			answer = api.log_call(call_status="missed", lead=lead, direction="Incoming")
		self.assertEqual(frappe.db.get_value("Lead Call Log", answer["name"], "broke_calling_rule"), 0)
		self.assertEqual(events(), [])

	def test_the_telephony_bridge_is_flagged_never_refused(self):
		self.set_rules()
		lead = self.new_lead()
		with self.freeze_time("2026-11-23 23:00:00"):
			make_call_log("csc-rules-tel-1", lead, status="Completed", duration=30, to="+1 212 555 0100")
		name = frappe.db.get_value("Lead Call Log", {"external_id": telephony_external_id("csc-rules-tel-1")})
		self.assertEqual(frappe.db.get_value("Lead Call Log", name, "broke_calling_rule"), 1)
		[event] = events()
		self.assertEqual((event.outcome, event.door, event.call), ("Flagged", "Telephony", name))


class TestRules(CallingRulesTestCase):
	def test_the_cap_counts_outgoing_calls_to_the_number_in_24_hours(self):
		self.set_rules(max_attempts_per_number_24h=2)
		lead = self.new_lead()
		frappe.set_user(AGENT)
		with self.freeze_time(MONDAY_MORNING):
			api.log_call(call_status="busy", lead=lead, call_time="2026-11-23 08:30:00")
			api.log_call(call_status="missed", lead=lead, direction="Incoming")  # inbound: not counted
			api.log_call(call_status="busy", lead=lead, call_time="2026-11-23 09:00:00")
			answer = api.check_call(lead=lead)
			self.assertEqual(answer["reasons"], ["cap_reached"])
			# the 08:30 call leaves the 24 hours at 08:30 tomorrow
			self.assertEqual(answer["next_allowed_at_local"], "2026-11-24T08:30:00-05:00")
			with self.assertRaises(CallingRuleError):
				api.log_call(call_status="busy", lead=lead)

	def test_no_calls_on_a_holiday(self):
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": "CSC Calling Holidays",
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
				"holidays": [{"holiday_date": "2026-11-26", "description": "Thanksgiving"}],
			}
		).insert()
		self.set_rules(calling_holiday_list=holidays.name)
		lead = self.new_lead()
		with self.freeze_time("2026-11-26 11:00:00"):
			answer = api.check_call(lead=lead)
		self.assertEqual(answer["reasons"], ["holiday"])
		self.assertEqual(answer["next_allowed_at_local"], "2026-11-27T08:00:00-05:00")

	def test_a_state_override(self):
		self.set_rules(
			window_rules=[{"country": "United States", "state": "Florida", "start": "08:00", "end": "20:00"}]
		)
		miami = self.new_lead(
			"CSC Miami", state="Florida", country="United States", mobile_no="+1 305 555 0100"
		)
		atlanta = self.new_lead(
			"CSC Atlanta", state="Georgia", country="United States", mobile_no="+1 404 555 0100"
		)
		with self.freeze_time("2026-11-23 20:30:00"):
			self.assertEqual(api.check_call(lead=miami)["reasons"], ["outside_window"])
			self.assertTrue(api.check_call(lead=atlanta)["allowed"])

	def test_a_follow_up_cannot_be_set_when_the_lead_could_not_be_dialled(self):
		self.set_rules()
		lead = self.new_lead()
		frappe.set_user(AGENT)
		with self.freeze_time(MONDAY_MORNING):
			with self.assertRaises(FollowUpNotCallableError):
				api.log_call(call_status="follow_up", lead=lead, follow_up_at="2026-11-23 22:00:00")
			answer = api.log_call(call_status="follow_up", lead=lead, follow_up_at="2026-11-24 10:00:00")
		self.assertTrue(answer["follow_up"])

	def test_a_status_that_adds_to_the_list(self):
		self.set_rules()
		make_call_status("csc_opt_out", outcome="Connected", adds_to_dnc=1, show_to_agent=1)
		lead = self.new_lead()
		frappe.set_user(AGENT)
		with self.freeze_time(MONDAY_MORNING):
			call = api.log_call(call_status="csc_opt_out", lead=lead, duration=20, phone="(212) 555-0100")
			entry = frappe.get_doc("Do Not Call", "+12125550100")
			self.assertEqual((entry.source, entry.call, entry.scope), ("Call Status", call["name"], "Global"))
			self.assertEqual(api.check_call(lead=lead)["reasons"], ["dnc"])
			with self.assertRaises(CallingRuleError):
				api.log_call(call_status="busy", lead=lead)

	def test_a_lead_in_do_not_contact_counts_as_listed(self):
		self.set_rules()
		lead = self.new_lead()
		frappe.db.set_value("Lead", lead, "status", "Do Not Contact")
		with self.freeze_time(MONDAY_MORNING):
			answer = api.check_call(lead=lead)
			self.assertEqual((answer["reasons"], answer["next_allowed_at"]), (["dnc"], None))
			self.assertEqual(api.check_call(phone="+1 212 555 0100")["reasons"], ["dnc"])
