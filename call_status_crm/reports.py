"""What the four call reports share (DESIGN.md §6): filters, the agent restriction, status titles.

Reports aggregate in the database (Query Builder) and never loop over calls in Python; they read from a
replica where the site has one (`frappe.read_only`) and never write.
"""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import is_call_manager

SHARED_FILTERS = ("agent", "branch", "department", "campaign", "direction", "call_status")


class InvalidReportFilterError(frappe.ValidationError):
	pass


def prepare_filters(filters) -> frappe._dict:
	"""Defaults (the last 30 days) and the rule that an agent only ever sees their own calls."""
	filters = frappe._dict(filters or {})
	filters.to_date = getdate(filters.to_date or today())
	filters.from_date = getdate(filters.from_date or add_days(filters.to_date, -29))
	if filters.from_date > filters.to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}.").format(
				frappe.bold(filters.from_date), frappe.bold(filters.to_date)
			),
			exc=InvalidReportFilterError,
			title=_("Invalid Filters"),
		)
	if not is_call_manager():
		filters.agent = frappe.session.user
	return filters


def calls_table():
	return frappe.qb.DocType("Lead Call Log")


def filter_calls(query, call, filters):
	"""Apply the shared filters to a query over Lead Call Log (`call` may be an aliased table)."""
	query = query.where((call.call_date >= filters.from_date) & (call.call_date <= filters.to_date))
	for fieldname in SHARED_FILTERS:
		if filters.get(fieldname):
			query = query.where(call[fieldname] == filters[fieldname])
	if filters.get("tag"):
		tag_link = frappe.qb.DocType("Tag Link")
		tagged = (
			frappe.qb.from_(tag_link)
			.select(tag_link.document_name)
			.where((tag_link.document_type == "Lead Call Log") & (tag_link.tag == filters.tag))
		)
		query = query.where(call.name.isin(tagged))
	return query


def status_titles() -> dict[str, str]:
	"""Call status code → translated title, in sort order."""
	rows = frappe.get_all(
		"Call Status", fields=["name", "status_title"], order_by="sort_order asc, status_title asc"
	)
	return {row.name: _(row.status_title) for row in rows}


def bar_chart(labels: list, datasets: dict[str, list], stacked: bool = False) -> dict:
	"""A Frappe bar chart: one dataset per (name → values)."""
	chart = {
		"data": {
			"labels": labels,
			"datasets": [{"name": name, "values": values} for name, values in datasets.items()],
		},
		"type": "bar",
	}
	if stacked:
		chart["barOptions"] = {"stacked": 1}
	return chart


def run(query, as_dict: bool = True) -> list:
	"""Run a report query (on the read replica when the site has one)."""
	return query.run(as_dict=as_dict)
