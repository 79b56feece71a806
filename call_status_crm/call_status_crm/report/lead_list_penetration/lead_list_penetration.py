# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt
"""Lead List Penetration (DESIGN.md §9): what is left to dial, per campaign and lead status. Counted in the
database with one grouped scan of the Leads (along a covering index, in its order) and, when the calling rules are on,
one more grouped query over the leads the Do Not Call list and the numbers at their 24-hour cap flag; the
calling window is asked once per (zone, country, state). The rules of the columns: `core.penetration`."""

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

from call_status_crm.call_queue import due_condition, recycle_delays
from call_status_crm.calling_rule_settings import country_code
from call_status_crm.calling_rule_settings import get_rules as get_calling_rules
from call_status_crm.calling_rules import to_site, to_utc
from call_status_crm.core import calling_rules as engine
from call_status_crm.core.call_queue import recycled_cutoffs
from call_status_crm.core.penetration import Group, Scanned, fold, group_of
from call_status_crm.leads import lead_campaign_fields
from call_status_crm.reports import bar_chart, prepare_filters

REPORT = "Lead List Penetration"
GROUP = "campaign, status, call_timezone, country, state"


@frappe.read_only()  # served from the read replica where the site has one
def execute(filters=None):
	filters = prepare_filters(filters, REPORT)  # an agent: their own (assigned) leads only
	now = now_datetime()
	rows = get_data(filters, now)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows)


def lead_filters(filters, values: dict) -> str:
	"""The WHERE of every query over Leads (`l`): campaign, lead status and the agent's assigned leads."""
	conditions = ["1 = 1"]
	if filters.get("campaign"):
		conditions.append(f"{campaign_column()} = %(campaign)s")
		values["campaign"] = filters.campaign
	if filters.get("lead_status"):
		conditions.append("l.status = %(lead_status)s")
		values["lead_status"] = filters.lead_status
	if filters.get("agent"):
		conditions.append(
			"""l.name IN (SELECT t.reference_name FROM `tabToDo` t
			WHERE t.allocated_to = %(agent)s AND t.status = 'Open' AND t.reference_type = 'Lead')"""
		)
		values["agent"] = filters.agent
	return " AND ".join(conditions)


def campaign_column() -> str:
	return "l.campaign_name" if "campaign_name" in lead_campaign_fields() else "NULL"


def get_groups(filters, now, rules) -> list[Group]:
	"""One scan of the Leads along the covering index, in its order (no temporary table), counting only
	what does not depend on the status (its rules are applied per group, in `core.penetration.group_of`):
	each expression here costs the scan about a tenth of a second per million leads. The recycled leads
	past their delay are counted once per distinct delay (usually one), against a bound time: comparing
	times is cheap, choosing a cutoff by the status's text for every lead is not."""
	values: dict = {}
	where = lead_filters(filters, values)
	delays = recycle_delays()
	cutoffs = recycled_cutoffs(delays, now)
	distinct = sorted(set(cutoffs.values()))
	per_cutoff = []
	for number, cutoff in enumerate(distinct):
		values[f"distinct_{number}"] = cutoff
		per_cutoff.append(
			f"""COUNT(IF(l.last_call_time <= %(distinct_{number})s, l.recycle_due_at, NULL))
				AS before_{number},
			MIN(IF(l.last_call_time > %(distinct_{number})s AND l.recycle_due_at IS NOT NULL,
				l.last_call_time, NULL)) AS after_{number},"""
		)
	rows = frappe.db.sql(
		f"""SELECT {campaign_column()} AS campaign, l.status, l.call_timezone, l.country, l.state,
			{"".join(per_cutoff)}
			COUNT(*) AS leads,
			COUNT(l.last_call_time) AS called,
			SUM(l.call_attempts = 1) AS attempts_1,
			SUM(l.call_attempts = 2) AS attempts_2,
			SUM(l.call_attempts >= 3) AS attempts_3_plus,
			COUNT(IF(l.recycle_due_at IS NULL, l.last_call_time, NULL)) AS called_without_due_time
		FROM `tabLead` l
		WHERE {where}
		GROUP BY {GROUP}""",
		values,
		as_dict=True,
	)
	due = due_condition(values, now, delays)
	protected = values["protected"]
	capped = bool(rules and rules.max_attempts_24h)
	blocked = (
		blocked_counts(where, due, {**values, **(cap_values(rules, now) if capped else {})}, capped)
		if rules
		else {}
	)
	groups = []
	for row in rows:
		number = distinct.index(cutoffs[row.status]) if row.status in cutoffs else None
		groups.append(
			group_of(
				key_of(row),
				Scanned(
					leads=int(row.leads),
					called=int(row.called or 0),
					attempts_1=int(row.attempts_1 or 0),
					attempts_2=int(row.attempts_2 or 0),
					attempts_3_plus=int(row.attempts_3_plus or 0),
					called_without_due_time=int(row.called_without_due_time or 0),
					called_before_cutoff=int(row[f"before_{number}"] or 0) if number is not None else 0,
					first_after_cutoff=row[f"after_{number}"] if number is not None else None,
				),
				delays,
				protected,
				dnc_due=blocked.get(key_of(row), (0, 0))[0],
				cap_due=blocked.get(key_of(row), (0, 0))[1],
			)
		)
	return groups


def key_of(row) -> tuple:
	return (row.campaign, row.status, row.call_timezone, row.country, row.state)


def dnc_leads_sql() -> str:
	"""The Leads whose phone or mobile is on the Do Not Call list, with the entry's scope and campaign (the
	entry counts for a lead when it is Global or for the lead's campaign: checked where the lead's row is
	read, so that this side reads only the phone key indexes): from the list's side (it is short next to the
	Leads). STRAIGHT_JOIN: left to itself, MariaDB scans every Lead for the mobile numbers instead."""
	return " UNION ALL ".join(
		f"""SELECT STRAIGHT_JOIN x.name, d.scope = 'Global' AS global_entry, d.campaign AS listed_for,
			0 AS capped
		FROM `tabDo Not Call` d JOIN `tabLead` x ON x.{key} = d.phone_key"""
		for key in ("phone_key", "mobile_key")
	)


def capped_leads_sql() -> str:
	"""The Leads whose number reached the cap, counted as the calling rules count before a dial
	(`calling_rules.recent_calls`): the outgoing calls of the last 24 hours to either of the lead's numbers
	(phone and mobile keys, the same number once) and its calls logged without a number. From the calls'
	side: the last day's calls along the call time index (a day of calls, whatever the table holds)."""
	by_time = " FORCE INDEX (`call_time`)" if frappe.db.has_index("tabLead Call Log", "call_time") else ""
	recent = f"""FROM `tabLead Call Log`{by_time}
		WHERE call_time > %(since)s AND call_time <= %(now)s AND direction = 'Outgoing'"""
	by_key = f"SELECT phone_key, COUNT(*) AS calls {recent} AND phone_key IS NOT NULL GROUP BY phone_key"
	return f"""SELECT counted.name, 0 AS global_entry, NULL AS listed_for, 1 AS capped FROM (
			SELECT STRAIGHT_JOIN x.name, c.calls FROM ({by_key}) c JOIN `tabLead` x ON x.phone_key = c.phone_key
			UNION ALL
			SELECT STRAIGHT_JOIN x.name, c.calls FROM ({by_key}) c JOIN `tabLead` x ON x.mobile_key = c.phone_key
				AND NOT (x.phone_key <=> x.mobile_key)
			UNION ALL
			SELECT lead, COUNT(*) {recent} AND phone_key IS NULL AND lead IS NOT NULL GROUP BY lead
		) counted
		GROUP BY counted.name HAVING SUM(counted.calls) >= %(cap)s"""


def cap_values(rules, now) -> dict:
	return {"cap": rules.max_attempts_24h, "since": add_to_date(now, hours=-24), "now": now}


def blocked_counts(where: str, due: str, values: dict, capped: bool) -> dict[tuple, tuple[int, int]]:
	"""Per group: due leads on the Do Not Call list, and due leads not on it whose number reached the cap
	(`capped`: the cap is on). One pass over the flagged leads (a lead flagged more than once counted once),
	the list read once, each flagged lead's row read once."""
	flagged = dnc_leads_sql() + (f" UNION ALL {capped_leads_sql()}" if capped else "")
	listed = f"(f.global_entry OR f.listed_for = {campaign_column()})"
	rows = frappe.db.sql(
		f"""SELECT STRAIGHT_JOIN {campaign_column()} AS campaign, l.status, l.call_timezone, l.country,
			l.state, COUNT(DISTINCT IF({due} AND {listed}, l.name, NULL)) AS listed,
			COUNT(DISTINCT IF({due} AND ({listed} OR f.capped), l.name, NULL)) AS flagged
		FROM ({flagged}) f
		JOIN `tabLead` l ON l.name = f.name
		WHERE {where}
		GROUP BY {GROUP}""",
		values,
		as_dict=True,
	)
	# capped and not listed: the flagged leads (listed or capped) less the listed ones
	return {key_of(row): (int(row.listed or 0), int(row.flagged or 0) - int(row.listed or 0)) for row in rows}


def get_data(filters, now) -> list[dict]:
	rules = get_calling_rules()
	groups = get_groups(filters, now, rules)
	window_opens = None
	if rules is not None:
		at = to_utc(now)

		def window_opens(place):
			zone, country, state = place
			verdict = engine.check(rules, engine.Target(zone, country_code(country), state), at)
			if verdict.allowed:
				return None
			return to_site(verdict.next_allowed_at) if verdict.next_allowed_at else now

	return [
		{
			"campaign": row.campaign or _("Not set"),
			"lead_status": row.lead_status,
			**row.counts,
			"next_eligible_at": row.next_eligible_at,
		}
		for row in fold(groups, window_opens, now)
	]


def get_columns() -> list[dict]:
	def column(fieldname, label, fieldtype="Int", width=110, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		column("campaign", _("Campaign"), "Link", 160, options="Campaign"),
		column("lead_status", _("Lead Status"), "Data", 120),
		column("leads", _("Leads"), width=80),
		column("never_called", _("Never Called")),
		column("attempts_1", _("1 Attempt"), width=90),
		column("attempts_2", _("2 Attempts"), width=90),
		column("attempts_3_plus", _("3+ Attempts"), width=100),
		column("due", _("Due")),
		column("dialable_now", _("Dialable Now")),
		column("blocked_dnc", _("Blocked: Do Not Call"), width=150),
		column("blocked_hours", _("Blocked: Hours"), width=120),
		column("blocked_cap", _("Blocked: Cap"), width=110),
		column("exhausted", _("Exhausted")),
		column("next_eligible_at", _("Next Eligible"), "Datetime", 160),
	]


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	top = sorted(rows, key=lambda row: -row["leads"])[:20]
	chart = bar_chart(
		[f"{row['campaign']} · {_(row['lead_status'] or '')}" for row in top],
		{
			_("Dialable Now"): [row["dialable_now"] for row in top],
			_("Blocked"): [row["blocked_dnc"] + row["blocked_hours"] + row["blocked_cap"] for row in top],
			_("Not Due Yet"): [row["leads"] - row["due"] - row["exhausted"] for row in top],
			_("Exhausted"): [row["exhausted"] for row in top],
		},
		stacked=True,
		colors=["#59ba8b", "#e03636", "#999999", "#e86c13"],
	)
	chart["heading"] = _("Leads by what is left to dial (the 20 largest groups)")
	return chart


def get_summary(rows: list[dict]) -> list[dict]:
	total = totals_of(rows)
	return [
		{"value": total["leads"], "label": _("Leads"), "datatype": "Int", "indicator": "Blue"},
		{"value": total["never_called"], "label": _("Never Called"), "datatype": "Int", "indicator": "Gray"},
		{"value": total["dialable_now"], "label": _("Dialable Now"), "datatype": "Int", "indicator": "Green"},
		{
			"value": total["blocked_dnc"] + total["blocked_hours"] + total["blocked_cap"],
			"label": _("Blocked by Calling Rules"),
			"datatype": "Int",
			"indicator": "Red",
		},
		{"value": total["exhausted"], "label": _("Exhausted"), "datatype": "Int", "indicator": "Orange"},
	]


def totals_of(rows: list[dict]) -> dict[str, int]:
	from call_status_crm.core.penetration import COUNTS

	return {name: sum(row[name] for row in rows) for name in COUNTS}
