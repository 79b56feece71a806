# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe.custom.doctype.property_setter.property_setter import make_property_setter
from frappe.tests.utils import FrappeTestCase

from call_status_crm.api import InvalidAudienceError, InvalidDirectionError, get_call_statuses
from call_status_crm.call_status_crm.doctype.call_status.call_status import (
	CallStatusCodeLockedError,
	CallStatusDeleteError,
	InvalidCallStatusCodeError,
	InvalidLeadStatusError,
	SystemCallStatusError,
)
from call_status_crm.core.lead_options import APP_LEAD_STATUSES
from call_status_crm.core.statuses import SYSTEM_STATUSES
from call_status_crm.install import after_migrate, ensure_system_call_statuses
from call_status_crm.leads import ProtectedLeadStatusError
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, MANAGER, PLAIN_USER, ApiClient, error_text, make_test_users

CATALOGUE_FIELDS = (
	"status_title",
	"direction",
	"outcome",
	"lead_status",
	"show_to_agent",
	"show_to_ai_agent",
	"requires_note",
	"requires_follow_up",
	"sort_order",
	"set_by",
	"indicator_color",
	"is_system",
)


def make_call_status(code: str, **kwargs):
	values = {
		"doctype": "Call Status",
		"code": code,
		"status_title": kwargs.pop("status_title", code.replace("_", " ").title()),
		"direction": "Any",
		"outcome": "Attempt",
		**kwargs,
	}
	return frappe.get_doc(values).insert()


def delete_committed(code: str) -> None:
	if frappe.db.exists("Call Status", code):
		frappe.db.delete("Call Status", code)
		frappe.db.commit()


class TestCallStatus(CallTestCase):
	def test_system_catalogue_is_installed_as_designed(self):
		for spec in SYSTEM_STATUSES:
			record = spec.as_record()
			doc = frappe.get_doc("Call Status", spec.code)
			self.assertEqual(doc.name, spec.code)
			# A test site may carry admin edits from manual use; the catalogue fields must match on a clean site.
			self.assertDocumentEqual(
				{field: record[field] for field in ("direction", "outcome", "is_system")}, doc
			)
		self.assertEqual(frappe.db.count("Call Status", {"is_system": 1}), 20)

	def test_catalogue_record_matches_the_design_row(self):
		frappe.db.delete("Call Status", "busy")
		self.assertEqual(ensure_system_call_statuses(), ["busy"])
		busy = frappe.get_doc("Call Status", "busy")
		expected = next(spec for spec in SYSTEM_STATUSES if spec.code == "busy").as_record()
		self.assertDocumentEqual({field: expected[field] for field in CATALOGUE_FIELDS}, busy)
		self.assertEqual(
			(busy.status_title, busy.direction, busy.outcome, busy.lead_status, busy.show_to_agent),
			("Busy", "Outgoing", "Attempt", "Not Picked", 1),
		)

	def test_resync_adds_missing_statuses_and_keeps_admin_edits(self):
		busy = frappe.get_doc("Call Status", "busy")
		busy.update(
			{
				"status_title": "Line busy",
				"sort_order": 999,
				"show_to_agent": 0,
				"show_to_ai_agent": 0,
				"lead_status": "Interested",
				"requires_note": 1,
				"indicator_color": "Pink",
			}
		)
		busy.save()
		# A later release ships a status this site does not have yet.
		frappe.db.delete("Call Status", "voicemail")

		after_migrate()

		busy.reload()
		self.assertEqual(
			(busy.status_title, busy.sort_order, busy.show_to_agent, busy.show_to_ai_agent, busy.lead_status),
			("Line busy", 999, 0, 0, "Interested"),
		)
		self.assertEqual((busy.requires_note, busy.indicator_color), (1, "Pink"))
		voicemail = frappe.get_doc("Call Status", "voicemail")
		self.assertEqual((voicemail.is_system, voicemail.lead_status), (1, "Not Picked"))
		self.assertEqual(ensure_system_call_statuses(), [])

	def test_system_status_cannot_be_deleted(self):
		with self.assertRaises(CallStatusDeleteError):
			frappe.delete_doc("Call Status", "busy")
		with self.assertRaises(CallStatusDeleteError):
			frappe.delete_doc("Call Status", "missed", force=True, ignore_permissions=True)
		self.assertTrue(frappe.db.exists("Call Status", "busy"))
		self.assertTrue(frappe.db.exists("Call Status", "missed"))

	def test_system_status_can_be_hidden_retitled_and_resorted(self):
		missed = frappe.get_doc("Call Status", "missed")
		missed.update({"show_to_agent": 0, "status_title": "Missed (inbound)", "sort_order": 5})
		missed.save()
		missed.reload()
		self.assertEqual(
			(missed.show_to_agent, missed.status_title, missed.sort_order), (0, "Missed (inbound)", 5)
		)

	def test_code_and_system_flag_are_locked(self):
		busy = frappe.get_doc("Call Status", "busy")
		busy.code = "busy_line"
		with self.assertRaises(CallStatusCodeLockedError):
			busy.save()

		busy = frappe.get_doc("Call Status", "busy")
		busy.is_system = 0
		with self.assertRaises(SystemCallStatusError):
			busy.save()

		custom = make_call_status("csc_test_locked")
		custom.is_system = 1
		with self.assertRaises(SystemCallStatusError):
			custom.save()

	def test_rename_is_refused(self):
		with self.assertRaises(CallStatusCodeLockedError):
			frappe.rename_doc("Call Status", "busy", "busy_line", force=True)
		custom = make_call_status("csc_test_rename")
		with self.assertRaises(CallStatusCodeLockedError):
			frappe.rename_doc("Call Status", custom.name, "csc_test_renamed", force=True)
		self.assertTrue(frappe.db.exists("Call Status", "busy"))
		self.assertTrue(frappe.db.exists("Call Status", "csc_test_rename"))

	def test_custom_status_cannot_claim_system(self):
		with self.assertRaises(SystemCallStatusError):
			make_call_status("csc_test_fake_system", is_system=1)

	def test_code_format(self):
		for bad in ("Bad Code", "1st_try", "no-answer", "_x", "Busy"):
			with self.assertRaises(InvalidCallStatusCodeError, msg=bad):
				make_call_status(bad, status_title="Bad")
		self.assertEqual(make_call_status("csc_ok_2").name, "csc_ok_2")

	def test_code_is_unique(self):
		make_call_status("csc_test_unique")
		with self.assertRaises(frappe.DuplicateEntryError):
			make_call_status("csc_test_unique")

	def test_custom_status_hidden_then_deleted_while_unused(self):
		custom = make_call_status("csc_test_custom", show_to_agent=1)
		custom.show_to_agent = 0
		custom.save()
		frappe.delete_doc("Call Status", custom.name)
		self.assertFalse(frappe.db.exists("Call Status", custom.name))

	def test_lead_status_must_be_a_lead_option(self):
		with self.assertRaises(InvalidLeadStatusError):
			make_call_status("csc_test_bad_lead_status", lead_status="Bogus")
		for option in ("Not Picked", "Interested", "Replied"):
			doc = make_call_status(f"csc_test_{frappe.scrub(option)}", lead_status=option)
			self.assertEqual(doc.lead_status, option)
		# a protected status is a Lead option, but a call never sets it
		with self.assertRaises(ProtectedLeadStatusError):
			make_call_status("csc_test_protected", lead_status="Do Not Contact")

	def test_lead_status_accepts_the_sites_own_options(self):
		meta_options = frappe.get_meta("Lead").get_field("status").options
		make_property_setter("Lead", "status", "options", meta_options + "\nHot", "Text")
		frappe.clear_cache(doctype="Lead")
		doc = make_call_status("csc_test_hot", lead_status="Hot")
		self.assertEqual(doc.lead_status, "Hot")
		frappe.db.rollback()
		frappe.clear_cache(doctype="Lead")

	def test_lead_has_the_app_statuses_and_keeps_erpnext_ones(self):
		options = frappe.get_meta("Lead").get_field("status").options.split("\n")
		for option in (*APP_LEAD_STATUSES, "Lead", "Open", "Opportunity", "Converted", "Do Not Contact"):
			self.assertIn(option, options)
		self.assertEqual(len(options), len(set(options)))

	def test_permissions_by_role(self):
		self.assertTrue(frappe.has_permission("Call Status", "create", user=MANAGER))
		self.assertTrue(frappe.has_permission("Call Status", "write", user=MANAGER))
		self.assertTrue(frappe.has_permission("Call Status", "delete", user=MANAGER))
		self.assertTrue(frappe.has_permission("Call Status", "read", user=AGENT))
		for ptype in ("create", "write", "delete"):
			self.assertFalse(frappe.has_permission("Call Status", ptype, user=AGENT), ptype)
		for ptype in ("read", "create"):
			self.assertFalse(frappe.has_permission("Call Status", ptype, user="Guest"), ptype)
			self.assertFalse(frappe.has_permission("Call Status", ptype, user=PLAIN_USER), ptype)


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


class TestCallStatusREST(FrappeTestCase):
	"""Real requests through Frappe's WSGI application, each on its own database connection."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_users()
		cls.manager = ApiClient(MANAGER)
		cls.agent = ApiClient(AGENT)
		cls.guest = ApiClient()

	def tearDown(self):
		frappe.db.rollback()

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
