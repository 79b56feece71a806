# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""What a Lead Call Log writes on its Lead (status, counters, last call), re-derived when calls are edited,
moved or deleted; what it records of its agent; upserts by external id; a Call Status in use; the
Lead's timeline and connections."""

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import get_datetime

from call_status_crm.call_status_crm.doctype.call_status.call_status import CallStatusInUseError
from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log_cases import (
	LeadCallLogTestCase,
	lead_state,
)
from call_status_crm.calls import upsert_call
from call_status_crm.integrations.erpnext.lead import get_dashboard_data, get_timeline_content
from call_status_crm.tests.utils import AGENT, make_call, make_lead, minutes_ago


def agent_employee(branch: str) -> str:
	"""An active Employee for AGENT in `branch` and a department (the test rolls it back)."""
	company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
	frappe.get_doc({"doctype": "Branch", "branch": branch}).insert(ignore_if_duplicate=True)
	department = frappe.get_doc(
		{"doctype": "Department", "department_name": "CSC Calls", "company": company}
	).insert(ignore_if_duplicate=True)
	frappe.db.delete("Employee", {"user_id": AGENT})  # one left by another run (rolled back after)
	return (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "CSC Agent",
				"gender": frappe.db.get_value("Gender", {}, "name"),
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"user_id": AGENT,
				"branch": branch,
				"department": department.name,
				"status": "Active",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestLeadCallLog(LeadCallLogTestCase):
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

	def test_agent_branch_department_and_campaign_are_snapshotted(self):
		employee = agent_employee("CSC Branch")
		department = frappe.db.get_value("Employee", employee, "department")
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": "CSC Hot List"}).insert(
			ignore_if_duplicate=True
		)
		frappe.db.set_value("Lead", self.lead, "campaign_name", campaign.name)

		frappe.set_user(AGENT)
		call = make_call(self.lead, "busy")
		self.assertEqual(
			(call.agent, call.branch, call.department, call.campaign),
			(AGENT, "CSC Branch", department, campaign.name),
		)
		# the agent's Employee is cached per user: a change to it shows on the next call
		frappe.set_user("Administrator")
		employee = frappe.get_doc("Employee", employee)
		employee.branch = (
			frappe.get_doc({"doctype": "Branch", "branch": "CSC Branch 2"})
			.insert(ignore_if_duplicate=True)
			.name
		)
		employee.save()
		frappe.set_user(AGENT)
		self.assertEqual(make_call(self.lead, "busy").branch, "CSC Branch 2")
		frappe.set_user("Administrator")
		frappe.delete_doc("Employee", employee.name, force=True)
		frappe.set_user(AGENT)
		call = make_call(self.lead, "busy")
		self.assertEqual((call.branch, call.department), (None, None))

	def test_a_rolled_back_employee_is_not_remembered(self):
		agent_employee("CSC Rolled Back Branch")
		frappe.set_user(AGENT)
		self.assertEqual(make_call(self.lead, "busy").branch, "CSC Rolled Back Branch")
		frappe.set_user("Administrator")
		frappe.db.rollback()  # the Employee is gone; what a call cached of it must go too
		lead = make_lead("CSC After Rollback Lead").name
		frappe.set_user(AGENT)
		self.assertIsNone(make_call(lead, "busy").branch)

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
