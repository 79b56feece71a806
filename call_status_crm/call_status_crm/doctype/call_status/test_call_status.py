# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""The Call Status doctype: the system catalogue as installed and re-synced on migrate, what admins may and
may not change (code, system flag, rename, delete), codes, Lead status options and permissions by role."""

import frappe
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

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
from call_status_crm.tests.utils import AGENT, MANAGER, PLAIN_USER, make_call_status

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
