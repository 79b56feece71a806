"""Install, migrate and uninstall: idempotent `ensure_*` functions that add what is missing and never
overwrite an admin's edits."""

import frappe
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

from call_status_crm.call_status_crm.doctype.call_status_crm_settings.call_status_crm_settings import (
	apply_default_settings,
)
from call_status_crm.core.lead_options import APP_LEAD_STATUSES, merge_options, remove_options, split_options
from call_status_crm.core.statuses import missing_system_statuses

MODULE = "Call Status CRM"


def after_install():
	ensure_app_records()


def after_migrate():
	ensure_app_records()


def ensure_app_records():
	ensure_call_name_sequence()
	ensure_indexes()
	ensure_lead_status_options()
	ensure_system_call_statuses()
	apply_default_settings()


def before_uninstall():
	delete_lead_custom_fields()
	release_lead_status_options()
	# remove_app deletes single DocTypes without their values; a reinstall must start from defaults.
	frappe.db.delete("Singles", {"doctype": "Call Status CRM Settings"})
	frappe.db.sql_ddl(f"DROP SEQUENCE IF EXISTS `{call_name_sequence()}`")


def call_name_sequence() -> str:
	from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import NAME_SEQUENCE

	return frappe.scrub("".join(NAME_SEQUENCE))


def ensure_call_name_sequence() -> None:
	"""The sequence that numbers calls, created once, starting after every number already used: by
	calls named before (by this sequence or by the old CALL-.YYYY.- naming series)."""
	from frappe.database.sequence import create_sequence

	from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import NAME_SEQUENCE

	exists = frappe.db.sql(
		"""SELECT 1 FROM information_schema.tables
		WHERE table_schema = DATABASE() AND table_name = %s AND table_type = 'SEQUENCE'""",
		(call_name_sequence(),),
	)
	if exists:
		return
	used = frappe.db.sql(
		"""SELECT GREATEST(
			COALESCE((SELECT MAX(`current`) FROM `tabSeries` WHERE name LIKE 'CALL-%%'), 0),
			COALESCE((SELECT MAX(CAST(SUBSTRING_INDEX(name, '-', -1) AS UNSIGNED)) FROM `tabLead Call Log`
				WHERE name REGEXP '^CALL-[0-9]{4}-[0-9]+$'), 0))"""
	)[0][0]
	create_sequence(
		NAME_SEQUENCE[0], slug=NAME_SEQUENCE[1], check_not_exists=True, start_value=int(used or 0) + 1
	)


def ensure_indexes() -> None:
	"""Composite indexes added in a later release reach existing sites on migrate (add_index skips an
	index that exists), not only when the DocType's JSON changes."""
	from call_status_crm.call_status_crm.doctype.lead_call_log import lead_call_log
	from call_status_crm.call_status_crm.doctype.lead_reassignment import lead_reassignment

	lead_call_log.on_doctype_update()
	lead_reassignment.on_doctype_update()


def ensure_system_call_statuses() -> list[str]:
	"""Insert the catalogue's system statuses the site does not have; returns the codes inserted."""
	existing = frappe.get_all("Call Status", pluck="name")
	inserted = []
	for spec in missing_system_statuses(existing):
		doc = frappe.get_doc({"doctype": "Call Status", **spec.as_record()})
		doc.flags.from_catalogue = True
		doc.insert(ignore_permissions=True)
		inserted.append(doc.name)
	return inserted


def get_lead_status_options() -> str:
	"""The Lead `status` options as the site has them now (its Property Setters included)."""
	frappe.clear_cache(doctype="Lead")
	return frappe.get_meta("Lead").get_field("status").options or ""


def get_standard_lead_status_options() -> str:
	"""The options ERPNext's Lead DocType ships, without any Property Setter."""
	return frappe.db.get_value("DocField", {"parent": "Lead", "fieldname": "status"}, "options") or ""


def ensure_lead_status_options() -> None:
	"""Add the app's lead statuses to Lead `status`, keeping every option the site already has."""
	current = get_lead_status_options()
	merged = merge_options(current, APP_LEAD_STATUSES)
	if merged == current:
		return
	own = get_lead_status_property_setter()
	make_property_setter("Lead", "status", "options", merged, "Text", validate_fields_for_doctype=False)
	if not own or own.module == MODULE:
		# Ours alone: remove_app deletes a module's Property Setters, and release puts the site's back.
		frappe.db.set_value("Property Setter", get_lead_status_property_setter().name, "module", MODULE)
	frappe.clear_cache(doctype="Lead")


def get_lead_status_property_setter():
	name = frappe.db.get_value(
		"Property Setter",
		{"doc_type": "Lead", "field_name": "status", "property": "options"},
		"name",
	)
	return frappe.get_doc("Property Setter", name) if name else None


def get_lead_statuses_in_use(statuses) -> list[str]:
	lead = frappe.qb.DocType("Lead")
	rows = frappe.qb.from_(lead).select(lead.status).distinct().where(lead.status.isin(list(statuses))).run()
	return [row[0] for row in rows]


def release_lead_status_options() -> None:
	"""Take the app's lead statuses back out of Lead `status`, except those a Lead still has.

	The site's own options stay. When nothing but ERPNext's standard options remain, the Property
	Setter goes; otherwise it stays as the site's (module cleared, so uninstall does not delete it).
	"""
	own = get_lead_status_property_setter()
	if not own:
		return
	in_use = get_lead_statuses_in_use(APP_LEAD_STATUSES)
	remaining = remove_options(own.value, APP_LEAD_STATUSES, keep=in_use)
	if split_options(remaining) == split_options(get_standard_lead_status_options()):
		frappe.delete_doc("Property Setter", own.name, ignore_permissions=True, force=True)
	else:
		own.db_set({"value": remaining, "module": None})
	frappe.clear_cache(doctype="Lead")


def delete_lead_custom_fields() -> None:
	"""Delete the app's Custom Fields and drop their columns (Frappe keeps a deleted field's column), so
	the Lead keeps no link to a DocType that is gone."""
	fields = frappe.get_all("Custom Field", filters={"module": MODULE}, fields=["name", "dt", "fieldname"])
	for field in fields:
		frappe.delete_doc("Custom Field", field.name, ignore_permissions=True, force=True)
	for doctype in {field.dt for field in fields}:
		columns = set(frappe.db.get_table_columns(doctype))
		drops = [field.fieldname for field in fields if field.dt == doctype and field.fieldname in columns]
		if drops:
			clauses = ", ".join(f"DROP COLUMN `{fieldname}`" for fieldname in drops)
			frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` {clauses}")
		frappe.clear_cache(doctype=doctype)
