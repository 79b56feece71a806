"""Daily and lead-level roll-ups of the calls (DESIGN.md §11), kept exact in the transaction of every call
change, rebuilt in bulk and verified against a recomputation.

- `call_status_crm_daily_rollup`: one row per grain x day x dimensions (`core.rollups.GRAINS`) with calls,
  connected, talk time, zero-duration calls, follow-ups and call-backs (`core.rollups.METRICS`). The calls
  a transaction changed (saved, or their call-back times written: `before_sql_update`) add their deltas
  (old row minus, new row plus) just before it commits, with one `INSERT … ON DUPLICATE KEY UPDATE`
  on the rows' keys, so concurrent calls add up (no read-modify-write, no lost update), lock the rows they
  share in one order and hold those locks only for the commit.
- `call_status_crm_lead_rollup`: one row per lead x campaign (calls, connected, first and last call day,
  first and last connected day), recomputed from the lead's calls under the Lead's row lock that every
  call writer takes first (`LeadCallLog.lock_leads`), so distinct leads are counted from it.

Tables of the app (not DocTypes: no name series, no `modified`; `rollup_tables`), created on install and
migrate.
"""

import frappe

from call_status_crm.core.rollups import CALL_FIELDS, GRAINS, METRICS, merged_deltas
from call_status_crm.rollup_tables import (
	ADD_METRICS,
	ADDED_COLUMNS,
	CALLS,
	DAILY,
	DAILY_DDL,
	DAILY_INSERT,
	DAILY_KEY,
	LEAD_MERGE,
	LEAD_VALUES,
	LEADS,
	LEADS_DDL,
	call_rows_select,
	key_sql,
	lead_select,
	lower,
)


def ensure_tables() -> list[str]:
	"""Create the roll-up tables where missing, add the metrics a table made by an earlier release lacks
	(install, migrate) and return those added: their values need a rebuild (patch v1_6). DDL commits, so
	never in a request."""
	frappe.db.sql_ddl(DAILY_DDL)
	frappe.db.sql_ddl(LEADS_DDL)
	existing = set(
		frappe.db.sql_list(
			"""SELECT column_name FROM information_schema.columns
			WHERE table_schema = DATABASE() AND table_name = %s""",
			DAILY,
		)
	)
	added = [name for name in ADDED_COLUMNS if name not in existing]
	if added:
		columns = ", ".join(f"ADD COLUMN `{name}` {ADDED_COLUMNS[name]}" for name in added)
		frappe.db.sql_ddl(f"ALTER TABLE `{DAILY}` {columns}")
	# overdue follow-ups depend on the clock: Agent Call Performance counts them from the open follow-ups
	frappe.db.add_index(
		"Lead Call Log", ["follow_up_status", "follow_up_at", "call_date"], "open_follow_up_index"
	)
	return added


def tables_exist() -> bool:
	return bool(frappe.db.sql("SHOW TABLES LIKE %s", DAILY))


# --- kept exact on every change -------------------------------------------------------------------------


PENDING = "call_rollups_pending"


def on_call_change(before, after) -> None:
	"""A call was inserted (`before` None), edited, or deleted (`after` None). The roll-ups are written in
	the same transaction, just before it commits (`flush`): so that the rows many calls share stay locked
	for an instant, not for the whole of a call's save, and a new call never waits for another one's
	transaction. Called first in the Lead Call Log's `on_update` and `on_trash` (before the call-back times
	of other calls change: `before_sql_update`)."""
	if frappe.flags.skip_call_rollups:  # benchmarks/log_call_cost.py measures the cost with and without
		return
	old, new = call_values(before), call_values(after)
	if old == new:
		return
	# the call as it was before this transaction changed it (its first change in the transaction)
	pending_calls().setdefault((after or before).name, old)


def before_sql_update(calls: dict) -> None:
	"""Calls about to be changed with SQL instead of being saved through their controller (call-back
	times: `calls.set_callback_times`), as they are now: {name: values read with `read_calls(…,
	for_update=True)`}, so under the row locks the change keeps until the commit. The commit's flush
	counts what the change does. Only calls that the change really alters: the flush reads each call as
	this transaction sees it, and a row the transaction did not write may be seen as an older snapshot."""
	if frappe.flags.skip_call_rollups or not calls:
		return
	pending = pending_calls()
	for name, values in calls.items():
		pending.setdefault(name, values)


def pending_calls() -> dict:
	"""{call name: values before this transaction changed it}: flushed just before the commit."""
	pending = frappe.flags.get(PENDING)
	if pending is None:
		pending = frappe.flags[PENDING] = {}
		frappe.db.before_commit.add(flush)
		frappe.db.after_rollback.add(forget)
	return pending


def read_calls(names, for_update: bool = False) -> dict[str, dict]:
	"""{name: the values the roll-ups count} of the calls that exist, by primary key."""
	if not names:
		return {}
	fields = ", ".join(f"`{field}`" for field in ("name", "lead", *CALL_FIELDS))
	rows = frappe.db.sql(
		f"SELECT {fields} FROM {CALLS} WHERE `name` IN %(names)s{' FOR UPDATE' if for_update else ''}",
		{"names": list(names)},
		as_dict=True,
	)
	return {row.name: call_values(row) for row in rows}


def forget() -> None:
	frappe.flags.pop(PENDING, None)


def flush() -> None:
	"""Write the roll-up changes of the calls this transaction changed: each call as it was before it
	against the call as it is now in the database (so a change undone by a rollback to a savepoint counts
	for nothing), all daily rows in one statement in one order, then the lead rows; new calls only, in two
	statements that read them too (`add_new_calls`)."""
	pending = frappe.flags.pop(PENDING, None)
	if not pending:
		return
	if not any(pending.values()):
		return add_new_calls(list(pending))
	current = read_calls(pending)
	changes = [(before, current.get(name)) for name, before in pending.items()]
	apply_deltas(merged_deltas(changes))
	update_lead_rollup(changes)


def flush_before_reading() -> None:
	"""Readers in a transaction that changed calls see them (never on a read replica, which cannot)."""
	primary = getattr(frappe.local, "primary_db", None)
	if frappe.flags.get(PENDING) and (primary is None or primary is frappe.db):
		flush()


def add_new_calls(names: list[str]) -> None:
	"""Only new calls (a dialler's usual transaction): the database reads them as they are now and adds
	them to their rows, two statements in all: every grain's rows (in the order `core.rollups.lock_key`
	gives, as every transaction takes them), then their lead rows (under the Leads' locks)."""
	where, values = "`name` IN %(names)s", {"names": names}
	rows = " UNION ALL ".join(call_rows_select(grain, where) for grain in GRAINS)
	frappe.db.sql(
		f"""INSERT INTO `{DAILY}` {DAILY_INSERT} {rows} ORDER BY 2, 3, 1
		ON DUPLICATE KEY UPDATE {ADD_METRICS}""",
		values,
	)
	frappe.db.sql(
		f"""INSERT INTO `{LEADS}` {lead_select()} WHERE {where} AND `lead` IS NOT NULL
		GROUP BY `lead`, `campaign` ON DUPLICATE KEY UPDATE {LEAD_MERGE}""",
		values,
	)


def call_values(doc) -> dict | None:
	return {field: doc.get(field) for field in ("lead", *CALL_FIELDS)} if doc else None


def apply_deltas(changes) -> None:
	"""One statement: every row's deltas added to what it holds, a new row where there is none; rows left
	counting nothing are deleted."""
	if not changes:
		return
	rows, values = [], []
	for key, metrics in changes:
		rows.append(f"({DAILY_KEY}, {', '.join(['%s'] * (len(key) + len(METRICS)))})")
		values += [*key, *key, *(metrics[name] for name in METRICS)]
	frappe.db.sql(
		f"INSERT INTO `{DAILY}` {DAILY_INSERT} VALUES {', '.join(rows)} ON DUPLICATE KEY UPDATE {ADD_METRICS}",
		values,
	)
	emptied = [key for key, metrics in changes if metrics["calls"] < 0]
	if emptied:
		match = f"(`grain` = %s AND `day` = %s AND `row_key` = {DAILY_KEY})"
		frappe.db.sql(
			f"DELETE FROM `{DAILY}` WHERE `calls` <= 0 AND ({' OR '.join([match] * len(emptied))})",
			[part for key in emptied for part in (key[0], key[1], *key)],
		)


def update_lead_rollup(changes) -> None:
	"""The (lead, campaign) rows the changes touch. A call added to a pair adds to its row (one statement
	for all of them, no read: calls add up as in the daily roll-up); a pair a call left or changed in (its
	day, connected) is recomputed from the lead's calls with a locking read, under the Lead's row lock
	the call's save took (edits and deletes only)."""

	def pair(values):
		return (values["lead"], values.get("campaign")) if values and values.get("lead") else None

	def lead_part(values):
		return (
			pair(values),
			values and str(values.get("call_date")),
			values and bool(values.get("is_connected")),
		)

	added, recomputed = {}, {}
	for old, new in changes:
		if old and new and lead_part(old) == lead_part(new):
			continue
		if pair(old):
			recomputed.setdefault(lower(pair(old)), pair(old))
			if pair(new) and lower(pair(new)) == lower(pair(old)):
				continue  # the same pair, another day or connected: recomputed
		if pair(new):
			added.setdefault(lower(pair(new)), []).append(new)
	add_to_lead_rows(
		[values for match in sorted(added, key=str) if match not in recomputed for values in added[match]]
	)
	for match in sorted(recomputed, key=str):
		recompute_lead_pair(*recomputed[match])


def add_to_lead_rows(calls: list[dict]) -> None:
	"""New calls added to their lead rows: counts summed, first and last days widened."""
	if not calls:
		return
	rows, values = [], []
	for call in calls:
		day, connected = call["call_date"], 1 if call.get("is_connected") else 0
		rows.append(f"({key_sql(['%s', '%s'])}, %s, %s, 1, %s, %s, %s, %s, %s)")
		values += [
			call["lead"],
			call.get("campaign"),
			call["lead"],
			call.get("campaign"),
			connected,
			day,
			day,
		]
		values += [day if connected else None] * 2

	frappe.db.sql(
		f"""INSERT INTO `{LEADS}` (`row_key`, `lead`, `campaign`, {", ".join(f"`{v}`" for v in LEAD_VALUES)})
		VALUES {", ".join(rows)} ON DUPLICATE KEY UPDATE {LEAD_MERGE}""",
		values,
	)


def recompute_lead_pair(lead: str, campaign: str | None):
	"""The lead row recomputed from the lead's calls of the campaign (deleted first: it may have none)."""
	values = {"lead": lead, "campaign": campaign}
	frappe.db.sql(f"DELETE FROM `{LEADS}` WHERE `row_key` = {key_sql(['%(lead)s', '%(campaign)s'])}", values)
	frappe.db.sql(
		f"""INSERT INTO `{LEADS}` {lead_select()}
		WHERE `lead` = %(lead)s AND `campaign` <=> %(campaign)s GROUP BY `lead`, `campaign`""",
		values,
	)


# --- rebuild, verify, renames (call_status_crm/rollup_rebuild.py) ----------------------------------------


def rebuild(from_date=None, to_date=None, commit: bool = False) -> dict:
	"""Recompute the roll-ups of a range of days (default: every day with calls) from the calls, in bulk
	SQL (committed a chunk of days at a time when `commit`: the bench command, the patch and the settings
	button). Returns {days, daily_rows, lead_rows}."""
	from call_status_crm.rollup_rebuild import rebuild_days

	return rebuild_days(from_date, to_date, commit)


def verify(from_date=None, to_date=None) -> list[dict]:
	"""The roll-up rows that differ from a recomputation from the calls (an empty list when exact)."""
	from call_status_crm.rollup_rebuild import verify_days

	return verify_days(from_date, to_date)


def on_rename(doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False):
	"""`doc_events` after_rename of Campaign, User, Branch, Department and Lead: Frappe rewrites the calls'
	links in SQL, not through their controller."""
	from call_status_crm.rollup_rebuild import recompute_renamed

	recompute_renamed(doc, old, new)


def drop_tables() -> None:
	"""`before_uninstall`: the app's roll-up tables go with it."""
	frappe.db.sql_ddl(f"DROP TABLE IF EXISTS `{DAILY}`")
	frappe.db.sql_ddl(f"DROP TABLE IF EXISTS `{LEADS}`")
