"""The settings other modules read (Call Status CRM Settings), without importing its controller."""

import frappe

from call_status_crm.core.lead_options import split_options

SETTINGS = "Call Status CRM Settings"
DEFAULT_CONNECTED_LEAD_STATUS = "Replied"
DEFAULT_CALL_EDIT_MINUTES = 30


def get_value(fieldname: str):
	return frappe.db.get_single_value(SETTINGS, fieldname)


def get_protected_lead_statuses() -> list[str]:
	return split_options(get_value("protected_lead_statuses"))


def get_connected_lead_status() -> str | None:
	"""Where a reached lead goes from a recycled status when its call sets no lead status (§4)."""
	return get_value("connected_lead_status") or None


def get_call_edit_minutes() -> int:
	value = get_value("call_edit_minutes")
	return DEFAULT_CALL_EDIT_MINUTES if value is None else int(value)
