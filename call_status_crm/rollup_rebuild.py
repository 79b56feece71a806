"""Rebuild and verify the call roll-ups in bulk (DESIGN.md §11), and follow renames: the bulk side of
`call_status_crm.rollups`, whose `rebuild`, `verify` and `on_rename` call these."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from call_status_crm.core.rollups import GRAINS, METRICS, differences
from call_status_crm.rollup_tables import (
	CALLS,
	DAILY,
	DAILY_COLUMNS,
	LEAD_VALUES,
	LEADS,
	REBUILD_DAYS,
	grain_select,
	lead_select,
	lower,
)
from call_status_crm.rollups import flush_before_reading


def call_day_range(from_date=None, to_date=None) -> tuple:
	"""The days to rebuild or verify: the given ones, else the first to the last day with calls."""
	if from_date and to_date:
		from_date, to_date = getdate(from_date), getdate(to_date)
	else:
		first, last = frappe.db.sql(f"SELECT MIN(call_date), MAX(call_date) FROM {CALLS}")[0]
		from_date = getdate(from_date) if from_date else first
		to_date = getdate(to_date) if to_date else last
	if from_date and to_date and from_date > to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}.").format(frappe.bold(from_date), frappe.bold(to_date)),
			title=_("Invalid Dates"),
		)
	return from_date, to_date


def rebuild_days(from_date=None, to_date=None, commit: bool = False) -> dict:
	"""Recompute the roll-ups of a range of days (default: every day with calls) from the calls, in bulk
	SQL, `REBUILD_DAYS` days a statement (committed per chunk when `commit`: the bench command, the patch
	and the settings button). Returns {days, daily_rows, lead_rows}."""
	flush_before_reading()
	from_date, to_date = call_day_range(from_date, to_date)
	if not from_date:
		frappe.db.sql(f"DELETE FROM `{DAILY}`")
		frappe.db.sql(f"DELETE FROM `{LEADS}`")
		return {"days": 0, "daily_rows": 0, "lead_rows": 0}
	columns = f"(`row_key`, {', '.join(f'`{c}`' for c in DAILY_COLUMNS)}, {', '.join(METRICS)})"
	start = from_date
	while start <= to_date:
		end = min(add_days(start, REBUILD_DAYS - 1), to_date)
		days = {"start": start, "end": end}
		frappe.db.sql(f"DELETE FROM `{DAILY}` WHERE `day` BETWEEN %(start)s AND %(end)s", days)
		frappe.db.sql(
			f"INSERT INTO `{DAILY}` {columns} "
			+ grain_select("F", CALLS, "`call_date` BETWEEN %(start)s AND %(end)s", aggregate=False),
			days,
		)
		for grain in [grain for grain in GRAINS if grain != "F"]:  # the other grains from the full grain
			frappe.db.sql(
				f"INSERT INTO `{DAILY}` {columns} "
				+ grain_select(
					grain,
					f"`{DAILY}`",
					"`grain` = 'F' AND `day` BETWEEN %(start)s AND %(end)s",
					aggregate=True,
				),
				days,
			)
		if commit:
			frappe.db.commit()
		start = add_days(end, 1)
	rebuild_leads(from_date, to_date)
	if commit:
		frappe.db.commit()
	days = {"start": from_date, "end": to_date}
	return {
		"days": (to_date - from_date).days + 1,
		"daily_rows": frappe.db.sql(
			f"SELECT COUNT(*) FROM `{DAILY}` WHERE `day` BETWEEN %(start)s AND %(end)s", days
		)[0][0],
		"lead_rows": frappe.db.sql(f"SELECT COUNT(*) FROM `{LEADS}`")[0][0],
	}


def touched_leads_sql() -> str:
	"""The leads with a call in the range, or with a lead row that says so."""
	return f"""SELECT `lead` FROM {CALLS} WHERE `call_date` BETWEEN %(start)s AND %(end)s AND `lead` IS NOT NULL
		UNION SELECT `lead` FROM `{LEADS}` WHERE `first_day` <= %(end)s AND `last_day` >= %(start)s"""


def rebuild_leads(from_date, to_date) -> None:
	"""The lead rows of every lead with a call in the range (all of each lead's calls), in bulk."""
	days = {"start": from_date, "end": to_date}
	first, last = frappe.db.sql(f"SELECT MIN(call_date), MAX(call_date) FROM {CALLS}")[0]
	if first and from_date <= first and to_date >= last:
		frappe.db.sql(f"DELETE FROM `{LEADS}`")
		frappe.db.sql(
			f"INSERT INTO `{LEADS}` {lead_select()} WHERE `lead` IS NOT NULL GROUP BY `lead`, `campaign`"
		)
		return
	leads = frappe.db.sql_list(touched_leads_sql(), days)
	for start in range(0, len(leads), 1000):
		batch = {"leads": leads[start : start + 1000]}
		frappe.db.sql(f"DELETE FROM `{LEADS}` WHERE `lead` IN %(leads)s", batch)
		frappe.db.sql(
			f"INSERT INTO `{LEADS}` {lead_select()} WHERE `lead` IN %(leads)s GROUP BY `lead`, `campaign`",
			batch,
		)


def verify_days(from_date=None, to_date=None) -> list[dict]:
	"""The roll-up rows that differ from a recomputation from the calls, day by day (an empty list when
	exact): daily rows {table, grain, day, <dimensions>, expected, actual} and lead rows {table, lead,
	campaign, expected, actual}."""
	flush_before_reading()
	from_date, to_date = call_day_range(from_date, to_date)
	if not from_date:
		return []
	rows = []
	day = from_date
	while day <= to_date:
		rows += [{"table": "daily", **row} for row in differences(recomputed_day(day), stored_day(day))]
		day = add_days(day, 1)
	return rows + verify_leads(from_date, to_date)


def recomputed_day(day) -> dict:
	"""Every grain of one day, recomputed from the calls (each grain from the calls, independently)."""
	expected = {}
	for grain in GRAINS:
		select = grain_select(grain, CALLS, "`call_date` = %(day)s", aggregate=False)
		for row in frappe.db.sql(select, {"day": day}):
			expected[tuple(row[1:10])] = dict(zip(METRICS, row[10:], strict=True))
	return expected


def stored_day(day) -> dict:
	stored = frappe.db.sql(
		f"""SELECT {", ".join(f"`{c}`" for c in DAILY_COLUMNS)}, {", ".join(METRICS)}
		FROM `{DAILY}` WHERE `day` = %(day)s""",
		{"day": day},
	)
	return {tuple(row[:9]): dict(zip(METRICS, row[9:], strict=True)) for row in stored}


def verify_leads(from_date, to_date) -> list[dict]:
	days = {"start": from_date, "end": to_date}
	leads = frappe.db.sql_list(touched_leads_sql(), days)
	rows = []
	for start in range(0, len(leads), 1000):
		batch = {"leads": leads[start : start + 1000]}
		expected = lead_rows(
			f"""SELECT `lead`, `campaign`, COUNT(*), SUM(`is_connected`), MIN(`call_date`), MAX(`call_date`),
				MIN(IF(`is_connected` = 1, `call_date`, NULL)), MAX(IF(`is_connected` = 1, `call_date`, NULL))
			FROM {CALLS} WHERE `lead` IN %(leads)s GROUP BY `lead`, `campaign`""",
			batch,
		)
		actual = lead_rows(
			f"SELECT `lead`, `campaign`, {', '.join(LEAD_VALUES)} FROM `{LEADS}` WHERE `lead` IN %(leads)s",
			batch,
		)
		for match in sorted(set(expected) | set(actual), key=lambda k: tuple(str(p) for p in k)):
			(key, want), (other, have) = expected.get(match, (None, None)), actual.get(match, (None, None))
			if want != have:
				key = key or other
				rows.append(
					{"table": "lead", "lead": key[0], "campaign": key[1], "expected": want, "actual": have}
				)
	return rows


def lead_rows(query: str, values: dict) -> dict:
	"""{(lead, campaign) as the database compares them: ((lead, campaign), values)}"""
	return {
		lower(tuple(row[:2])): (
			tuple(row[:2]),
			dict(zip(LEAD_VALUES, [int(row[2] or 0), int(row[3] or 0), *row[4:]], strict=True)),
		)
		for row in frappe.db.sql(query, values)
	}


# a renamed Campaign, User, Branch or Department: Frappe rewrites the calls' links in SQL, not through
# their controller; the rows holding the old or new name are recomputed from the calls
RENAMED_FIELDS = {"Campaign": "campaign", "User": "agent", "Branch": "branch", "Department": "department"}


def recompute_renamed(doc, old: str, new: str) -> None:
	"""The rows holding the old or the new name, recomputed from the calls (a merge folds both into one)."""
	flush_before_reading()  # the calls changed earlier in this transaction count before the rename
	if doc.doctype == "Lead":
		frappe.db.sql(f"DELETE FROM `{LEADS}` WHERE `lead` IN %(names)s", {"names": (old, new)})
		frappe.db.sql(
			f"INSERT INTO `{LEADS}` {lead_select()} WHERE `lead` = %(new)s GROUP BY `lead`, `campaign`",
			{"new": new},
		)
		return
	field = RENAMED_FIELDS[doc.doctype]
	columns = f"(`row_key`, {', '.join(f'`{c}`' for c in DAILY_COLUMNS)}, {', '.join(METRICS)})"
	for grain, dims in GRAINS.items():
		if field not in dims:
			continue
		frappe.db.sql(
			f"DELETE FROM `{DAILY}` WHERE `grain` = %(grain)s AND `{field}` IN %(names)s",
			{"grain": grain, "names": (old, new)},
		)
		frappe.db.sql(
			f"INSERT INTO `{DAILY}` {columns} "
			+ grain_select(grain, CALLS, f"`{field}` = %(new)s", aggregate=False),
			{"new": new},
		)
	if field == "campaign":
		frappe.db.sql(f"DELETE FROM `{LEADS}` WHERE `campaign` IN %(names)s", {"names": (old, new)})
		frappe.db.sql(
			f"INSERT INTO `{LEADS}` {lead_select()} WHERE `campaign` = %(new)s GROUP BY `lead`, `campaign`",
			{"new": new},
		)
