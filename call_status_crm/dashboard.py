"""Numbers for the Call Center workspace (DESIGN.md §7)."""

import frappe
from frappe import _
from frappe.utils import add_days, get_first_day, get_last_day, getdate, today

from call_status_crm.core.reports import rate
from call_status_crm.permissions import is_trusted
from call_status_crm.reports import INDICATOR_HEX, call_statuses
from call_status_crm.rollup_reports import calls_by_status, day_totals

# The Call Center workspace's widgets (call_status_crm/call_status_crm/workspace/call_center).
WORKSPACE_WIDGETS = {
	"Number Card": (
		"Calls Today",
		"Connect Rate Today",
		"Missed Today",
		"Unknown Callers to Call Back",
		"Call Events Pending",
	),
	"Dashboard Chart": ("Calls by Status",),
}


@frappe.whitelist()
def get_workspace_widgets() -> list[dict]:
	"""The Call Center workspace's number cards and chart the user may see, in one answer (the desk's
	widgets would otherwise fetch each through `getdoc`, about 0.2 s apiece: Frappe's permission check of a
	Number Card reads every permission of the user's roles, three times a request).

	Who sees what is Frappe's rule for these doctypes, decided once: read on the widget's doctype, then a
	chart's roles (the shipped chart has them), else read on the document type it counts."""
	roles = set(frappe.get_roles())
	widgets = []
	for doctype, names in WORKSPACE_WIDGETS.items():
		if not frappe.has_permission(doctype, "read"):
			continue
		for name in names:
			doc = frappe.get_cached_doc(doctype, name)
			allowed = [row.role for row in doc.get("roles") or []]
			if (
				"System Manager" in roles
				or (allowed and roles.intersection(allowed))
				or (not allowed and doc.document_type and frappe.has_permission(doc.document_type, "read"))
			):
				widgets.append(doc.as_dict())
	return widgets


@frappe.whitelist()
def get_connect_rate_today(filters=None) -> dict:
	"""Connected calls (duration > 0) as a share of today's calls, counted in one query under the
	user's permissions (an agent sees their own)."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	start = getdate(today())
	scope = rollup_scope()
	if scope is not None:
		totals = day_totals(start, scope.agent)
		return {"value": rate(totals["connected"], totals["calls"]), "fieldtype": "Percent"}
	[row] = frappe.get_list(
		"Lead Call Log",
		filters=[["call_time", ">=", start], ["call_time", "<", add_days(start, 1)]],
		fields=["count(name) as calls", "sum(is_connected) as connected"],
	)
	return {"value": rate(row.connected or 0, row.calls or 0), "fieldtype": "Percent"}


@frappe.whitelist()
def get_calls_today(filters=None) -> dict:
	"""The "Calls Today" card: today's calls under the user's permissions (an agent's own)."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	return todays_count("calls", [])


@frappe.whitelist()
def get_missed_today(filters=None) -> dict:
	"""The "Missed Today" card: today's calls of a Missed outcome under the user's permissions."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	return todays_count("missed", [["outcome", "=", "Missed"]])


def todays_count(total: str, filters: list) -> dict:
	"""A card's count of today's calls: from the roll-ups under the user's scope, else Frappe's count of the
	calls the user may list; the card opens the calls it counts."""
	start = getdate(today())
	scope = rollup_scope()
	if scope is not None:
		value = day_totals(start, scope.agent)[total]
	else:
		[value] = frappe.get_list(
			"Lead Call Log",
			filters=[["call_time", ">=", start], ["call_time", "<", add_days(start, 1)], *filters],
			fields=["count(name) as calls"],
			pluck="calls",
		)
	options = {"call_time": ["Timespan", "today"], **{field: [op, v] for field, op, v in filters}}
	return {"value": value, "fieldtype": "Int", "route": ["List", "Lead Call Log"], "route_options": options}


@frappe.whitelist()
def get_calls_by_status(
	chart_name: str | None = None,
	filters: str | dict | None = None,
	refresh: int | None = None,
	**_chart_args,
) -> dict:
	"""This month's calls per status, under the user's permissions (an agent sees their own): one bar per
	status with calls, titled by the status title, in sort order and in the status's indicator color.

	A chart's colors are one per dataset, so there is one dataset per indicator color (in `INDICATOR_HEX`
	order, matching the chart's `colors`), each holding the calls of the statuses of that color."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	start = get_first_day(today())
	scope = rollup_scope()
	counts = (
		calls_by_status(start, get_last_day(start), scope.agent)
		if scope is not None
		else frappe.get_list(
			"Lead Call Log",
			filters=[["call_time", ">=", start], ["call_time", "<", add_days(get_last_day(start), 1)]],
			fields=["call_status", "count(name) as calls"],
			group_by="call_status",
			order_by="call_status asc",
			as_list=True,
		)
	)
	counts = dict(counts)
	statuses = [row for row in call_statuses() if counts.get(row.name)]
	colors = list(INDICATOR_HEX)
	return {
		"labels": [_(row.status_title) for row in statuses],
		"datasets": [
			{
				"name": _(color),
				"values": [
					counts[row.name] if (row.indicator_color or "Gray") == color else 0 for row in statuses
				],
			}
			for color in colors
		],
	}


def rollup_scope() -> frappe._dict | None:
	"""Whose calls the user's widgets count from the roll-ups (`agent` None: everyone's), or None where
	only the calls can say: User Permissions may narrow what Frappe lists, beyond the agent rule."""
	from frappe.core.doctype.user_permission.user_permission import get_user_permissions

	if frappe.flags.call_reports_from_calls or get_user_permissions(frappe.session.user):
		return None
	return frappe._dict(agent=None if is_trusted() else frappe.session.user)
