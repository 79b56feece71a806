"""Counting rows of the app's doctypes with the reader's own rights.

Frappe's whitelisted `frappe.client.get_count` counts any doctype's rows with no permission check at all
(`frappe.db.count`): any logged-in user could count another agent's calls, and with a filter on `note`
turn it into a yes/no oracle for their content. The app overrides that one method
(`override_whitelisted_methods`): for its own doctypes the count needs read permission and applies the
same row conditions as the list (an agent counts only their own calls); other doctypes are Frappe's.
"""

import frappe
from frappe.client import get_count as frappe_get_count
from frappe.utils import get_safe_filters

MODULE = "Call Status CRM"


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug: bool = False, cache: bool = False) -> int:
	if not is_app_doctype(doctype):
		return frappe_get_count(doctype, filters, debug, cache)
	frappe.has_permission(doctype, "read", throw=True)
	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=[f"count(`tab{doctype}`.`name`) as total_count"]
	)
	return rows[0].total_count if rows else 0


def is_app_doctype(doctype) -> bool:
	if not isinstance(doctype, str):
		return False
	try:
		return frappe.get_meta(doctype).module == MODULE
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		return False
