"""Numbers for the Call Center workspace (DESIGN.md §7)."""

import frappe
from frappe import _
from frappe.utils import add_days, get_first_day, get_last_day, getdate, today

from call_status_crm.core.reports import rate
from call_status_crm.reports import INDICATOR_HEX, call_statuses


@frappe.whitelist()
def get_connect_rate_today(filters=None) -> dict:
	"""Connected calls (duration > 0) as a share of today's calls, counted in one query under the
	user's permissions (an agent sees their own)."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	start = getdate(today())
	[row] = frappe.get_list(
		"Lead Call Log",
		filters=[["call_time", ">=", start], ["call_time", "<", add_days(start, 1)]],
		fields=["count(name) as calls", "sum(is_connected) as connected"],
	)
	return {"value": rate(row.connected or 0, row.calls or 0), "fieldtype": "Percent"}


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
	counts = dict(
		frappe.get_list(
			"Lead Call Log",
			filters=[["call_time", ">=", start], ["call_time", "<", add_days(get_last_day(start), 1)]],
			fields=["call_status", "count(name) as calls"],
			group_by="call_status",
			order_by="call_status asc",
			as_list=True,
		)
	)
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
