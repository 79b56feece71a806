# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Follow-ups of a Lead Call Log: the ToDo made before the Lead flips, the call's follow-up status kept in
step with it, the default follow-up time (next working day), and Rescheduled calls."""

import datetime

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log_cases import (
	LeadCallLogTestCase,
	lead_state,
)
from call_status_crm.follow_up import get_default_follow_up_at
from call_status_crm.tests.utils import AGENT, make_call


class TestLeadCallLogFollowUps(LeadCallLogTestCase):
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

		company = frappe.defaults.get_global_default("company") or frappe.db.get_value("Company", {}, "name")
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
