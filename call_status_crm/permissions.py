"""Row-level access to calls: an agent sees and edits only their own; managers see all (DESIGN.md §1)."""

import frappe

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import is_call_manager


def lead_call_log_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_call_manager(user):
		return ""
	return f"`tabLead Call Log`.`agent` = {frappe.db.escape(user)}"


def lead_call_log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if is_call_manager(user):
		return None
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("name"):
		return None
	return doc.get("agent") == user
