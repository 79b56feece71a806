# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Avg, Count, Sum
from pypika.terms import Case

from call_status_crm.core.reports import SERVICE_LEVEL_MINUTES, rate
from call_status_crm.reports import bar_chart, calls_table, filter_calls, prepare_filters, run
from call_status_crm.rollup_reports import missed_call_rows, use_rollups

REPORT = "Missed Call Service Level"
TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])


@frappe.read_only()  # served from the read replica where the site has one
def execute(filters=None):
	filters = prepare_filters(filters, REPORT)
	data = get_data(filters)
	return get_columns(filters), data, None, get_chart(data, filters.group_by == "Day"), get_summary(data)


def get_data(filters) -> list[dict]:
	"""Missed inbound calls and how soon someone called the lead back: each missed call keeps the time of
	the first outgoing call to its lead after it (`called_back_at`, maintained when calls are saved), which
	the daily roll-up counts (the calls are read under a tag filter)."""
	rows = missed_call_rows(filters) if use_rollups(filters) else get_call_rows(filters)
	for row in rows:
		for key in ("missed", "called_back", "within_service_level"):
			row[key] = int(row[key] or 0)
		row.not_called_back = row.missed - row.called_back
		row.callback_rate = rate(row.called_back, row.missed)
		row.average_minutes = (
			round(float(row.average_seconds) / 60, 1) if row.average_seconds is not None else None
		)
		row.service_level = rate(row.within_service_level, row.missed)
		if filters.group_by != "Day":
			row.group_value = row.group_value or _("Not set")
	return rows


def get_call_rows(filters) -> list[dict]:
	missed = calls_table()
	group = {"Day": missed.call_date, "Agent": missed.agent, "Branch": missed.branch}[filters.group_by]
	wait = TimestampDiff(frappe.qb.terms.LiteralValue("SECOND"), missed.call_time, missed.called_back_at)
	query = (
		frappe.qb.from_(missed)
		.select(
			group.as_("group_value"),
			Count("*").as_("missed"),
			Count(missed.called_back_at).as_("called_back"),
			Avg(wait).as_("average_seconds"),
			Sum(Case().when(wait <= SERVICE_LEVEL_MINUTES * 60, 1).else_(0)).as_("within_service_level"),
		)
		.where((missed.outcome == "Missed") & (missed.direction == "Incoming"))
		.groupby(group)
		.orderby(group)
	)
	return run(filter_calls(query, missed, filters))


def get_columns(filters) -> list[dict]:
	group = {
		"Day": {"fieldname": "group_value", "label": _("Day"), "fieldtype": "Date", "width": 110},
		"Agent": {
			"fieldname": "group_value",
			"label": _("Agent"),
			"fieldtype": "Link",
			"options": "User",
			"width": 180,
		},
		# as text: a Link column makes Frappe check the reader's permission on Branch (agents have none)
		"Branch": {"fieldname": "group_value", "label": _("Branch"), "fieldtype": "Data", "width": 140},
	}[filters.group_by]
	return [
		group,
		{"fieldname": "missed", "label": _("Missed Inbound"), "fieldtype": "Int", "width": 120},
		{"fieldname": "called_back", "label": _("Called Back"), "fieldtype": "Int", "width": 100},
		{"fieldname": "not_called_back", "label": _("Not Called Back"), "fieldtype": "Int", "width": 120},
		{"fieldname": "callback_rate", "label": _("Call-back Rate"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "average_minutes",
			"label": _("Average Minutes to Call Back"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 190,
		},
		{
			"fieldname": "service_level",
			"label": _("Called Back within {0} Minutes").format(SERVICE_LEVEL_MINUTES),
			"fieldtype": "Percent",
			"width": 200,
		},
	]


def get_chart(data, by_day: bool) -> dict:
	labels = [frappe.format(row.group_value, "Date") if by_day else row.group_value for row in data]
	chart = bar_chart(
		labels,
		{
			_("Missed Inbound"): [row.missed for row in data],
			_("Called Back"): [row.called_back for row in data],
		},
	)
	chart["heading"] = _("Missed Inbound Calls and Call-backs")
	return chart


def get_summary(data) -> list[dict]:
	missed = sum(row.missed for row in data)
	called_back = sum(row.called_back for row in data)
	within = sum(row.within_service_level for row in data)
	return [
		{"value": missed, "label": _("Missed Inbound"), "datatype": "Int", "indicator": "Red"},
		{
			"value": rate(called_back, missed),
			"label": _("Call-back Rate"),
			"datatype": "Percent",
			"indicator": "Orange",
		},
		{
			"value": rate(within, missed),
			"label": _("Called Back within {0} Minutes").format(SERVICE_LEVEL_MINUTES),
			"datatype": "Percent",
			"indicator": "Green",
		},
	]
