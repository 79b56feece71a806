"""Daily and lead-level roll-ups of the calls (DESIGN.md §11), kept exact in the transaction of every call
change, rebuilt in bulk and verified against a recomputation.

- `call_status_crm_daily_rollup`: one row per grain x day x dimensions (`core.rollups.GRAINS`) with calls,
  connected, talk time, zero-duration calls and follow-ups. The calls a transaction changed add their
  deltas (old row minus, new row plus) just before it commits, with one `INSERT … ON DUPLICATE KEY UPDATE`
  on the rows' keys, so concurrent calls add up (no read-modify-write, no lost update), lock the rows they
  share in one order and hold those locks only for the commit.
- `call_status_crm_lead_rollup`: one row per lead x campaign (calls, connected, first and last call day,
  first and last connected day), recomputed from the lead's calls under the Lead's row lock that every
  call writer takes first (`LeadCallLog.lock_leads`), so distinct leads are counted from it.

Tables of the app (not DocTypes: no name series, no `modified`), created on install and migrate.
"""

import frappe

from call_status_crm.core.rollups import (
	CALL_FIELDS,
	DIMENSIONS,
	METRICS,
	merged_deltas,
)

DAILY = "call_status_crm_daily_rollup"
LEADS = "call_status_crm_lead_rollup"
CALLS = "`tabLead Call Log`"
SEPARATOR = "CHAR(31)"
# rows a rebuild recomputes per statement (and commits per chunk, when asked to)
REBUILD_DAYS = 7

DAILY_DDL = f"""CREATE TABLE IF NOT EXISTS `{DAILY}` (
	`row_key` BINARY(16) NOT NULL,
	`grain` CHAR(1) NOT NULL,
	`day` DATE NOT NULL,
	`agent` VARCHAR(140) NULL, `branch` VARCHAR(140) NULL, `department` VARCHAR(140) NULL,
	`campaign` VARCHAR(140) NULL, `direction` VARCHAR(140) NULL, `call_status` VARCHAR(140) NULL,
	`outcome` VARCHAR(140) NULL,
	`calls` INT NOT NULL DEFAULT 0, `connected` INT NOT NULL DEFAULT 0, `talk_time` BIGINT NOT NULL DEFAULT 0,
	`zero_duration` INT NOT NULL DEFAULT 0, `follow_ups` INT NOT NULL DEFAULT 0,
	PRIMARY KEY (`grain`, `day`, `row_key`),
	KEY `grain_agent_day` (`grain`, `agent`, `day`),
	KEY `grain_campaign_day` (`grain`, `campaign`, `day`)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"""

LEADS_DDL = f"""CREATE TABLE IF NOT EXISTS `{LEADS}` (
	`row_key` BINARY(16) NOT NULL,
	`lead` VARCHAR(140) NOT NULL,
	`campaign` VARCHAR(140) NULL,
	`calls` INT NOT NULL DEFAULT 0, `connected` INT NOT NULL DEFAULT 0,
	`first_day` DATE NOT NULL, `last_day` DATE NOT NULL,
	`first_connected_day` DATE NULL, `last_connected_day` DATE NULL,
	PRIMARY KEY (`row_key`),
	KEY `campaign_days` (`campaign`, `last_day`, `first_day`, `first_connected_day`, `last_connected_day`, `lead`),
	KEY `lead` (`lead`, `campaign`, `first_day`, `last_day`)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"""


def ensure_tables() -> None:
	"""Create the roll-up tables where missing (install, migrate); DDL commits, so never in a request."""
	frappe.db.sql_ddl(DAILY_DDL)
	frappe.db.sql_ddl(LEADS_DDL)
	# overdue follow-ups depend on the clock: Agent Call Performance counts them from the open follow-ups
	frappe.db.add_index(
		"Lead Call Log", ["follow_up_status", "follow_up_at", "call_date"], "open_follow_up_index"
	)


def key_sql(parts: list[str]) -> str:
	"""A row's key from SQL expressions: MD5 of the values as the table's collation compares them (NULL
	apart from '')."""
	values = ", ".join(f"IFNULL(LOWER({part}), CHAR(0))" for part in parts)
	return f"UNHEX(MD5(CONCAT_WS({SEPARATOR}, {values})))"


DAILY_COLUMNS = ("grain", "day", *DIMENSIONS)
DAILY_KEY = key_sql(["%s"] * len(DAILY_COLUMNS))
LEAD_KEY_COLUMNS = key_sql(["lead", "campaign"])
LEAD_VALUES = ("calls", "connected", "first_day", "last_day", "first_connected_day", "last_connected_day")


# --- kept exact on every change -------------------------------------------------------------------------


PENDING = "call_rollups_pending"


def on_call_change(before, after) -> None:
	"""A call was inserted (`before` None), edited, or deleted (`after` None). The roll-ups are written in
	the same transaction, just before it commits (`flush`): so that the rows many calls share stay locked
	for an instant, not for the whole of a call's save, and a new call never waits for another one's
	transaction. Called at the end of the Lead Call Log's `on_update` and in its `on_trash`."""
	if frappe.flags.skip_call_rollups:  # benchmarks/log_call_cost.py measures the cost with and without
		return
	old, new = call_values(before), call_values(after)
	if old == new:
		return
	pending = frappe.flags.get(PENDING)
	if pending is None:
		pending = frappe.flags[PENDING] = {}
		frappe.db.before_commit.add(flush)
		frappe.db.after_rollback.add(forget)
	# the call as it was before this transaction changed it (its first change in the transaction)
	pending.setdefault((after or before).name, old)


def forget() -> None:
	frappe.flags.pop(PENDING, None)


def flush() -> None:
	"""Write the roll-up changes of the calls this transaction changed: each call as it was before it
	against the call as it is now in the database (so a change undone by a rollback to a savepoint counts
	for nothing), all daily rows in one statement in one order, then the lead rows."""
	pending = frappe.flags.pop(PENDING, None)
	if not pending:
		return
	fields = ", ".join(f"`{field}`" for field in ("name", "lead", *CALL_FIELDS))
	current = {
		row.name: row
		for row in frappe.db.sql(
			f"SELECT {fields} FROM {CALLS} WHERE `name` IN %(names)s", {"names": list(pending)}, as_dict=True
		)
	}
	changes = [(before, call_values(current.get(name))) for name, before in pending.items()]
	apply_deltas(merged_deltas(changes))
	update_lead_rollup(changes)


def flush_before_reading() -> None:
	"""Readers in a transaction that changed calls see them (never on a read replica, which cannot)."""
	primary = getattr(frappe.local, "primary_db", None)
	if frappe.flags.get(PENDING) and (primary is None or primary is frappe.db):
		flush()


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
	updates = ", ".join(f"`{name}` = `{name}` + VALUES(`{name}`)" for name in METRICS)
	frappe.db.sql(
		f"""INSERT INTO `{DAILY}` (`row_key`, {", ".join(f"`{c}`" for c in DAILY_COLUMNS)},
			{", ".join(f"`{name}`" for name in METRICS)})
		VALUES {", ".join(rows)}
		ON DUPLICATE KEY UPDATE {updates}""",
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

	def widened(column: str, pick: str) -> str:
		new = f"VALUES(`{column}`)"
		return f"`{column}` = IF(`{column}` IS NULL OR {new} IS NULL, COALESCE(`{column}`, {new}), {pick}(`{column}`, {new}))"

	frappe.db.sql(
		f"""INSERT INTO `{LEADS}` (`row_key`, `lead`, `campaign`, {", ".join(f"`{v}`" for v in LEAD_VALUES)})
		VALUES {", ".join(rows)}
		ON DUPLICATE KEY UPDATE `calls` = `calls` + VALUES(`calls`), `connected` = `connected` + VALUES(`connected`),
			{widened("first_day", "LEAST")}, {widened("last_day", "GREATEST")},
			{widened("first_connected_day", "LEAST")}, {widened("last_connected_day", "GREATEST")}""",
		values,
	)


def lower(pair: tuple) -> tuple:
	return tuple(part.lower() if isinstance(part, str) else part for part in pair)


def recompute_lead_pair(lead: str, campaign: str | None):
	"""The lead row recomputed from the lead's calls of the campaign (deleted first: it may have none)."""
	values = {"lead": lead, "campaign": campaign}
	frappe.db.sql(f"DELETE FROM `{LEADS}` WHERE `row_key` = {key_sql(['%(lead)s', '%(campaign)s'])}", values)
	frappe.db.sql(
		f"""INSERT INTO `{LEADS}` {lead_select()}
		WHERE `lead` = %(lead)s AND `campaign` <=> %(campaign)s GROUP BY `lead`, `campaign`""",
		values,
	)


def lead_select(table: str = CALLS) -> str:
	return f"""(`row_key`, `lead`, `campaign`, `calls`, `connected`, `first_day`, `last_day`,
			`first_connected_day`, `last_connected_day`)
		SELECT {LEAD_KEY_COLUMNS}, `lead`, `campaign`, COUNT(*), SUM(`is_connected`), MIN(`call_date`),
			MAX(`call_date`), MIN(IF(`is_connected` = 1, `call_date`, NULL)),
			MAX(IF(`is_connected` = 1, `call_date`, NULL))
		FROM {table}"""


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
