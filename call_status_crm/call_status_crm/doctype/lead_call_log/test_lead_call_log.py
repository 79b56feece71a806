# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import datetime
import threading

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from call_status_crm.call_status_crm.doctype.call_status.call_status import CallStatusInUseError
from call_status_crm.call_status_crm.doctype.lead_call_log.call_access import AgentNotAllowedError
from call_status_crm.call_status_crm.doctype.lead_call_log.call_checks import (
	CallInFutureError,
	CallStatusNotAllowedError,
	FollowUpInPastError,
	FollowUpRequiredError,
	InvalidCallLeadStatusError,
	InvalidDurationError,
	LeadRequiredError,
	LeadStatusMismatchError,
	NoteRequiredError,
	UnknownCallStatusError,
)
from call_status_crm.calls import call_name_sequence, set_all_callback_times, upsert_call
from call_status_crm.core.calls import call_number
from call_status_crm.follow_up import get_default_follow_up_at
from call_status_crm.install import ensure_call_name_sequence
from call_status_crm.integrations.erpnext.lead import get_dashboard_data, get_timeline_content
from call_status_crm.leads import set_all_phone_keys
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import (
	AGENT,
	AGENT_2,
	INTEGRATION,
	MANAGER,
	ApiClient,
	cleanup_leads,
	error_text,
	make_call,
	make_lead,
	make_test_users,
	minutes_ago,
	save_at_once,
)


def lead_state(lead: str) -> dict:
	return frappe.db.get_value(
		"Lead",
		lead,
		["status", "last_call_status", "call_attempts", "connected_calls", "last_call_time"],
		as_dict=True,
	)


class TestLeadCallLog(CallTestCase):
	def setUp(self):
		super().setUp()
		self.lead = make_lead().name

	def test_a_call_sets_the_lead_status_and_call_fields(self):
		call = make_call(self.lead, "busy", call_time=minutes_ago(10))
		self.assertEqual(
			(call.lead_status, call.previous_lead_status, call.outcome), ("Not Picked", "Lead", "Attempt")
		)
		state = lead_state(self.lead)
		self.assertEqual(
			(state.status, state.last_call_status, state.call_attempts, state.connected_calls),
			("Not Picked", "busy", 1, 0),
		)
		self.assertEqual(get_datetime(state.last_call_time), get_datetime(call.call_time))

	def test_called_keeps_the_lead_status_unless_the_agent_picks_one(self):
		make_call(self.lead, "called", duration=30, call_time=minutes_ago(20))
		self.assertEqual(lead_state(self.lead).status, "Lead")
		make_call(self.lead, "called", duration=40, lead_status="Interested", call_time=minutes_ago(10))
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.call_attempts, state.connected_calls), ("Interested", 2, 2))

	def test_back_dated_call_saved_after_a_newer_one_leaves_the_lead_alone(self):
		make_call(self.lead, "qualified", duration=60, call_time=minutes_ago(60))
		back_dated = make_call(self.lead, "busy", call_time=minutes_ago(180))
		state = lead_state(self.lead)
		self.assertEqual(
			(state.status, state.last_call_status, state.call_attempts), ("Interested", "qualified", 2)
		)
		self.assertEqual(back_dated.previous_lead_status, "Interested")

	def test_protected_lead_statuses_are_never_overwritten(self):
		frappe.db.set_value("Lead", self.lead, "status", "Do Not Contact")
		make_call(self.lead, "qualified", duration=60)
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.call_attempts, state.connected_calls), ("Do Not Contact", 1, 1))

	def test_protection_follows_the_settings(self):
		frappe.db.set_value("Lead", self.lead, "status", "Do Not Contact")
		with change_settings("Call Status CRM Settings", {"protected_lead_statuses": "Converted"}):
			make_call(self.lead, "qualified", duration=60)
			self.assertEqual(lead_state(self.lead).status, "Interested")

	def test_erpnext_status_updater_still_wins_for_converted_leads(self):
		"""ERPNext's Lead controller forces Converted when a Customer exists; the call cannot undo it."""
		frappe.db.set_value("Lead", self.lead, "status", "Converted")
		with change_settings("Call Status CRM Settings", {"protected_lead_statuses": "Opportunity"}):
			frappe.get_doc(
				{"doctype": "Customer", "customer_name": "CSC Converted Customer", "lead_name": self.lead}
			).insert(ignore_permissions=True)
			make_call(self.lead, "busy")
		self.assertEqual(lead_state(self.lead).status, "Converted")

	def test_editing_the_latest_call_re_derives(self):
		make_call(self.lead, "busy", call_time=minutes_ago(60))
		latest = make_call(self.lead, "qualified", duration=60, call_time=minutes_ago(30))
		self.assertEqual(lead_state(self.lead).status, "Interested")
		latest.call_status = "disqualified"
		latest.lead_status = None
		latest.save()
		self.assertEqual(lead_state(self.lead).status, "Not Interested")
		latest.call_time = minutes_ago(90)
		latest.save()
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.last_call_status), ("Not Picked", "busy"))

	def test_deleting_calls_re_derives(self):
		first = make_call(self.lead, "busy", call_time=minutes_ago(60))
		latest = make_call(self.lead, "qualified", duration=60, call_time=minutes_ago(30))
		frappe.delete_doc("Lead Call Log", latest.name)
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.call_attempts, state.connected_calls), ("Not Picked", 1, 0))
		frappe.delete_doc("Lead Call Log", first.name)
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.call_attempts, state.last_call_status), ("Lead", 0, None))

	def test_moving_a_call_to_another_lead_updates_both(self):
		other = make_lead("CSC Other Lead").name
		call = make_call(self.lead, "busy")
		call.lead = other
		call.save()
		self.assertEqual((lead_state(self.lead).status, lead_state(self.lead).call_attempts), ("Lead", 0))
		self.assertEqual((lead_state(other).status, lead_state(other).call_attempts), ("Not Picked", 1))

	def test_connected_is_duration_above_zero_whatever_the_status(self):
		busy_but_talked = make_call(self.lead, "busy", duration=5, call_time=minutes_ago(30))
		called_no_time = make_call(self.lead, "called", duration=0, call_time=minutes_ago(20))
		self.assertEqual((busy_but_talked.is_connected, called_no_time.is_connected), (1, 0))
		self.assertEqual(lead_state(self.lead).connected_calls, 1)

	def test_connected_status_with_zero_duration_warns_but_saves(self):
		frappe.clear_messages()
		call = make_call(self.lead, "called", duration=0)
		self.assertTrue(frappe.db.exists("Lead Call Log", call.name))
		self.assertTrue(any("duration is 0 seconds" in str(m) for m in frappe.get_message_log()))

	def assertRejected(self, exc, **values):
		"""The call is refused with exactly this error, and nothing is written."""
		before_calls = frappe.db.count("Lead Call Log")
		before_lead = lead_state(self.lead)
		values.setdefault("lead", self.lead)
		call_status = values.pop("call_status", "busy")
		with self.assertRaises(exc):
			make_call(values.pop("lead"), call_status, **values)
		self.assertEqual(frappe.db.count("Lead Call Log"), before_calls)
		self.assertEqual(lead_state(self.lead), before_lead)

	def test_validation_errors_write_nothing(self):
		self.assertRejected(UnknownCallStatusError, call_status="no_such_status")
		frappe.set_user(AGENT)
		self.assertRejected(CallStatusNotAllowedError, call_status="in_progress")  # hidden from agents
		frappe.set_user("Administrator")
		self.assertRejected(CallStatusNotAllowedError, call_status="missed", direction="Outgoing")
		self.assertRejected(
			NoteRequiredError, call_status="rescheduled", follow_up_at=add_to_date(None, days=1)
		)
		self.assertRejected(FollowUpRequiredError, call_status="follow_up")
		self.assertRejected(FollowUpInPastError, call_status="follow_up", follow_up_at=minutes_ago(1))
		self.assertRejected(InvalidDurationError, duration=-1)
		self.assertRejected(InvalidDurationError, duration=24 * 3600 + 1)
		self.assertRejected(CallInFutureError, call_time=add_to_date(now_datetime(), hours=1))
		self.assertRejected(InvalidCallLeadStatusError, call_status="called", lead_status="Bogus")
		self.assertRejected(LeadStatusMismatchError, call_status="busy", lead_status="Interested")
		self.assertRejected(LeadRequiredError, lead=None)
		self.assertRejected(LeadRequiredError, lead=None, direction="Incoming")

	def test_dialler_may_log_hidden_system_statuses(self):
		call = make_call(self.lead, "in_progress", source="Dialler")
		self.assertEqual((call.outcome, call.lead_status), ("Live", None))
		self.assertEqual(lead_state(self.lead).status, "Lead")

	def test_follow_up_creates_a_todo_before_the_lead_flips(self):
		follow_up_at = add_to_date(now_datetime(), days=2)
		frappe.set_user(AGENT)
		call = make_call(self.lead, "follow_up", follow_up_at=follow_up_at, note="Call after the demo")
		frappe.set_user("Administrator")
		todo = frappe.get_doc("ToDo", call.follow_up)
		self.assertEqual(
			(todo.allocated_to, todo.reference_type, todo.reference_name, todo.status, getdate(todo.date)),
			(AGENT, "Lead", self.lead, "Open", getdate(follow_up_at)),
		)
		self.assertIn("Call after the demo", todo.description)
		self.assertEqual(lead_state(self.lead).status, "Followups")
		self.assertLessEqual(
			get_datetime(todo.creation), get_datetime(frappe.db.get_value("Lead", self.lead, "modified"))
		)

		frappe.delete_doc("Lead Call Log", call.name)
		self.assertEqual(frappe.db.get_value("ToDo", todo.name, "status"), "Cancelled")
		self.assertEqual(lead_state(self.lead).status, "Lead")

	def test_follow_up_status_follows_its_todo(self):
		call = make_call(self.lead, "follow_up", follow_up_at=add_to_date(now_datetime(), days=1))
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_status"), "Open")
		todo = frappe.get_doc("ToDo", call.follow_up)
		todo.status = "Closed"
		todo.save()
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_status"), "Closed")
		todo.status = "Open"
		todo.save()
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_status"), "Open")

	def test_default_follow_up_is_the_next_working_day_at_ten(self):
		from unittest.mock import patch

		company = frappe.db.get_value("Company", {}, "name")
		holiday_list = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": "CSC Follow-up Holidays",
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
				"holidays": [
					{"holiday_date": day, "description": "Off"}
					for day in ("2026-11-28", "2026-11-29", "2026-11-30")
				],
			}
		).insert(ignore_if_duplicate=True)
		frappe.db.delete("Employee", {"user_id": AGENT})  # one left by another run (rolled back after)
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "CSC Follow-up Agent",
				"gender": "Female",
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"user_id": AGENT,
				"holiday_list": holiday_list.name,
			}
		).insert()
		frappe.set_user(AGENT)
		friday = datetime.datetime(2026, 11, 27, 16, 30)  # Saturday to Monday are holidays
		with patch("call_status_crm.follow_up.now_datetime", return_value=friday):
			self.assertEqual(get_default_follow_up_at(), "2026-12-01 10:00:00")
			with change_settings("Call Status CRM Settings", {"default_follow_up_time": "15:30:00"}):
				self.assertEqual(get_default_follow_up_at(), "2026-12-01 15:30:00")
			# no Holiday List for the agent or the company: weekends are the days off
			with patch("call_status_crm.follow_up.get_holiday_list", return_value=None):
				self.assertEqual(get_default_follow_up_at(), "2026-11-30 10:00:00")

	def test_rescheduled_needs_note_and_follow_up(self):
		call = make_call(
			self.lead, "rescheduled", note="Asked to call next week", follow_up_at=add_to_date(None, days=7)
		)
		self.assertTrue(call.follow_up)
		self.assertEqual(lead_state(self.lead).status, "Followups")

	def test_agent_branch_department_and_campaign_are_snapshotted(self):
		company = frappe.db.get_value("Company", {}, "name")
		branch = frappe.get_doc({"doctype": "Branch", "branch": "CSC Branch"}).insert(
			ignore_if_duplicate=True
		)
		department = frappe.get_doc(
			{"doctype": "Department", "department_name": "CSC Calls", "company": company}
		).insert(ignore_if_duplicate=True)
		frappe.db.delete("Employee", {"user_id": AGENT})  # one left by another run (rolled back after)
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "CSC Agent",
				"gender": frappe.db.get_value("Gender", {}, "name"),
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"user_id": AGENT,
				"branch": branch.name,
				"department": department.name,
				"status": "Active",
			}
		).insert(ignore_permissions=True)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": "CSC Hot List"}).insert(
			ignore_if_duplicate=True
		)
		frappe.db.set_value("Lead", self.lead, "campaign_name", campaign.name)

		frappe.set_user(AGENT)
		call = make_call(self.lead, "busy")
		self.assertEqual(
			(call.agent, call.branch, call.department, call.campaign),
			(AGENT, branch.name, department.name, campaign.name),
		)

	def test_inbound_call_without_lead_matches_by_phone(self):
		self.use_country("India")
		make_call(self.lead, "busy", phone="+91 98765 43210", call_time=minutes_ago(60))
		inbound = make_call(None, "missed", direction="Incoming", phone="098765-43210", source="Telephony")
		self.assertEqual((inbound.lead, inbound.phone_key), (self.lead, "+919876543210"))
		unknown = make_call(None, "missed", direction="Incoming", phone="+1 555 0100", source="Telephony")
		self.assertIsNone(unknown.lead)

	def test_a_missed_call_keeps_when_the_lead_was_called_back(self):
		def called_back(name):
			value = frappe.db.get_value("Lead Call Log", name, "called_back_at")
			return get_datetime(value) if value else None

		missed = make_call(self.lead, "missed", direction="Incoming", call_time=minutes_ago(120))
		earlier = make_call(self.lead, "busy", call_time=minutes_ago(180))  # before the missed call
		self.assertIsNone(called_back(missed.name))
		late = make_call(self.lead, "busy", call_time=minutes_ago(30))
		self.assertEqual(called_back(missed.name), get_datetime(late.call_time))
		soon = make_call(self.lead, "called", duration=40, call_time=minutes_ago(100))
		self.assertEqual(called_back(missed.name), get_datetime(soon.call_time))
		frappe.delete_doc("Lead Call Log", soon.name)
		self.assertEqual(called_back(missed.name), get_datetime(late.call_time))
		frappe.delete_doc("Lead Call Log", late.name)
		self.assertIsNone(called_back(missed.name))
		self.assertIsNone(called_back(earlier.name))  # only missed inbound calls carry it

		again = make_call(self.lead, "no_answer", call_time=minutes_ago(60))
		frappe.db.set_value("Lead Call Log", missed.name, "called_back_at", None)
		set_all_callback_times()  # the patch that fills the column on existing sites
		self.assertEqual(called_back(missed.name), get_datetime(again.call_time))

	def test_inbound_call_matches_the_lead_by_its_own_number(self):
		self.use_country("India")
		lead = make_lead("CSC Phone Lead", mobile_no="98765-11223")
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+919876511223")
		for written in ("+91 98765 11223", "0091 98765 11223", "919876511223", "098765 11223"):
			inbound = make_call(None, "missed", direction="Incoming", phone=written, source="Telephony")
			self.assertEqual((inbound.lead, inbound.phone_key), (lead.name, "+919876511223"), written)
		# a key is kept in step when the number changes, and filled for leads saved before the app had it
		lead.reload()
		lead.mobile_no = "+44 20 7946 0000"
		lead.save()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+442079460000")
		frappe.db.set_value("Lead", lead.name, "mobile_key", None)
		set_all_phone_keys()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+442079460000")
		self.assertEqual(
			make_call(
				None, "missed", direction="Incoming", phone="+44 20 7946 0000", source="Telephony"
			).lead,
			lead.name,
		)

	def test_national_numbers_are_read_with_the_sites_country(self):
		lead = make_lead("CSC London Lead", mobile_no="+44 20 7946 0001")
		self.use_country("India")
		national = make_call(None, "missed", direction="Incoming", phone="020 7946 0001", source="Telephony")
		self.assertEqual((national.lead, national.phone_key), (None, "+912079460001"))
		self.use_country("United Kingdom")
		national = make_call(None, "missed", direction="Incoming", phone="020 7946 0001", source="Telephony")
		self.assertEqual((national.lead, national.phone_key), (lead.name, "+442079460001"))

	def test_the_patch_fills_every_calls_phone_key(self):
		self.use_country("India")
		call = make_call(self.lead, "busy", phone="098765 00001")
		frappe.db.set_value(
			"Lead Call Log", call.name, "phone_key", "9876500001"
		)  # as an old release kept it
		set_all_phone_keys()
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "phone_key"), "+919876500001")

	def test_upsert_by_external_id(self):
		first = upsert_call(
			{
				"external_id": "dialler-1",
				"lead": self.lead,
				"call_status": "in_progress",
				"source": "Dialler",
				"call_time": minutes_ago(3),
			}
		)
		second = upsert_call(
			{
				"external_id": "dialler-1",
				"lead": self.lead,
				"call_status": "called",
				"duration": 42,
				"source": "Dialler",
				"lead_status": "Interested",
			}
		)
		self.assertEqual(first.name, second.name)
		self.assertEqual(frappe.db.count("Lead Call Log", {"external_id": "dialler-1"}), 1)
		state = lead_state(self.lead)
		self.assertEqual((state.status, state.call_attempts, state.connected_calls), ("Interested", 1, 1))

	def test_status_in_use_cannot_be_deleted(self):
		frappe.get_doc(
			{
				"doctype": "Call Status",
				"code": "csc_wrong_number",
				"status_title": "Wrong number",
				"outcome": "Failed",
			}
		).insert()
		make_call(self.lead, "csc_wrong_number")
		with self.assertRaises(CallStatusInUseError) as raised:
			frappe.delete_doc("Call Status", "csc_wrong_number")
		self.assertIn("Hide it", str(raised.exception))

	def test_calls_on_the_lead_timeline_and_connections(self):
		call = make_call(self.lead, "busy", note="Line was busy")
		content = get_timeline_content("Lead", self.lead)
		self.assertEqual(len(content), 1)
		self.assertIn(call.name, content[0]["content"])
		self.assertIn("Line was busy", content[0]["content"])
		data = get_dashboard_data(frappe.get_meta("Lead").get_dashboard_data())
		self.assertIn({"label": "Calls", "items": ["Lead Call Log"]}, data.transactions)


class TestLeadCallLogPermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_users()
		cls.lead = make_lead("CSC Permission Lead").name
		frappe.set_user(AGENT)
		cls.own_call = make_call(cls.lead, "busy").name
		frappe.set_user(AGENT_2)
		cls.other_call = make_call(cls.lead, "no_answer").name
		frappe.set_user("Administrator")
		frappe.db.commit()
		cls.agent = ApiClient(AGENT)
		cls.manager = ApiClient(MANAGER)

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in (cls.own_call, cls.other_call):
			frappe.delete_doc("Lead Call Log", name, force=True)
		frappe.delete_doc("Lead", cls.lead, force=True)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_agent_lists_only_own_calls(self):
		frappe.set_user(AGENT)
		names = frappe.get_list("Lead Call Log", filters={"lead": self.lead}, pluck="name")
		self.assertEqual(names, [self.own_call])
		frappe.set_user(MANAGER)
		names = frappe.get_list("Lead Call Log", filters={"lead": self.lead}, pluck="name")
		self.assertEqual(sorted(names), sorted([self.own_call, self.other_call]))

	def test_agent_cannot_read_or_change_another_agents_call(self):
		other = frappe.get_doc("Lead Call Log", self.other_call)
		self.assertFalse(frappe.has_permission("Lead Call Log", "read", doc=other, user=AGENT))
		self.assertFalse(frappe.has_permission("Lead Call Log", "write", doc=other, user=AGENT))
		self.assertTrue(frappe.has_permission("Lead Call Log", "read", doc=other, user=AGENT_2))
		self.assertTrue(frappe.has_permission("Lead Call Log", "write", doc=other, user=MANAGER))

	def test_agent_cannot_log_as_someone_else(self):
		frappe.set_user(AGENT)
		with self.assertRaises(AgentNotAllowedError):
			make_call(self.lead, "busy", agent=AGENT_2)

	def test_rest_agent_reads_own_and_is_refused_others(self):
		response = self.agent.get(f"/api/resource/Lead Call Log/{self.own_call}")
		self.assertEqual(response.status_code, 200, response.text)
		response = self.agent.get(f"/api/resource/Lead Call Log/{self.other_call}")
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.put(f"/api/resource/Lead Call Log/{self.other_call}", {"note": "mine now"})
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.delete(f"/api/resource/Lead Call Log/{self.own_call}")
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.get(
			"/api/resource/Lead Call Log", {"filters": frappe.as_json({"lead": self.lead})}
		)
		self.assertEqual([row["name"] for row in response.json["data"]], [self.own_call])
		self.assertIsNone(frappe.db.get_value("Lead Call Log", self.other_call, "note"))

	def test_rest_agent_logs_a_call_and_gets_clear_errors(self):
		response = self.agent.post(
			"/api/resource/Lead Call Log",
			{
				"lead": self.lead,
				"call_status": "rescheduled",
				"direction": "Outgoing",
				"call_time": str(minutes_ago(1)),
			},
		)
		self.assertEqual(response.status_code, 417, response.text)
		self.assertIn("needs a note", error_text(response))
		response = self.agent.post(
			"/api/resource/Lead Call Log",
			{
				"lead": self.lead,
				"call_status": "voicemail",
				"direction": "Outgoing",
				"call_time": str(minutes_ago(1)),
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		name = response.json["data"]["name"]
		self.addCleanup(lambda: (frappe.delete_doc("Lead Call Log", name, force=True), frappe.db.commit()))
		self.assertEqual(response.json["data"]["agent"], AGENT)
		self.assertEqual(frappe.db.get_value("Lead", self.lead, "call_attempts"), 3)

	def test_manager_reads_all_through_rest(self):
		response = self.manager.get(f"/api/resource/Lead Call Log/{self.other_call}")
		self.assertEqual(response.status_code, 200, response.text)


class TestLeadCallLogConcurrency(FrappeTestCase):
	"""Calls for one lead saved from several database connections at the same moment."""

	def test_two_connections_leave_a_consistent_lead(self):
		make_test_users()
		lead = make_lead("CSC Concurrent Lead").name
		frappe.db.commit()
		names, errors = save_at_once(
			lambda: make_call(lead, "qualified", call_time=minutes_ago(10), duration=30),
			lambda: make_call(lead, "busy", call_time=minutes_ago(20), duration=0),
		)
		try:
			self.assertEqual(errors, [])
			self.assertEqual(len(names), 2)
			state = lead_state(lead)
			# the latest call by call time decides, whichever transaction committed last
			self.assertEqual(
				(state.status, state.last_call_status, state.call_attempts, state.connected_calls),
				("Interested", "qualified", 2, 1),
			)
		finally:
			for name in names:
				frappe.delete_doc("Lead Call Log", name, force=True)
			frappe.delete_doc("Lead", lead, force=True)
			frappe.db.commit()

	def test_new_calls_and_the_same_external_id_at_once_neither_deadlock_nor_duplicate(self):
		make_test_users()
		leads = [make_lead(f"CSC Upsert Lead {i}").name for i in range(2)]
		frappe.db.commit()

		def upsert(lead, external_id, status):
			return lambda: upsert_call(
				{
					"external_id": external_id,
					"lead": lead,
					"call_status": status,
					"call_time": minutes_ago(5),
					"source": "Dialler",
				}
			)

		names, errors = save_at_once(
			upsert(leads[0], "csc-same-1", "busy"),
			upsert(leads[0], "csc-same-1", "busy"),
			upsert(leads[1], "csc-new-2", "no_answer"),
			upsert(leads[1], "csc-new-3", "no_answer"),
			user=INTEGRATION,  # a dialler's user: source Dialler, global external ids
		)
		try:
			self.assertEqual(errors, [])
			self.assertEqual(len(names), 4)
			self.assertEqual(frappe.db.count("Lead Call Log", {"external_id": "csc-same-1"}), 1)
			self.assertEqual(len(set(names)), 3)
			self.assertEqual(
				frappe.db.get_value("Lead", leads[0], ["status", "call_attempts"]), ("Not Picked", 1)
			)
			self.assertEqual(
				frappe.db.get_value("Lead", leads[1], ["status", "call_attempts"]), ("Not Picked", 2)
			)
		finally:
			cleanup_leads(leads)

	def test_a_new_call_does_not_wait_for_another_uncommitted_new_call(self):
		"""Call names come from a sequence: a naming series would keep its row locked until the first
		transaction commits, and every other new call would wait behind it."""
		make_test_users()
		leads = [make_lead(f"CSC Naming Lead {i}").name for i in range(2)]
		for lead in leads:
			# each lead has an earlier call: a lead with none sits in the InnoDB gap that the other
			# transaction's locking read of its lead's calls covers when the two are adjacent by name
			make_call(lead, "no_answer", call_time=minutes_ago(60))
		frappe.db.commit()
		site = frappe.local.site
		first_inserted, second_done = threading.Event(), threading.Event()
		results = {}

		def first():
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user(AGENT)
				results["first"] = make_call(leads[0], "busy").name
				first_inserted.set()
				second_done.wait(timeout=30)
			finally:
				frappe.db.rollback()
				frappe.destroy()

		def second():
			frappe.init(site=site)
			frappe.connect()
			try:
				frappe.set_user(AGENT)
				first_inserted.wait(timeout=30)
				frappe.db.sql("SET SESSION innodb_lock_wait_timeout = 3")
				results["second"] = make_call(leads[1], "busy").name
				frappe.db.commit()
			except Exception as e:
				results["error"] = repr(e)
				frappe.db.rollback()
			finally:
				second_done.set()
				frappe.destroy()

		threads = [threading.Thread(target=first), threading.Thread(target=second)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=60)
		try:
			self.assertNotIn("error", results)
			self.assertTrue(first_inserted.is_set())
			self.assertTrue(frappe.db.exists("Lead Call Log", results["second"]))
			self.assertFalse(frappe.db.exists("Lead Call Log", results["first"]))  # rolled back
			self.assertNotEqual(results["first"], results["second"])
		finally:
			cleanup_leads(leads)

	def test_call_names_and_numbering_after_existing_calls(self):
		make_test_users()
		lead = make_lead("CSC Numbering Lead").name
		first = make_call(lead, "busy", call_time=minutes_ago(10))
		self.assertRegex(first.name, rf"^CALL-{now_datetime().year}-\d{{5,}}$")
		frappe.db.commit()
		try:
			# a site upgraded from the naming series, or restored without the sequence, numbers on after
			# the highest call number it has
			frappe.db.sql_ddl(f"DROP SEQUENCE IF EXISTS `{call_name_sequence()}`")
			ensure_call_name_sequence()
			second = make_call(lead, "no_answer", call_time=minutes_ago(5))
			self.assertEqual(call_number(second.name), call_number(first.name) + 1)
		finally:
			cleanup_leads([lead])
