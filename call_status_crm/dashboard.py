"""Numbers for the Call Center workspace (DESIGN.md §7)."""

import frappe
from frappe.utils import add_days, getdate, today

from call_status_crm.core.reports import rate


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
