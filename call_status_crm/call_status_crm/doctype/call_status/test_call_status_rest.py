# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Call Status over REST: a manager cannot delete, rename or recode a system status but manages custom ones,
bad input gets clear errors, an agent only reads and a guest gets nothing."""

import frappe

from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import error_text


def delete_committed(code: str) -> None:
	if frappe.db.exists("Call Status", code):
		frappe.db.delete("Call Status", code)
		frappe.db.commit()


class TestCallStatusREST(CommittedCallTestCase):
	"""Real requests through Frappe's WSGI application, each on its own database connection."""

	def test_manager_cannot_delete_a_system_status(self):
		response = self.manager.delete("/api/resource/Call Status/busy")
		self.assertEqual(response.status_code, 417, response.text)
		self.assertIn("CallStatusDeleteError", error_text(response))
		self.assertIn("cannot be deleted", error_text(response))
		self.assertTrue(frappe.db.exists("Call Status", "busy"))

	def test_manager_cannot_rename_or_recode_a_system_status(self):
		response = self.manager.put("/api/resource/Call Status/busy", {"code": "busy_line"})
		self.assertGreaterEqual(response.status_code, 400, response.text)
		self.assertIn("CallStatusCodeLockedError", error_text(response))
		response = self.manager.put("/api/resource/Call Status/busy", {"is_system": 0})
		self.assertGreaterEqual(response.status_code, 400, response.text)
		self.assertIn("SystemCallStatusError", error_text(response))
		response = self.manager.post(
			"/api/method/frappe.model.rename_doc.update_document_title",
			{"doctype": "Call Status", "docname": "busy", "name": "busy_line", "merge": 0},
		)
		self.assertGreaterEqual(response.status_code, 400, response.text)
		self.assertEqual(frappe.db.get_value("Call Status", "busy", ["code", "is_system"]), ("busy", 1))

	def test_manager_bulk_delete_keeps_system_statuses(self):
		self.addCleanup(delete_committed, "csc_rest_bulk")
		response = self.manager.post(
			"/api/resource/Call Status",
			{"code": "csc_rest_bulk", "status_title": "Bulk", "outcome": "Attempt"},
		)
		self.assertEqual(response.status_code, 200, response.text)
		response = self.manager.post(
			"/api/method/frappe.desk.reportview.delete_items",
			{"doctype": "Call Status", "items": frappe.as_json(["busy", "missed", "csc_rest_bulk"])},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertTrue(frappe.db.exists("Call Status", "busy"))
		self.assertTrue(frappe.db.exists("Call Status", "missed"))
		self.assertFalse(frappe.db.exists("Call Status", "csc_rest_bulk"))

	def test_manager_creates_hides_and_deletes_a_custom_status(self):
		self.addCleanup(delete_committed, "csc_rest_custom")
		response = self.manager.post(
			"/api/resource/Call Status",
			{
				"code": "csc_rest_custom",
				"status_title": "Wrong number",
				"outcome": "Failed",
				"lead_status": "Not Interested",
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["data"]["is_system"], 0)
		response = self.manager.put("/api/resource/Call Status/csc_rest_custom", {"show_to_agent": 0})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["data"]["show_to_agent"], 0)
		response = self.manager.delete("/api/resource/Call Status/csc_rest_custom")
		self.assertEqual(response.status_code, 202, response.text)
		self.assertFalse(frappe.db.exists("Call Status", "csc_rest_custom"))

	def test_manager_gets_clear_errors_for_bad_input(self):
		response = self.manager.post(
			"/api/resource/Call Status", {"code": "Bad Code", "status_title": "Bad", "outcome": "Attempt"}
		)
		self.assertEqual(response.status_code, 417, response.text)
		self.assertIn("is not valid", error_text(response))
		response = self.manager.post(
			"/api/resource/Call Status",
			{"code": "csc_rest_bad", "status_title": "Bad", "outcome": "Attempt", "lead_status": "Bogus"},
		)
		self.assertEqual(response.status_code, 417, response.text)
		self.assertIn("InvalidLeadStatusError", error_text(response))
		self.assertFalse(frappe.db.exists("Call Status", "csc_rest_bad"))

	def test_agent_reads_but_cannot_change(self):
		response = self.agent.get("/api/resource/Call Status/busy")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(
			response.json["data"]["status_title"], frappe.db.get_value("Call Status", "busy", "status_title")
		)
		response = self.agent.get(
			"/api/method/call_status_crm.api.get_call_statuses",
			{"audience": "agent", "direction": "Incoming"},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("missed", [row["code"] for row in response.json["message"]])
		response = self.agent.put("/api/resource/Call Status/busy", {"status_title": "Agent edit"})
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.post(
			"/api/resource/Call Status",
			{"code": "csc_rest_agent", "status_title": "Agent", "outcome": "Attempt"},
		)
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.delete("/api/resource/Call Status/busy")
		self.assertEqual(response.status_code, 403, response.text)
		self.assertNotEqual(frappe.db.get_value("Call Status", "busy", "status_title"), "Agent edit")
		self.assertFalse(frappe.db.exists("Call Status", "csc_rest_agent"))

	def test_guest_gets_nothing(self):
		response = self.guest.get("/api/resource/Call Status")
		self.assertEqual(response.status_code, 403, response.text)
		response = self.guest.get("/api/method/call_status_crm.api.get_call_statuses", {"audience": "agent"})
		self.assertEqual(response.status_code, 403, response.text)
