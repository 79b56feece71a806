"""Checks for the install / migrate / uninstall / reinstall cycle, run by `dev/lifecycle` with
`bench --site <fresh site> execute call_status_crm.tests.lifecycle.<check>`.

Each check raises AssertionError with the reason when the site is not as it should be.
"""

import json

import frappe

from call_status_crm.core.lead_options import APP_LEAD_STATUSES, split_options
from call_status_crm.core.statuses import SYSTEM_STATUS_CODES
from call_status_crm.core.telephony import DEFAULT_TELEPHONY_STATUS_MAP

SITE_OWN_OPTION = "Hot"
APP_DOCTYPES = ("Call Status", "Lead Call Log", "Lead Reassignment", "Call Status CRM Settings")
LEAD_CUSTOM_FIELDS = (
	"last_call_time",
	"last_call_status",
	"last_call_agent",
	"call_attempts",
	"connected_calls",
)
LEAD_IN_APP_STATUS = "Lifecycle lead kept at Not Picked"
LEAD_IN_SITE_STATUS = "Lifecycle lead kept at Hot"


def lead_status_options() -> list[str]:
	frappe.clear_cache(doctype="Lead")
	return split_options(frappe.get_meta("Lead").get_field("status").options)


def add_site_own_option() -> None:
	"""Before the app is installed, the site adds an option of its own to Lead status (Customize Form)."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	options = lead_status_options()
	assert "Not Picked" not in options, f"the site is not fresh: {options}"
	make_property_setter("Lead", "status", "options", "\n".join([*options, SITE_OWN_OPTION]), "Text")
	frappe.db.commit()


def check_cache_predates_app() -> None:
	"""The site's cached map of the bench's apps was made before the app was linked: the warm-cache case
	of an existing bench (install-app must rebuild it, or it syncs none of the app's DocTypes)."""
	cached = frappe.cache.get_value("app_modules") or {}
	assert cached, "the site's cache is not warm"
	assert "call_status_crm" not in cached, f"the cached app map already lists the app: {sorted(cached)}"


def check_installed() -> None:
	assert "call_status_crm" in frappe.get_installed_apps(), frappe.get_installed_apps()
	for doctype in APP_DOCTYPES:
		assert frappe.db.exists("DocType", doctype), f"DocType {doctype} is missing"
	for role in ("Call Agent", "Call Center Manager"):
		assert frappe.db.exists("Role", role), f"Role {role} is missing"
	codes = set(frappe.get_all("Call Status", filters={"is_system": 1}, pluck="name"))
	assert codes == SYSTEM_STATUS_CODES, f"system statuses differ: {sorted(codes ^ SYSTEM_STATUS_CODES)}"

	options = lead_status_options()
	for option in (*APP_LEAD_STATUSES, SITE_OWN_OPTION, "Open", "Converted", "Do Not Contact"):
		assert option in options, f"Lead status option {option} is missing: {options}"
	assert len(options) == len(set(options)), f"duplicate Lead status options: {options}"

	columns = frappe.db.get_table_columns("Lead")
	for fieldname in LEAD_CUSTOM_FIELDS:
		assert frappe.db.exists("Custom Field", {"dt": "Lead", "fieldname": fieldname}), fieldname
		assert fieldname in columns, f"column {fieldname} is missing on tabLead"

	settings = frappe.get_single("Call Status CRM Settings")
	rules = [(row.lead_status, row.delay_minutes, row.max_recycles) for row in settings.recycle_rules]
	assert rules == [("Not Picked", 30, 3), ("Missed", 30, 3)], f"default recycle rules: {rules}"
	assert str(settings.default_follow_up_time) in ("10:00:00", "10:00"), settings.default_follow_up_time
	assert "Converted" in settings.protected_lead_statuses, settings.protected_lead_statuses
	assert len(settings.telephony_status_map) == len(DEFAULT_TELEPHONY_STATUS_MAP), (
		f"telephony map rows: {len(settings.telephony_status_map)}"
	)
	print("installed: OK")


def make_leads_with_statuses() -> None:
	"""Leads that hold an app status and the site's own status when the app is uninstalled."""
	for title, status in ((LEAD_IN_APP_STATUS, "Not Picked"), (LEAD_IN_SITE_STATUS, SITE_OWN_OPTION)):
		if not frappe.db.exists("Lead", {"lead_name": title}):
			frappe.get_doc({"doctype": "Lead", "lead_name": title, "status": status}).insert()
	frappe.db.commit()


def check_uninstalled() -> None:
	assert "call_status_crm" not in frappe.get_installed_apps(), frappe.get_installed_apps()
	for doctype in APP_DOCTYPES:
		assert not frappe.db.exists("DocType", doctype), f"DocType {doctype} is still there"
	leftovers = frappe.get_all("Custom Field", filters={"module": "Call Status CRM"}, pluck="name")
	leftovers += frappe.get_all(
		"Custom Field", filters={"dt": "Lead", "fieldname": ("in", LEAD_CUSTOM_FIELDS)}, pluck="name"
	)
	assert not leftovers, f"Custom Fields left behind: {leftovers}"
	setters = frappe.get_all("Property Setter", filters={"module": "Call Status CRM"}, pluck="name")
	assert not setters, f"Property Setters left behind: {setters}"
	assert not frappe.db.exists("Singles", {"doctype": "Call Status CRM Settings"}), "settings values left"
	columns = frappe.db.get_table_columns("Lead")
	for fieldname in LEAD_CUSTOM_FIELDS:
		assert fieldname not in columns, f"column {fieldname} is still on tabLead"

	options = lead_status_options()
	assert SITE_OWN_OPTION in options, f"the site's own option was lost: {options}"
	assert "Not Picked" in options, f"an option a Lead still has was removed: {options}"
	for unused in ("Not Interested", "Followups", "Missed"):
		assert unused not in options, f"unused app option {unused} was left: {options}"

	# The Lead stays usable: existing leads save, new leads insert, the list loads.
	for title in (LEAD_IN_APP_STATUS, LEAD_IN_SITE_STATUS):
		lead = frappe.get_doc("Lead", {"lead_name": title})
		lead.save()
	new_lead = frappe.get_doc({"doctype": "Lead", "lead_name": "Lifecycle lead after uninstall"}).insert()
	assert new_lead.status == "Lead", new_lead.status
	frappe.get_list("Lead", fields=["name", "status"], limit=5)
	frappe.db.rollback()
	print("uninstalled: OK")


def write_snapshot(path: str) -> None:
	"""What install and migrate own. Records written by the app's ensure_* functions keep their
	`modified` stamps, so a rewrite shows. Fixtures (Roles, Custom Fields) are deleted and re-imported
	by Frappe on every migrate by design, so their stamps are left out and only their content counts."""

	def without_stamps(rows):
		return [{k: v for k, v in row.items() if k not in ("creation", "modified")} for row in rows]

	snapshot = {
		"call_statuses": frappe.get_all("Call Status", fields=["*"], order_by="name"),
		"settings": frappe.get_single("Call Status CRM Settings").as_dict(),
		"property_setters": frappe.get_all(
			"Property Setter",
			filters={"doc_type": "Lead", "field_name": "status"},
			fields=["*"],
			order_by="name",
		),
		"doctypes": frappe.get_all(
			"DocType", filters={"module": "Call Status CRM"}, fields=["name", "modified"], order_by="name"
		),
		"lead_status_options": lead_status_options(),
		"fixture_custom_fields": without_stamps(
			frappe.get_all(
				"Custom Field", filters={"module": "Call Status CRM"}, fields=["*"], order_by="name"
			)
		),
		"fixture_roles": without_stamps(
			frappe.get_all(
				"Role",
				filters={"name": ("in", ["Call Agent", "Call Center Manager"])},
				fields=["*"],
				order_by="name",
			)
		),
		"lead_columns": sorted(frappe.db.get_table_columns("Lead")),
	}
	with open(path, "w") as f:
		json.dump(snapshot, f, indent=1, sort_keys=True, default=str)


def edit_statuses_as_admin() -> None:
	"""An admin retitles, re-sorts, hides and repoints system statuses between two migrates."""
	for code, values in ADMIN_EDITS.items():
		doc = frappe.get_doc("Call Status", code)
		doc.update(values)
		doc.save()


def check_admin_edits_kept() -> None:
	for code, values in ADMIN_EDITS.items():
		doc = frappe.get_doc("Call Status", code)
		for field, value in values.items():
			assert doc.get(field) == value, (
				f"migrate overwrote {code}.{field}: {doc.get(field)!r} != {value!r}"
			)
	print("admin edits kept: OK")


ADMIN_EDITS = {
	"busy": {"status_title": "Line busy", "sort_order": 5, "lead_status": "Interested"},
	"voicemail": {"show_to_agent": 0, "show_to_ai_agent": 0, "indicator_color": "Pink"},
	"follow_up": {"requires_note": 1, "requires_follow_up": 0, "description": "Edited by the admin"},
}
