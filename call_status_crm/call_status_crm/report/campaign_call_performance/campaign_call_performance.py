# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max, Sum
from pypika.terms import Case

from call_status_crm.core.reports import rate
from call_status_crm.reports import bar_chart, calls_table, filter_calls, prepare_filters, run
from call_status_crm.rollup_reports import campaign_rows, campaign_rows_possible, interested_leads

REPORT = "Campaign Call Performance"


@frappe.read_only()  # served from the read replica where the site has one
def execute(filters=None):
	filters = prepare_filters(filters, REPORT)
	data = get_data(filters)
	return get_columns(filters), data, None, get_chart(data), get_summary(data)


def get_data(filters) -> list[dict]:
	"""Two queries. The calls are grouped per (campaign or tag, lead) in index order — leads called, leads
	that picked up at least once, calls — and then per group. The leads now Interested are found from
	the Lead side (few leads, by the Lead's status index) and their calls by lead, instead of joining
	every call to its Lead. By campaign with no filter but dates and campaign: from the roll-ups."""
	if campaign_rows_possible(filters):
		rows, interested = campaign_rows(filters), interested_leads(filters)
	else:
		rows, interested = get_call_rows(filters), get_interested_leads(filters)
	for row in rows:
		row.leads_interested = interested.get(row.group_value, 0)
		row.calls, row.connected = int(row.calls), int(row.connected or 0)
		row.group_value = row.group_value or _("Not set")
		row.pick_up_rate = rate(row.leads_picked_up, row.leads_called)
		row.calls_per_lead = round(row.calls / row.leads_called, 2) if row.leads_called else 0.0
		row.connect_rate = rate(row.connected, row.calls)
	return rows


def get_call_rows(filters) -> list[dict]:
	call = calls_table()
	per_lead, group = grouped_calls(filters, call)
	per_lead = filter_calls(
		per_lead.select(
			group.as_("group_value"),
			call.lead,
			Count("*").as_("calls"),
			Sum(call.is_connected).as_("connected"),
			Max(call.is_connected).as_("picked_up"),
		).groupby(group, call.lead),
		call,
		filters,
	).as_("per_lead")
	query = (
		frappe.qb.from_(per_lead)
		.select(
			per_lead.group_value,
			Count(per_lead.lead).as_("leads_called"),
			Count(Case().when(per_lead.picked_up == 1, per_lead.lead)).as_("leads_picked_up"),
			Sum(per_lead.calls).as_("calls"),
			Sum(per_lead.connected).as_("connected"),
		)
		.groupby(per_lead.group_value)
		.orderby(Sum(per_lead.calls), order=frappe.qb.desc)
		.orderby(per_lead.group_value)
	)
	return run(query)


def get_interested_leads(filters) -> dict:
	"""Leads now Interested that were called, per group: from the Interested leads to their calls, one
	row per (group, lead), then counted (cheaper than COUNT(DISTINCT) over the calls)."""
	lead = frappe.qb.DocType("Lead")
	call = calls_table()
	query, group = grouped_calls(filters, call)
	query = (
		frappe.qb.from_(lead)
		.join(call)
		.on(call.lead == lead.name)
		.select(group.as_("group_value"), call.lead)
		.where(lead.status == "Interested")
		.groupby(group, call.lead)
	)
	if filters.group_by == "Tag":
		query = tag_join(query, call)
	per_lead = filter_calls(query, call, filters).as_("interested")
	counted = frappe.qb.from_(per_lead).select(per_lead.group_value, Count("*")).groupby(per_lead.group_value)
	return dict(run(counted, as_dict=False))


def grouped_calls(filters, call):
	"""The calls query and the term it groups by: the call's campaign, or each of its tags."""
	query = frappe.qb.from_(call)
	if filters.group_by == "Tag":
		return tag_join(query, call), frappe.qb.DocType("Tag Link").tag
	return query, call.campaign


def tag_join(query, call):
	tag_link = frappe.qb.DocType("Tag Link")
	return query.join(tag_link).on(
		(tag_link.document_type == "Lead Call Log") & (tag_link.document_name == call.name)
	)


def get_columns(filters) -> list[dict]:
	group = (
		{
			"fieldname": "group_value",
			"label": _("Campaign"),
			"fieldtype": "Link",
			"options": "Campaign",
			"width": 180,
		}
		if filters.group_by == "Campaign"
		else {
			"fieldname": "group_value",
			"label": _("Tag"),
			"fieldtype": "Link",
			"options": "Tag",
			"width": 160,
		}
	)
	return [
		group,
		{"fieldname": "leads_called", "label": _("Leads Called"), "fieldtype": "Int", "width": 110},
		{"fieldname": "leads_picked_up", "label": _("Leads Picked Up"), "fieldtype": "Int", "width": 130},
		{"fieldname": "pick_up_rate", "label": _("Pick-up Rate"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "calls", "label": _("Calls"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "calls_per_lead",
			"label": _("Calls per Lead"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
		{"fieldname": "connected", "label": _("Connected"), "fieldtype": "Int", "width": 100},
		{"fieldname": "connect_rate", "label": _("Connect Rate"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "leads_interested",
			"label": _("Leads Now Interested"),
			"fieldtype": "Int",
			"width": 150,
		},
	]


def get_chart(data) -> dict:
	top = data[:20]
	chart = bar_chart(
		[row.group_value for row in top],
		{
			_("Leads Called"): [row.leads_called for row in top],
			_("Leads Picked Up"): [row.leads_picked_up for row in top],
		},
	)
	chart["heading"] = _("Leads Called and Picked Up")
	return chart


def get_summary(data) -> list[dict]:
	called = sum(row.leads_called for row in data)
	picked = sum(row.leads_picked_up for row in data)
	return [
		{"value": called, "label": _("Leads Called"), "datatype": "Int", "indicator": "Blue"},
		{"value": picked, "label": _("Leads Picked Up"), "datatype": "Int", "indicator": "Green"},
		{
			"value": rate(picked, called),
			"label": _("Pick-up Rate"),
			"datatype": "Percent",
			"indicator": "Green",
		},
	]
