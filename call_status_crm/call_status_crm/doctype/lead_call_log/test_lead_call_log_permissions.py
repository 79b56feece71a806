# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Who may see and change a Lead Call Log: an agent their own calls, a manager all, in the desk and over
REST (real requests, committed)."""

import frappe

from call_status_crm.call_status_crm.doctype.lead_call_log.call_access import AgentNotAllowedError
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, MANAGER, error_text, make_call, make_lead, minutes_ago


class TestLeadCallLogPermissions(CommittedCallTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.lead = make_lead("CSC Permission Lead").name
		frappe.set_user(AGENT)
		cls.own_call = make_call(cls.lead, "busy").name
		frappe.set_user(AGENT_2)
		cls.other_call = make_call(cls.lead, "no_answer").name
		frappe.set_user("Administrator")
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in (cls.own_call, cls.other_call):
			frappe.delete_doc("Lead Call Log", name, force=True)
		frappe.delete_doc("Lead", cls.lead, force=True)
		frappe.db.commit()
		super().tearDownClass()

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
