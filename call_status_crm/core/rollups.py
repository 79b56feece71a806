"""Daily roll-ups of calls (DESIGN.md §11), the rules without a database.

A call counts in five grains of the daily roll-up, each a row per day and the grain's dimensions:

- "F" (full): agent x branch x department x campaign x direction x call status x outcome;
- "A" (agent): the same without the campaign (agents' figures by status);
- "C" (campaign): campaign x direction x call status x outcome (the floor's figures);
- "T" (agent totals): agent x branch x department, nothing else: a row per agent and day whatever the
  statuses, so that a year of Agent Call Performance reads a few rows per agent-day, not one per status
  (attempts and missed calls are metrics, not only outcomes, for it);
- "P" (agent totals per campaign): agent x branch x department x campaign (the same for one campaign).

A report reads the smallest grain that holds every dimension it groups or filters by. A change of a call
is the difference of what the call counted before and after it (old row minus, new row plus), merged per
row and sorted, so that concurrent changes lock the rows they share in one order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from call_status_crm.core.reports import SERVICE_LEVEL_MINUTES
from call_status_crm.core.times import parse_datetime

DIMENSIONS = ("agent", "branch", "department", "campaign", "direction", "call_status", "outcome")
# called_back, callback_seconds, called_back_in_sl: calls with a call-back time (`called_back_at`, kept on
# missed inbound calls), the seconds from each call to its call-back (as MariaDB's TIMESTAMPDIFF(SECOND)
# counts them) and those called back within the service level (Missed Call Service Level)
METRICS = (
	"calls",
	"connected",
	"talk_time",
	"zero_duration",
	"follow_ups",
	"called_back",
	"callback_seconds",
	"called_back_in_sl",
	"attempts",
	"missed",
)
# attempts, missed: calls whose outcome is Attempt / Missed (compared as the database compares text)
ATTEMPT, MISSED = "Attempt", "Missed"
SERVICE_LEVEL_SECONDS = SERVICE_LEVEL_MINUTES * 60
AGENT_DIMENSIONS = ("agent", "branch", "department")
GRAINS = {
	"F": DIMENSIONS,
	"A": ("agent", "branch", "department", "direction", "call_status", "outcome"),
	"C": ("campaign", "direction", "call_status", "outcome"),
	"T": AGENT_DIMENSIONS,
	"P": (*AGENT_DIMENSIONS, "campaign"),
}
# call fields a roll-up row depends on: a save that changes none of them changes no roll-up
CALL_FIELDS = (
	"call_date",
	*DIMENSIONS,
	"is_connected",
	"duration",
	"follow_up_at",
	"call_time",
	"called_back_at",
)


def pick_grain(dimensions: Iterable[str]) -> str:
	"""The smallest grain holding every dimension a query groups or filters by."""
	wanted = set(dimensions)
	unknown = wanted - set(DIMENSIONS)
	if unknown:
		raise ValueError(f"not a roll-up dimension: {sorted(unknown)}")
	if wanted <= set(GRAINS["C"]):
		return "C"
	if wanted <= set(GRAINS["T"]):
		return "T"
	if wanted <= set(GRAINS["A"]):
		return "A"
	if wanted <= set(GRAINS["P"]):
		return "P"
	return "F"


def as_day(value) -> date | None:
	if value is None or value == "":
		return None
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	return date.fromisoformat(str(value)[:10])


def metrics_of(call: Mapping) -> dict[str, int]:
	"""What one call adds to its rows: 1 call, connected or not, its talk time, zero-duration, follow-up,
	its call-back (called back, seconds to it, within the service level), an attempt or a missed call."""
	duration = int(call.get("duration") or 0)
	wait = callback_seconds(call.get("call_time"), call.get("called_back_at"))
	return {
		"calls": 1,
		"connected": 1 if call.get("is_connected") else 0,
		"talk_time": duration,
		"zero_duration": 1 if duration == 0 else 0,
		"follow_ups": 1 if call.get("follow_up_at") else 0,
		"called_back": 0 if wait is None else 1,
		"callback_seconds": wait or 0,
		"called_back_in_sl": 1 if wait is not None and wait <= SERVICE_LEVEL_SECONDS else 0,
		"attempts": 1 if same_text(call.get("outcome"), ATTEMPT) else 0,
		"missed": 1 if same_text(call.get("outcome"), MISSED) else 0,
	}


def same_text(value, text: str) -> bool:
	"""`value = text` as the database compares them (case-insensitive collation, trailing spaces ignored)."""
	return isinstance(value, str) and value.rstrip().lower() == text.lower()


def callback_seconds(call_time, called_back_at) -> int | None:
	"""Whole seconds from a call to its call-back as MariaDB's TIMESTAMPDIFF(SECOND, …) counts them (the
	microseconds between, truncated toward zero); None when either is missing."""
	if not call_time or not called_back_at:
		return None
	microseconds = (parse_datetime(called_back_at) - parse_datetime(call_time)) // timedelta(microseconds=1)
	seconds = abs(microseconds) // 1_000_000
	return seconds if microseconds >= 0 else -seconds


def dimension_value(value) -> str | None:
	"""A dimension as stored: None stays None (a call without a campaign), anything else text."""
	return None if value is None else str(value)


def row_key(grain: str, day: date, dims: Mapping) -> tuple:
	"""The row a call counts in for one grain: (grain, day, value of each of the grain's dimensions), the
	dimensions the grain drops being None."""
	return (
		grain,
		day,
		*(dimension_value(dims.get(field)) if field in GRAINS[grain] else None for field in DIMENSIONS),
	)


def match_key(key: tuple) -> tuple:
	"""The key as the database compares it (case-insensitive collation): for merging and sorting."""
	return tuple(part.lower() if isinstance(part, str) else part for part in key)


def contributions(call: Mapping | None, sign: int = 1) -> dict[tuple, dict[str, int]]:
	"""{row key: metrics} the call counts for, times `sign` (-1 for the call as it was)."""
	if not call:
		return {}
	day = as_day(call.get("call_date") or call.get("call_time"))
	if day is None:
		return {}
	metrics = {name: sign * value for name, value in metrics_of(call).items()}
	return {row_key(grain, day, call): dict(metrics) for grain in GRAINS}


def deltas(before: Mapping | None, after: Mapping | None) -> list[tuple[tuple, dict[str, int]]]:
	"""The changes a call's save makes to the roll-up: (row key, metric deltas) with at least one non-zero
	delta, in one order for every transaction (`lock_key`)."""
	return merged_deltas([(before, after)])


def merged_deltas(
	changes: Iterable[tuple[Mapping | None, Mapping | None]],
) -> list[tuple[tuple, dict[str, int]]]:
	"""`deltas` of several calls' (before, after), merged per row."""
	parts = []
	for before, after in changes:
		parts += [contributions(before, -1), contributions(after, 1)]
	merged: dict[tuple, tuple[tuple, dict[str, int]]] = {}
	for part in parts:
		for key, metrics in part.items():
			match = match_key(key)
			if match not in merged:
				merged[match] = (key, dict.fromkeys(METRICS, 0))
			for name, value in metrics.items():
				merged[match][1][name] += value
	changes = [(key, metrics) for key, metrics in merged.values() if any(metrics.values())]
	return sorted(changes, key=lambda change: lock_key(change[0]))


def lock_key(key: tuple) -> tuple:
	"""The order every transaction writes the daily rows it changes in, so that two never wait on each other
	in a circle: the table's primary key (grain, day, the MD5 of the row's values lowered and joined as the
	database's `key_sql` joins them), the order in which the database adds new calls too."""
	text = "\x1f".join("\x00" if part is None else str(part).lower() for part in key)
	return (key[0], key[1], hashlib.md5(text.encode()).hexdigest())


def sort_key(key: tuple) -> tuple:
	return tuple(("", "") if part is None else ("1", str(part)) for part in match_key(key))


def differences(
	expected: Mapping[tuple, Mapping[str, int]], actual: Mapping[tuple, Mapping[str, int]]
) -> list[dict]:
	"""The rows where the roll-up (`actual`) differs from a recomputation (`expected`), keys compared as the
	database compares them; rows counting nothing are as good as missing."""

	def normalized(rows):
		out = {}
		for key, metrics in rows.items():
			values = {name: int(metrics.get(name) or 0) for name in METRICS}
			if any(values.values()):
				out[match_key(key)] = (key, values)
		return out

	want, have = normalized(expected), normalized(actual)
	rows = []
	for match in sorted(set(want) | set(have), key=sort_key):
		key, expected_values = want.get(match, (None, None))
		actual_key, actual_values = have.get(match, (None, None))
		if expected_values != actual_values:
			key = key or actual_key
			rows.append(
				{
					"grain": key[0],
					"day": key[1],
					**dict(zip(DIMENSIONS, key[2:], strict=True)),
					"expected": expected_values,
					"actual": actual_values,
				}
			)
	return rows
