# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""`get_call_statuses`: the statuses an agent or AI agent may pick, by direction and in sort order, with the
fields a UI or AI agent needs, and who may ask."""

import frappe

from call_status_crm.api import InvalidAudienceError, InvalidDirectionError, get_call_statuses
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, PLAIN_USER, make_call_status


class TestGetCallStatuses(CallTestCase):
	def codes(self, **kwargs) -> list[str]:
		return [row["code"] for row in get_call_statuses(**kwargs)]

	def test_agent_outgoing_statuses_in_sort_order(self):
		self.assertEqual(
			self.codes(audience="agent", direction="Outgoing"),
			[
				"called",
				"busy",
				"no_answer",
				"follow_up",
				"rescheduled",
				"rejected",
				"voicemail",
				"qualified",
				"disqualified",
			],
		)

	def test_agent_incoming_statuses(self):
		self.assertEqual(
			self.codes(audience="agent", direction="Incoming"),
			[
				"called",
				"missed",
				"follow_up",
				"rescheduled",
				"rejected",
				"voicemail",
				"qualified",
				"disqualified",
			],
		)

	def test_hidden_and_ai_only_statuses(self):
		frappe.db.set_value("Call Status", "voicemail", "show_to_agent", 0)
		make_call_status("csc_test_bot_done", sort_order=1, show_to_agent=0, show_to_ai_agent=1)
		agent = self.codes(audience="agent")
		ai_agent = self.codes(audience="ai_agent")
		self.assertNotIn("voicemail", agent)
		self.assertNotIn("csc_test_bot_done", agent)
		self.assertEqual(ai_agent[0], "csc_test_bot_done")
		self.assertIn("voicemail", ai_agent)
		self.assertNotIn("in_progress", ai_agent)

	def test_resorting_changes_the_order(self):
		frappe.db.set_value("Call Status", "disqualified", "sort_order", 1)
		self.assertEqual(self.codes(audience="agent", direction="Outgoing")[0], "disqualified")

	def test_fields_for_a_ui_or_ai_agent(self):
		row = next(r for r in get_call_statuses(audience="agent") if r["code"] == "rescheduled")
		self.assertEqual(
			{
				k: row[k]
				for k in (
					"name",
					"status_title",
					"outcome",
					"lead_status",
					"requires_note",
					"requires_follow_up",
				)
			},
			{
				"name": "rescheduled",
				"status_title": "Rescheduled",
				"outcome": "Connected",
				"lead_status": "Followups",
				"requires_note": True,
				"requires_follow_up": True,
			},
		)

	def test_bad_audience_and_direction(self):
		with self.assertRaises(InvalidAudienceError):
			get_call_statuses(audience="robot")
		with self.assertRaises(InvalidDirectionError):
			get_call_statuses(audience="agent", direction="Sideways")

	def test_permission(self):
		frappe.set_user(AGENT)
		self.assertIn("busy", self.codes(audience="agent"))
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			get_call_statuses(audience="agent")
		frappe.set_user(PLAIN_USER)
		with self.assertRaises(frappe.PermissionError):
			get_call_statuses(audience="agent")
