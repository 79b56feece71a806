"""The roll-up tables of the app (DESIGN.md §11): names, DDL and the SQL of their keys, shared by the
changes written at commit (`rollups`), the bulk rebuild and verify (`rollup_rebuild`) and the reports'
queries (`rollup_reports`)."""

from call_status_crm.core.rollups import ATTEMPT, DIMENSIONS, GRAINS, METRICS, MISSED, SERVICE_LEVEL_SECONDS

DAILY = "call_status_crm_daily_rollup"
LEADS = "call_status_crm_lead_rollup"
CALLS = "`tabLead Call Log`"
SEPARATOR = "CHAR(31)"
# rows a rebuild recomputes per statement (and commits per chunk, when asked to)
REBUILD_DAYS = 7

# the metrics added after the table first shipped: `ensure_tables` adds them to an existing table
ADDED_COLUMNS = {
	"called_back": "INT NOT NULL DEFAULT 0",
	"callback_seconds": "BIGINT NOT NULL DEFAULT 0",
	"called_back_in_sl": "INT NOT NULL DEFAULT 0",
	"attempts": "INT NOT NULL DEFAULT 0",
	"missed": "INT NOT NULL DEFAULT 0",
}

DAILY_DDL = f"""CREATE TABLE IF NOT EXISTS `{DAILY}` (
	`row_key` BINARY(16) NOT NULL,
	`grain` CHAR(1) NOT NULL,
	`day` DATE NOT NULL,
	`agent` VARCHAR(140) NULL, `branch` VARCHAR(140) NULL, `department` VARCHAR(140) NULL,
	`campaign` VARCHAR(140) NULL, `direction` VARCHAR(140) NULL, `call_status` VARCHAR(140) NULL,
	`outcome` VARCHAR(140) NULL,
	`calls` INT NOT NULL DEFAULT 0, `connected` INT NOT NULL DEFAULT 0, `talk_time` BIGINT NOT NULL DEFAULT 0,
	`zero_duration` INT NOT NULL DEFAULT 0, `follow_ups` INT NOT NULL DEFAULT 0,
	{", ".join(f"`{name}` {kind}" for name, kind in ADDED_COLUMNS.items())},
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


def key_sql(parts: list[str]) -> str:
	"""A row's key from SQL expressions: MD5 of the values as the table's collation compares them (NULL
	apart from '')."""
	values = ", ".join(f"IFNULL(LOWER({part}), CHAR(0))" for part in parts)
	return f"UNHEX(MD5(CONCAT_WS({SEPARATOR}, {values})))"


DAILY_COLUMNS = ("grain", "day", *DIMENSIONS)
DAILY_KEY = key_sql(["%s"] * len(DAILY_COLUMNS))
LEAD_KEY_COLUMNS = key_sql(["lead", "campaign"])
LEAD_VALUES = ("calls", "connected", "first_day", "last_day", "first_connected_day", "last_connected_day")


def lower(pair: tuple) -> tuple:
	return tuple(part.lower() if isinstance(part, str) else part for part in pair)


def lead_select(table: str = CALLS) -> str:
	return f"""(`row_key`, `lead`, `campaign`, `calls`, `connected`, `first_day`, `last_day`,
			`first_connected_day`, `last_connected_day`)
		SELECT {LEAD_KEY_COLUMNS}, `lead`, `campaign`, COUNT(*), SUM(`is_connected`), MIN(`call_date`),
			MAX(`call_date`), MIN(IF(`is_connected` = 1, `call_date`, NULL)),
			MAX(IF(`is_connected` = 1, `call_date`, NULL))
		FROM {table}"""


WAIT = "TIMESTAMPDIFF(SECOND, `call_time`, `called_back_at`)"
# each metric of one call (`core.rollups.metrics_of`) in SQL, never NULL: the new-call flush adds a call's
# rows as they are
ROW_METRICS = {
	"calls": "1",
	"connected": "IFNULL(`is_connected`, 0)",
	"talk_time": "IFNULL(`duration`, 0)",
	"zero_duration": "IFNULL(`duration` = 0, 0)",
	"follow_ups": "`follow_up_at` IS NOT NULL",
	"called_back": f"{WAIT} IS NOT NULL",
	"callback_seconds": f"IFNULL({WAIT}, 0)",
	"called_back_in_sl": f"IFNULL({WAIT} <= {SERVICE_LEVEL_SECONDS}, 0)",
	"attempts": f"IFNULL(`outcome` = '{ATTEMPT}', 0)",
	"missed": f"IFNULL(`outcome` = '{MISSED}', 0)",
}
# the same metrics summed over a group of calls (the rebuild's and verify's GROUP BY): one SQL home each
CALL_METRICS = {name: f"SUM({expression})" for name, expression in ROW_METRICS.items()}


def call_rows_select(grain: str, where: str) -> str:
	"""SELECT of one grain's row of each call (not grouped: the INSERT … ON DUPLICATE KEY UPDATE that takes
	them adds up calls that share a row, without a temporary table per grain)."""
	dims = GRAINS[grain]
	columns = [f"`{d}`" if d in dims else "NULL" for d in DIMENSIONS]
	metrics = ", ".join(ROW_METRICS[name] for name in METRICS)
	return f"""SELECT {key_sql([f"'{grain}'", "`call_date`", *columns])}, '{grain}', `call_date`,
		{", ".join(columns)}, {metrics} FROM {CALLS} WHERE {where}"""


def grain_select(grain: str, source: str, where: str, aggregate: bool) -> str:
	"""SELECT of one grain's rows from the calls (`aggregate`: from the full-grain rows instead)."""
	dims = GRAINS[grain]
	columns = [f"`{d}`" if d in dims else "NULL" for d in DIMENSIONS]
	day = "`day`" if aggregate else "`call_date`"
	if aggregate:
		sums = ", ".join(f"SUM(`{name}`)" for name in METRICS)
	else:
		sums = ", ".join(CALL_METRICS[name] for name in METRICS)
	return f"""SELECT {key_sql([f"'{grain}'", day, *columns])}, '{grain}', {day}, {", ".join(columns)}, {sums}
		FROM {source} WHERE {where} GROUP BY {day}{"".join(f", `{d}`" for d in dims)}"""


DAILY_INSERT = f"(`row_key`, {', '.join(f'`{c}`' for c in (*DAILY_COLUMNS, *METRICS))})"
ADD_METRICS = ", ".join(f"`{name}` = `{name}` + VALUES(`{name}`)" for name in METRICS)


def widened(column: str, pick: str) -> str:
	new = f"VALUES(`{column}`)"
	return f"`{column}` = IF(`{column}` IS NULL OR {new} IS NULL, COALESCE(`{column}`, {new}), {pick}(`{column}`, {new}))"


# a lead row takes new calls: counts summed, first and last days widened
LEAD_MERGE = f"""`calls` = `calls` + VALUES(`calls`), `connected` = `connected` + VALUES(`connected`),
	{widened("first_day", "LEAST")}, {widened("last_day", "GREATEST")},
	{widened("first_connected_day", "LEAST")}, {widened("last_connected_day", "GREATEST")}"""
