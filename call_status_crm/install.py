"""Install, migrate and uninstall: idempotent `ensure_*` functions that add what is missing and never
overwrite an admin's edits."""

import frappe
from frappe import _
from frappe.custom.doctype.property_setter.property_setter import make_property_setter
from frappe.utils.fixtures import sync_fixtures

from call_status_crm.call_status_crm.doctype.call_status_crm_settings.call_status_crm_settings import (
	apply_default_settings,
)
from call_status_crm.calls import NAME_SEQUENCE, call_name_sequence
from call_status_crm.core.lead_options import (
	APP_LEAD_STATUSES,
	join_options,
	merge_options,
	remove_options,
	split_options,
)
from call_status_crm.core.statuses import catalogue_fixes, missing_system_statuses
from call_status_crm.core.telephony import repair_map
from call_status_crm.leads import get_lead_status_options
from call_status_crm.recycling import update_all_due
from call_status_crm.schema import add_call_indexes, add_reassignment_indexes
from call_status_crm.settings import SETTINGS
from call_status_crm.unknown_callers import ensure_unknown_caller_filter

MODULE = "Call Status CRM"
APP_DOCTYPES = ("Call Status", "Lead Call Log", "Call Status CRM Settings", "Lead Reassignment")


def before_install():
	"""A site that existed (its Redis cache warm) before the app was linked into the bench keeps a cached
	map of the bench's apps and modules without it, and `install-app` would then sync none of the app's
	DocTypes. Rebuild that map first; refuse, before anything is written, if the module is still unknown."""
	frappe.cache.delete_value(["app_modules", "installed_app_modules", "module_app", "app_hooks"])
	frappe.local.app_modules = None
	frappe.setup_module_map()
	if "call_status_crm" not in (frappe.local.app_modules or {}).get("call_status_crm", []):
		frappe.throw(
			_("The bench does not list the app {0}: check sites/apps.txt, then run {1}.").format(
				frappe.bold("call_status_crm"), frappe.bold(f"bench --site {frappe.local.site} clear-cache")
			),
			title=_("Install Incomplete"),
		)


def after_install():
	check_doctypes_synced()
	# install-app syncs fixtures after this hook: the Lead's custom fields are needed now
	sync_fixtures("call_status_crm")
	ensure_app_records()


def check_doctypes_synced():
	"""Fail early and clearly when install-app synced none of the app's DocTypes: a site whose cache
	predates the app being linked into the bench lists the installed apps' modules without it."""
	missing = [doctype for doctype in APP_DOCTYPES if not frappe.db.exists("DocType", doctype)]
	if missing:
		frappe.throw(
			_(
				"The DocTypes of Call Status CRM were not created ({0}). The site's cache predates the app: run {1}, then install the app again."
			).format(", ".join(missing), frappe.bold(f"bench --site {frappe.local.site} clear-cache")),
			title=_("Install Incomplete"),
		)


def after_migrate():
	ensure_app_records()


def ensure_app_records():
	ensure_call_name_sequence()
	ensure_indexes()
	ensure_lead_status_options()
	ensure_system_call_statuses()
	apply_default_settings()
	ensure_setting_defaults()
	ensure_telephony_map()
	ensure_unknown_caller_filter()
	update_all_due()  # every Lead's re-assignment due time (a release may change how it is counted)


def before_uninstall():
	delete_lead_custom_fields()
	release_lead_status_options()
	# remove_app deletes single DocTypes without their values; a reinstall must start from defaults.
	frappe.db.delete("Singles", {"doctype": "Call Status CRM Settings"})
	frappe.db.sql_ddl(f"DROP SEQUENCE IF EXISTS `{call_name_sequence()}`")
	frappe.db.delete("List Filter", {"reference_doctype": "Lead Call Log"})  # the doctype goes


def ensure_call_name_sequence() -> None:
	"""The sequence that numbers calls, created once, starting after every number already used: by
	calls named before (by this sequence or by the old CALL-.YYYY.- naming series)."""
	from frappe.database.sequence import create_sequence

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
	add_call_indexes()
	add_reassignment_indexes()


def ensure_system_call_statuses() -> list[str]:
	"""Insert the catalogue's system statuses the site does not have, and bring the fields the catalogue
	fixes (direction, outcome, set by) up to date on those it has; what admins own is never touched.
	Returns the codes inserted or fixed."""
	existing = frappe.get_all(
		"Call Status", filters={"is_system": 1}, fields=["name", "direction", "outcome", "set_by"]
	)
	changed = []
	for spec in missing_system_statuses(frappe.get_all("Call Status", pluck="name")):
		doc = frappe.get_doc({"doctype": "Call Status", **spec.as_record()})
		doc.flags.from_catalogue = True
		doc.insert(ignore_permissions=True)
		changed.append(doc.name)
	for code, values in catalogue_fixes(existing).items():
		frappe.db.set_value("Call Status", code, values)
		changed.append(code)
	if changed:
		frappe.clear_cache(doctype="Call Status")
	return changed


def ensure_setting_defaults() -> None:
	"""Settings fields added in a later release get their default on sites that already had settings."""
	singles = frappe.qb.Table("tabSingles")
	stored = {
		row[0]
		for row in frappe.qb.from_(singles).select(singles.field).where(singles.doctype == SETTINGS).run()
	}
	if not stored:
		return
	meta = frappe.get_meta(SETTINGS)
	missing = {
		df.fieldname: df.default
		for df in meta.fields
		if df.fieldname in ("connected_lead_status", "call_edit_minutes") and df.fieldname not in stored
	}
	for fieldname, default in missing.items():
		frappe.db.set_single_value(SETTINGS, fieldname, default)


def ensure_telephony_map() -> bool:
	"""Every map row fits its status's direction and every Call Log status x type is covered: a map from
	an earlier release (Busy/Canceled for "Any" call pointing at outgoing-only statuses) is repaired."""
	rows = frappe.get_all(
		"Telephony Status Map",
		filters={"parent": SETTINGS, "parenttype": SETTINGS},
		fields=["telephony_status", "call_type", "call_status"],
		order_by="idx asc",
	)
	directions = dict(frappe.get_all("Call Status", fields=["name", "direction"], as_list=True))
	repaired = repair_map([dict(row) for row in rows], directions)
	if repaired == [dict(row) for row in rows]:
		return False
	settings = frappe.get_single(SETTINGS)
	settings.set("telephony_status_map", repaired)
	settings.flags.ignore_permissions = True
	settings.save()
	return True


def get_standard_lead_status_options() -> str:
	"""The options ERPNext's Lead DocType ships, without any Property Setter."""
	return frappe.db.get_value("DocField", {"parent": "Lead", "fieldname": "status"}, "options") or ""


def ensure_lead_status_options() -> None:
	"""Add the app's lead statuses to Lead `status`, keeping every option the site already has."""
	frappe.clear_cache(doctype="Lead")
	current = get_lead_status_options()
	merged = merge_options(join_options(current), APP_LEAD_STATUSES)
	if split_options(merged) == current:
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
