# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils.data import get_first_day_of_the_week

from call_status_crm.core.reports import count_outcomes, fold_periods, rate
from call_status_crm.reports import (
	bar_chart,
	calls_table,
	filter_calls,
	prepare_filters,
	run,
	status_colors,
	status_titles,
)
from call_status_crm.rollup_reports import status_daily_rows, use_rollups

REPORT = "Call Status Summary"


@frappe.read_only()  # served from the read replica where the site has one
def execute(filters=None):
	filters = prepare_filters(filters, REPORT)
	periods = fold_periods(get_daily_rows(filters), filters.period, get_first_day_of_the_week())
	titles = status_titles()
	statuses = [code for code in titles if any(code in bucket["by_status"] for bucket in periods.values())]
	data = get_data(periods, statuses)
	return (
		get_columns(filters, statuses, titles),
		data,
		None,
		get_chart(periods, statuses, titles),
		get_summary(data),
	)


def get_daily_rows(filters) -> list[dict]:
	"""Calls per day and status, counted in the database per outcome and connected (in the order of
	`call_date_status_index`, so without a temporary table) and folded into attempts, connected and
	missed in `core.reports`; from the daily roll-up unless a tag filters them."""
	if use_rollups(filters):
		return status_daily_rows(filters)
	call = calls_table()
	query = (
		frappe.qb.from_(call)
		.select(
			call.call_date.as_("day"),
			call.call_status,
			call.outcome,
			call.is_connected,
			Count("*").as_("calls"),
		)
		.groupby(call.call_date, call.call_status, call.outcome, call.is_connected)
	)
	return count_outcomes(run(filter_calls(query, call, filters)))


def get_columns(filters, statuses, titles) -> list[dict]:
	period_label = {"Daily": _("Day"), "Weekly": _("Week Starting"), "Monthly": _("Month Starting")}
	columns = [
		{"fieldname": "period", "label": period_label[filters.period], "fieldtype": "Date", "width": 120}
	]
	columns += [
		{"fieldname": f"status_{code}", "label": titles[code], "fieldtype": "Int", "width": 110}
		for code in statuses
	]
	columns += [
		{"fieldname": "calls", "label": _("Calls"), "fieldtype": "Int", "width": 90},
		{"fieldname": "attempts", "label": _("Attempts"), "fieldtype": "Int", "width": 90},
		{"fieldname": "connected", "label": _("Connected"), "fieldtype": "Int", "width": 100},
		# not "Missed": that is also the title of the status "missed", which has a column of its own
		{"fieldname": "missed", "label": _("All Missed"), "fieldtype": "Int", "width": 100},
		{"fieldname": "connect_rate", "label": _("Connect Rate"), "fieldtype": "Percent", "width": 110},
	]
	return columns


def get_data(periods, statuses) -> list[dict]:
	data = []
	for start, bucket in periods.items():
		row = {"period": start}
		row.update({f"status_{code}": bucket["by_status"].get(code, 0) for code in statuses})
		row.update({key: bucket[key] for key in ("calls", "attempts", "connected", "missed")})
		row["connect_rate"] = rate(bucket["connected"], bucket["calls"])
		data.append(row)
	return data


def get_chart(periods, statuses, titles) -> dict:
	"""Stacked calls per period, one dataset per status: titled and colored as the status is."""
	colors = status_colors()
	chart = bar_chart(
		[frappe.format(start, "Date") for start in periods],
		{
			titles[code]: [bucket["by_status"].get(code, 0) for bucket in periods.values()]
			for code in statuses
		},
		stacked=True,
		colors=[colors[code] for code in statuses],
	)
	chart["heading"] = _("Calls by Status per Period")
	return chart


def get_summary(data) -> list[dict]:
	calls = sum(row["calls"] for row in data)
	connected = sum(row["connected"] for row in data)
	missed = sum(row["missed"] for row in data)
	attempts = sum(row["attempts"] for row in data)
	return [
		{"value": calls, "label": _("Calls"), "datatype": "Int", "indicator": "Blue"},
		{"value": attempts, "label": _("Attempts"), "datatype": "Int", "indicator": "Orange"},
		{"value": connected, "label": _("Connected"), "datatype": "Int", "indicator": "Green"},
		{
			"value": rate(connected, calls),
			"label": _("Connect Rate"),
			"datatype": "Percent",
			"indicator": "Green",
		},
		{"value": missed, "label": _("All Missed"), "datatype": "Int", "indicator": "Red"},
	]
