"""What the four call reports share (DESIGN.md §6): filters, the agent restriction, status titles.

Reports aggregate in the database (Query Builder) and never loop over calls in Python; they read from a
replica where the site has one (`frappe.read_only`) and never write.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import add_days, format_date, getdate, today

from call_status_crm.core.calls import EARLIEST_CALL_TIME
from call_status_crm.core.reports import PERIODS
from call_status_crm.permissions import is_call_manager

SHARED_FILTERS = ("agent", "branch", "department", "campaign", "direction", "call_status")
TEXT_FILTERS = (*SHARED_FILTERS, "tag", "period", "group_by", "lead_status")
MAX_FILTER_LENGTH = 140
REPORTS = (
	"Call Status Summary",
	"Agent Call Performance",
	"Campaign Call Performance",
	"Missed Call Service Level",
	"Lead List Penetration",
)
LATEST_DATE = datetime.date(2999, 12, 31)
# Frappe's indicator colors (Call Status > Indicator Color) in Frappe's own palette (espresso, 500)
INDICATOR_HEX = {
	"Blue": "#0289f7",
	"Cyan": "#34bae3",
	"Gray": "#999999",
	"Green": "#59ba8b",
	"Orange": "#e86c13",
	"Pink": "#e34aa6",
	"Purple": "#9c45e3",
	"Red": "#e03636",
	"Yellow": "#edba13",
}


class InvalidReportFilterError(frappe.ValidationError):
	pass


# Each report's choice filters, the first value the default. Checked with the other filters before
# Frappe's report runner starts (which logs every failed run as an Error Log).
CHOICES = {
	"Call Status Summary": {"period": PERIODS},
	"Campaign Call Performance": {"group_by": ("Campaign", "Tag")},
	"Missed Call Service Level": {"group_by": ("Day", "Agent", "Branch")},
}


def refuse_bad_report_filters():
	"""`before_request` hook: a run of one of our reports with filters of the wrong type is refused (417)
	before Frappe's report runner, which writes an Error Log row for every failed run, so that nobody can
	flood the Error Log with refused runs. `prepare_filters` checks the same for direct calls."""
	form = frappe.local.form_dict
	path = frappe.local.request.path if getattr(frappe.local, "request", None) else ""
	if not (path.endswith("/frappe.desk.query_report.run") and form.get("report_name") in REPORTS):
		return
	filters = form.get("filters")
	if isinstance(filters, str):
		try:
			filters = frappe.parse_json(filters)
		except ValueError:
			filters = "not an object"
	check_filters(filters, form.get("report_name"))


def check_filters(filters, report: str | None = None) -> frappe._dict:
	"""Filters are an object of short texts and real dates, in order, with the report's choices, or
	refused with a clear error; dates and choices not given get their defaults (the last 30 days)."""
	if filters is not None and not isinstance(filters, dict):
		refuse(_("Report filters must be an object."))
	filters = frappe._dict(filters or {})
	for fieldname in TEXT_FILTERS:
		value = filters.get(fieldname)
		if value is not None and not (isinstance(value, str) and len(value) <= MAX_FILTER_LENGTH):
			refuse(
				_("Filter {0} must be one value (text of at most {1} characters).").format(
					frappe.bold(fieldname), MAX_FILTER_LENGTH
				)
			)
	for fieldname in ("from_date", "to_date"):
		if filters.get(fieldname):
			filters[fieldname] = check_date(fieldname, filters[fieldname])
	filters.to_date = filters.to_date or getdate(today())
	filters.from_date = filters.from_date or add_days(filters.to_date, -29)
	if filters.from_date > filters.to_date:
		refuse(
			_("From Date {0} is after To Date {1}.").format(
				frappe.bold(format_date(filters.from_date)), frappe.bold(format_date(filters.to_date))
			)
		)
	for fieldname, choices in CHOICES.get(report, {}).items():
		filters[fieldname] = filters.get(fieldname) or choices[0]
		if filters[fieldname] not in choices:
			refuse(
				_("Filter {0}: {1} is not one of {2}.").format(
					frappe.bold(fieldname), frappe.bold(filters[fieldname]), ", ".join(choices)
				)
			)
	return filters


def check_date(fieldname: str, value) -> datetime.date:
	try:
		day = getdate(value) if isinstance(value, str | datetime.date) else None
	except Exception:
		day = None
	if day is None or not (EARLIEST_CALL_TIME.date() <= day <= LATEST_DATE):
		refuse(
			_("Filter {0}: {1} is not a date between {2} and {3}.").format(
				frappe.bold(fieldname), frappe.bold(str(value)[:40]), EARLIEST_CALL_TIME.date(), LATEST_DATE
			)
		)
	return day


def refuse(message: str) -> None:
	frappe.throw(message, exc=InvalidReportFilterError, title=_("Invalid Filters"))


def prepare_filters(filters, report: str | None = None) -> frappe._dict:
	"""Checked filters with their defaults, and the rule that an agent only ever sees their own calls."""
	filters = check_filters(filters, report)
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


def call_statuses() -> list[dict]:
	"""Every call status (code, title, indicator color) in sort order."""
	return frappe.get_all(
		"Call Status",
		fields=["name", "status_title", "indicator_color"],
		order_by="sort_order asc, status_title asc",
	)


def status_titles() -> dict[str, str]:
	"""Call status code → translated title, in sort order."""
	return {row.name: _(row.status_title) for row in call_statuses()}


def status_colors() -> dict[str, str]:
	"""Call status code → the chart color of its indicator color, in sort order."""
	return {row.name: indicator_hex(row.indicator_color) for row in call_statuses()}


def indicator_hex(indicator_color: str | None) -> str:
	return INDICATOR_HEX.get(indicator_color or "Gray", INDICATOR_HEX["Gray"])


def bar_chart(
	labels: list, datasets: dict[str, list], stacked: bool = False, colors: list[str] | None = None
) -> dict:
	"""A Frappe bar chart: one dataset per (name → values), optionally one color per dataset."""
	chart = {
		"data": {
			"labels": labels,
			"datasets": [{"name": name, "values": values} for name, values in datasets.items()],
		},
		"type": "bar",
	}
	if stacked:
		chart["barOptions"] = {"stacked": 1}
	if colors:
		chart["colors"] = colors
	return chart


def run(query, as_dict: bool = True) -> list:
	"""Run a report query (on the read replica when the site has one)."""
	return query.run(as_dict=as_dict)
