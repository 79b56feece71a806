"""Calling rules for the desk, diallers and AI agents (DESIGN.md §8): may this lead or number be dialled
now, and when next?"""

import frappe
from frappe import _

from call_status_crm import calling_rules
from call_status_crm.permissions import can_write_lead, deny_lead


class MissingCallTargetError(frappe.ValidationError):
	pass


@frappe.whitelist()
def check_call(lead: str | None = None, phone: str | None = None, campaign: str | None = None) -> dict:
	"""{allowed, reasons (dnc, outside_window, holiday, cap_reached), next_allowed_at (UTC, ISO 8601; null
	when never), next_allowed_at_local (the lead's time), timezone, local_time, enabled, message} for an
	outgoing call to the lead (its number, or `phone`) or to a number. Needs Lead Call Log create and read
	on the lead; a Lead the user may not read gets the same answer whether it exists or not."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	for name, value in (("lead", lead), ("phone", phone), ("campaign", campaign)):
		if value is not None and not isinstance(value, str):
			frappe.throw(_("{0} must be text.").format(frappe.bold(name)), exc=MissingCallTargetError)
	if lead:
		if not frappe.db.exists("Lead", lead) or not can_read_lead(lead):
			deny_lead(lead)
	elif not phone:
		frappe.throw(
			_("Say which lead or number to check: send {0} or {1}.").format(
				frappe.bold("lead"), frappe.bold("phone")
			),
			exc=MissingCallTargetError,
			title=_("Missing Lead"),
		)
	return calling_rules.check_call(lead or None, phone or None, campaign or None)


def can_read_lead(lead: str) -> bool:
	"""Frappe's read check on the Lead; a user who may write every Lead (the usual agent) is answered
	without loading it (`permissions.can_write_lead`)."""
	return can_write_lead(lead) or bool(frappe.has_permission("Lead", "read", doc=lead))
