"""What the reports, number cards and chart read from the roll-ups (DESIGN.md §11), with exactly the numbers
they give from the calls. The calls are read only for what a roll-up cannot hold: tag filters and tag
groups (a call's tags are not a dimension), overdue follow-ups (they depend on the clock), and distinct
leads under an agent, branch, department, direction or status filter (the lead roll-up is per lead and
campaign).

`frappe.flags.call_reports_from_calls` makes every report read the calls (the tests compare both).
"""

import frappe

from call_status_crm.core.rollups import pick_grain
from call_status_crm.reports import SHARED_FILTERS
from call_status_crm.rollup_tables import CALLS, DAILY, LEADS
from call_status_crm.rollups import flush_before_reading

ATTEMPTS = "SUM(`attempts`)"
MISSED = "SUM(`missed`)"


def use_rollups(filters) -> bool:
	return not frappe.flags.call_reports_from_calls and not filters.get("tag")


def from_calls(run):
	"""`run()` with every report, card and chart reading the calls (the tests and the benchmark compare)."""
	frappe.flags.call_reports_from_calls = True
	try:
		return run()
	finally:
		frappe.flags.call_reports_from_calls = False


def where_daily(filters, group_by: tuple = ()) -> tuple[str, str, dict]:
	"""(grain, WHERE clause, values) over the daily roll-up for the shared filters."""
	flush_before_reading()
	filtered = [field for field in SHARED_FILTERS if filters.get(field)]
	grain = pick_grain([*filtered, *group_by])
	clauses = ["`grain` = %(grain)s", "`day` BETWEEN %(from_date)s AND %(to_date)s"]
	clauses += [f"`{field}` = %({field})s" for field in filtered]
	values = {field: filters[field] for field in filtered}
	values.update(grain=grain, from_date=filters.from_date, to_date=filters.to_date)
	return grain, " AND ".join(clauses), values


def status_daily_rows(filters) -> list[dict]:
	"""Call Status Summary: calls, attempts, connected and missed per day and status."""
	_grain, where, values = where_daily(filters, ("call_status",))
	rows = frappe.db.sql(
		f"""SELECT `day`, `call_status`, SUM(`calls`) AS calls, {ATTEMPTS} AS attempts,
			SUM(`connected`) AS connected, {MISSED} AS missed
		FROM `{DAILY}` WHERE {where}
		GROUP BY `day`, `call_status` HAVING SUM(`calls`) > 0""",
		values,
		as_dict=True,
	)
	for row in rows:
		for key in ("calls", "attempts", "connected", "missed"):
			row[key] = int(row[key])
	return rows


def agent_rows(filters) -> list[dict]:
	"""Agent Call Performance: the sums per agent, branch and department; overdue follow-ups from the
	open follow-ups of the calls (few, by `open_follow_up_index`)."""
	_grain, where, values = where_daily(filters, ("agent", "branch", "department"))
	rows = frappe.db.sql(
		f"""SELECT `agent`, `branch`, `department`, SUM(`calls`) AS calls, {ATTEMPTS} AS attempts,
			SUM(`connected`) AS connected, SUM(`talk_time`) AS talk_time, SUM(`zero_duration`) AS zero_duration,
			SUM(`follow_ups`) AS follow_ups, 0 AS overdue_follow_ups, {MISSED} AS missed
		FROM `{DAILY}` WHERE {where}
		GROUP BY `agent`, `branch`, `department` HAVING SUM(`calls`) > 0
		ORDER BY SUM(`calls`) DESC, `agent`, `branch`, `department`""",
		values,
		as_dict=True,
	)
	overdue = overdue_follow_ups(filters)
	for row in rows:
		for key in ("calls", "attempts", "connected", "talk_time", "zero_duration", "follow_ups", "missed"):
			row[key] = int(row[key] or 0)
		row.overdue_follow_ups = overdue.get(lowered(row.agent, row.branch, row.department), 0)
	return rows


def overdue_follow_ups(filters) -> dict:
	clauses = [
		"`follow_up_status` = 'Open'",
		"`follow_up_at` < %(now)s",
		"`call_date` BETWEEN %(from_date)s AND %(to_date)s",
	]
	filtered = [field for field in SHARED_FILTERS if filters.get(field)]
	clauses += [f"`{field}` = %({field})s" for field in filtered]
	values = {field: filters[field] for field in filtered}
	values.update(now=frappe.utils.now_datetime(), from_date=filters.from_date, to_date=filters.to_date)
	rows = frappe.db.sql(
		f"""SELECT `agent`, `branch`, `department`, COUNT(*) FROM {CALLS}
		FORCE INDEX (open_follow_up_index) WHERE {" AND ".join(clauses)}
		GROUP BY `agent`, `branch`, `department`""",
		values,
	)
	return {lowered(*row[:3]): row[3] for row in rows}


def lowered(*parts) -> tuple:
	return tuple(part.lower() if isinstance(part, str) else part for part in parts)


def campaign_rows_possible(filters) -> bool:
	"""The lead roll-up counts distinct leads per lead and campaign: by campaign, with no filter but the
	dates and the campaign."""
	return (
		use_rollups(filters)
		and filters.get("group_by", "Campaign") == "Campaign"
		and not any(filters.get(field) for field in SHARED_FILTERS if field != "campaign")
	)


def called_in_range(prefix: str = "", connected: bool = False) -> str:
	"""A lead row had a call (a connected call) in the range: its first or last such day is in it, or
	both lie outside it on either side and a call of the lead in the range says so (by the lead's index)."""
	first, last = ("first_connected_day", "last_connected_day") if connected else ("first_day", "last_day")
	first, last = f"{prefix}`{first}`", f"{prefix}`{last}`"
	exists = f"""EXISTS (SELECT 1 FROM {CALLS} c WHERE c.`lead` = {prefix}`lead`
		AND c.`call_date` BETWEEN %(from_date)s AND %(to_date)s AND c.`campaign` <=> {prefix}`campaign`
		{"AND c.`is_connected` = 1" if connected else ""})"""
	return f"""({first} IS NOT NULL AND {last} >= %(from_date)s AND {first} <= %(to_date)s
		AND ({first} >= %(from_date)s OR {last} <= %(to_date)s OR {exists}))"""


def campaign_rows(filters) -> list[dict]:
	"""Campaign Call Performance by campaign: calls and connected from the daily roll-up, leads called and
	picked up from the lead roll-up, in one query ordered as the report orders the calls."""
	flush_before_reading()
	values = {"from_date": filters.from_date, "to_date": filters.to_date, "campaign": filters.get("campaign")}
	one = "AND `campaign` = %(campaign)s" if filters.get("campaign") else ""
	return frappe.db.sql(
		f"""SELECT daily.campaign AS group_value, IFNULL(leads.leads_called, 0) AS leads_called,
			IFNULL(leads.leads_picked_up, 0) AS leads_picked_up, daily.calls, daily.connected
		FROM (
			SELECT `campaign`, SUM(`calls`) AS calls, SUM(`connected`) AS connected FROM `{DAILY}`
			WHERE `grain` = 'C' AND `day` BETWEEN %(from_date)s AND %(to_date)s {one}
			GROUP BY `campaign` HAVING SUM(`calls`) > 0
		) daily
		LEFT JOIN (
			SELECT lr.`campaign`, COUNT(CASE WHEN {called_in_range("lr.")} THEN 1 END) AS leads_called,
				COUNT(CASE WHEN {called_in_range("lr.", connected=True)} THEN 1 END) AS leads_picked_up
			FROM `{LEADS}` lr
			WHERE lr.`last_day` >= %(from_date)s AND lr.`first_day` <= %(to_date)s {one.replace("`campaign`", "lr.`campaign`")}
			GROUP BY lr.`campaign`
		) leads ON leads.campaign <=> daily.campaign
		ORDER BY daily.calls DESC, daily.campaign""",
		values,
		as_dict=True,
	)


def interested_leads(filters) -> dict:
	"""Leads now Interested with a call in the range, per campaign."""
	values = {"from_date": filters.from_date, "to_date": filters.to_date, "campaign": filters.get("campaign")}
	one = "AND lr.`campaign` = %(campaign)s" if filters.get("campaign") else ""
	return dict(
		frappe.db.sql(
			f"""SELECT lr.`campaign`, COUNT(*) FROM `tabLead` lead
			JOIN `{LEADS}` lr ON lr.`lead` = lead.`name`
			WHERE lead.`status` = 'Interested' AND lr.`last_day` >= %(from_date)s
				AND lr.`first_day` <= %(to_date)s {one} AND {called_in_range("lr.")}
			GROUP BY lr.`campaign`""",
			values,
		)
	)


MISSED_GROUPS = {"Day": "day", "Agent": "agent", "Branch": "branch"}


def missed_call_rows(filters) -> list[dict]:
	"""Missed Call Service Level: missed inbound calls per day, agent or branch, those called back, the
	average seconds to the call-back (a sum over a count, as AVG divides: the same decimals) and those
	called back within the service level."""
	group = MISSED_GROUPS[filters.group_by]
	dims = ("direction", "outcome") if group == "day" else ("direction", "outcome", group)
	_grain, where, values = where_daily(filters, dims)
	return frappe.db.sql(
		f"""SELECT `{group}` AS group_value, SUM(`calls`) AS missed, SUM(`called_back`) AS called_back,
			SUM(`callback_seconds`) / NULLIF(SUM(`called_back`), 0) AS average_seconds,
			SUM(`called_back_in_sl`) AS within_service_level
		FROM `{DAILY}` WHERE {where} AND `outcome` = 'Missed' AND `direction` = 'Incoming'
		GROUP BY `{group}` HAVING SUM(`calls`) > 0 ORDER BY `{group}`""",
		values,
		as_dict=True,
	)


def calls_by_status(from_date, to_date, agent: str | None = None) -> dict:
	"""Calls per status over whole days (the workspace chart), the user's own when `agent`."""
	filters = frappe._dict(from_date=from_date, to_date=to_date, agent=agent)
	_grain, where, values = where_daily(filters, ("call_status",))
	rows = frappe.db.sql(
		f"""SELECT `call_status`, SUM(`calls`) FROM `{DAILY}` WHERE {where}
		GROUP BY `call_status` HAVING SUM(`calls`) > 0 ORDER BY `call_status`""",
		values,
	)
	return {status: int(calls) for status, calls in rows}


def day_totals(day, agent: str | None = None) -> dict:
	"""Calls, connected and missed of one day (the workspace's number cards), the user's own when `agent`."""
	filters = frappe._dict(from_date=day, to_date=day, agent=agent)
	_grain, where, values = where_daily(filters)
	calls, connected, missed = frappe.db.sql(
		f"SELECT SUM(`calls`), SUM(`connected`), {MISSED} FROM `{DAILY}` WHERE {where}", values
	)[0]
	return {"calls": int(calls or 0), "connected": int(connected or 0), "missed": int(missed or 0)}
