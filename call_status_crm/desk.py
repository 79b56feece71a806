"""What the desk gets from the app at login and boot (DESIGN.md §7): where a call-centre user lands, and
the call statuses' titles, so that no Call Status link anywhere in the desk shows a bare code."""

import frappe
from frappe import _

# The app's roles that name a home page (Role > Home Page, shipped as fixtures), in the order they win.
HOME_PAGE_ROLES = ("Call Agent", "Call Center Manager")


def set_home_page(login_manager) -> None:
	"""`on_session_creation`: Frappe sends a desk user to the default app's route (ERPNext's `/app/home`,
	a page ERPNext v15 no longer ships: "Page home not found"). A Call Agent or a Call Center Manager
	lands on their role's home page (the Call Center workspace) instead, unless the user or the site has
	chosen a default app."""
	response = frappe.local.response
	if response.get("message") != "Logged In" or login_manager.user == "Administrator":
		return
	home_page = get_role_home_page(login_manager.user)
	if home_page:
		response["home_page"] = "/" + home_page.strip("/")


def get_role_home_page(user: str) -> str | None:
	if frappe.db.get_value("User", user, "default_app") or frappe.get_system_settings("default_app"):
		return None
	roles = set(frappe.get_roles(user))
	home_pages = dict(
		frappe.get_all(
			"Role",
			filters={"name": ("in", HOME_PAGE_ROLES), "disabled": 0},
			fields=["name", "home_page"],
			as_list=True,
		)
	)
	return next(
		(home_pages[role] for role in HOME_PAGE_ROLES if role in roles and home_pages.get(role)), None
	)


def boot_session(bootinfo) -> None:
	"""`boot_session`: the names of the Call Center workspace's widgets, and every call status's title
	(translated), for the desk's Link titles: lists, Report View, filters and forms show "No Answer", never
	`no_answer`."""
	if frappe.session.user == "Guest":
		return
	from call_status_crm.dashboard import WORKSPACE_WIDGETS

	# the Call Center workspace's own widgets, which the desk fetches in one request (dashboard.py)
	bootinfo.call_status_crm_workspace_widgets = WORKSPACE_WIDGETS
	if not frappe.has_permission("Call Status", "read"):
		return
	bootinfo.call_statuses = [
		{
			"name": row.name,
			"title": _(row.status_title),
			"direction": row.direction,
			"outcome": row.outcome,
		}
		for row in frappe.get_all(
			"Call Status",
			fields=["name", "status_title", "direction", "outcome"],
			order_by="sort_order asc, status_title asc",
		)
	]
