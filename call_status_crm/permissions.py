"""Who may do what with calls (DESIGN.md §1a): row-level access, the sources and agents a user may
write, and Frappe's own check of the Lead. The rules are in `core.access`; this reads the user's roles."""

import frappe
from frappe import _

from call_status_crm.core import access


class CallPermissionError(frappe.PermissionError):
	pass


def roles(user: str | None = None) -> list[str]:
	return frappe.get_roles(user or frappe.session.user)


def is_call_manager(user: str | None = None) -> bool:
	"""Call Center Manager or System Manager: every call, statuses, settings, reports."""
	user = user or frappe.session.user
	return access.is_manager(user, roles(user))


def is_trusted(user: str | None = None) -> bool:
	"""Managers and integrations (Call Integration): any status, any source, any agent."""
	user = user or frappe.session.user
	return access.is_trusted(user, roles(user))


def is_integration(user: str | None = None) -> bool:
	"""A dialler or telephony webhook's user (Call Integration): acts for the floor, not through Leads."""
	user = user or frappe.session.user
	return user == access.ADMINISTRATOR or access.INTEGRATION_ROLE in roles(user)


def allowed_sources(user: str | None = None) -> tuple[str, ...]:
	user = user or frappe.session.user
	return access.allowed_sources(user, roles(user))


def default_source(user: str | None = None) -> str | None:
	user = user or frappe.session.user
	return access.default_source(user, roles(user))


def deny(message: str) -> None:
	frappe.throw(message, exc=CallPermissionError, title=_("Not Permitted"))


def check_lead_write(lead: str, user: str | None = None) -> None:
	"""A call on a Lead needs write permission on that Lead through Frappe's own check (roles, User
	Permissions, shares). The refusal does not tell whether the Lead exists."""
	if not can_write_lead(lead, user):
		deny_lead(lead)


def deny_lead(lead: str) -> None:
	"""The one refusal for a Lead a user may not log calls on, whether or not it exists."""
	deny(_("You may not log calls on Lead {0}.").format(frappe.bold(lead)))


def can_write_lead(lead: str, user: str | None = None) -> bool:
	"""Frappe's `has_permission("Lead", "write", doc=lead)`. That check loads the whole Lead (a third of
	a call's cost); when nothing about one Lead can change its answer it is asked without the document."""
	user = user or frappe.session.user
	if writes_every_lead(user):
		return True
	try:
		return bool(frappe.has_permission("Lead", "write", doc=lead, user=user))
	except frappe.DoesNotExistError:  # no such Lead: answered like one the user may not write
		frappe.clear_last_message()
		return False


def writes_every_lead(user: str) -> bool:
	"""The user may write any Lead, whichever it is: their roles grant write outright (not only on Leads
	they own), they have no User Permissions, and no app adds a `has_permission` hook for Lead. Then
	Frappe's document check (controller hooks, role and owner permissions, User Permissions) answers yes
	for every Lead, and shares can only add to it."""
	from frappe.core.doctype.user_permission.user_permission import get_user_permissions
	from frappe.permissions import get_role_permissions

	if frappe.get_hooks("has_permission").get("Lead") or get_user_permissions(user):
		return False
	return bool(get_role_permissions(frappe.get_meta("Lead"), user=user).get("write"))


def lead_call_log_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""`permission_query_conditions`: an agent lists only their own calls."""
	user = user or frappe.session.user
	if is_trusted(user):
		return ""
	return f"`tabLead Call Log`.`agent` = {frappe.db.escape(user)}"


def lead_call_log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	"""`has_permission`: an agent reads and writes only their own calls. A save is also checked against
	the call as stored (in the controller), so naming yourself the agent does not pass."""
	user = user or frappe.session.user
	if is_trusted(user):
		return None
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("name"):
		return None
	return doc.get("agent") == user
