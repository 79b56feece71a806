"""Report bucketing and rates (DESIGN.md §6). The database aggregates calls per day; this folds those
daily rows into weeks or months and computes rates, so no Python loop ever runs over calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

PERIODS = ("Daily", "Weekly", "Monthly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COUNTS = ("calls", "attempts", "connected", "missed")
# Missed Call Service Level: a missed inbound call called back within this many minutes met the service
# level (the report and the daily roll-up's `called_back_in_sl` both count by it)
SERVICE_LEVEL_MINUTES = 60


def period_start(day: date, period: str, first_day_of_week: str = "Monday") -> date:
	"""The first day of the period `day` falls in; weeks start on the site's first day of the week."""
	if period == "Daily":
		return day
	if period == "Weekly":
		offset = (day.weekday() - WEEKDAYS.index(first_day_of_week)) % 7
		return day - timedelta(days=offset)
	if period == "Monthly":
		return day.replace(day=1)
	raise ValueError(f"unknown period {period!r}")


def rate(part: int | float, whole: int | float) -> float:
	"""A percentage with one decimal; 0 when there is nothing to divide by."""
	return round(100.0 * part / whole, 1) if whole else 0.0


def count_outcomes(rows: Iterable[Mapping]) -> list[dict]:
	"""Rows counted per (day, call_status, outcome, is_connected) — what the database counts in index
	order — as the (day, call_status) rows `fold_periods` takes: attempts are the Attempt outcome, missed
	the Missed outcome, connected the calls with a duration (is_connected)."""
	return [
		{
			"day": row["day"],
			"call_status": row["call_status"],
			"calls": row["calls"],
			"attempts": row["calls"] if row["outcome"] == "Attempt" else 0,
			"connected": row["calls"] if row["is_connected"] else 0,
			"missed": row["calls"] if row["outcome"] == "Missed" else 0,
		}
		for row in rows
	]


def fold_periods(
	daily_rows: Iterable[Mapping], period: str, first_day_of_week: str = "Monday"
) -> dict[date, dict]:
	"""Fold rows of (day, call_status, calls, attempts, connected, missed) into periods:
	{period start: {"by_status": {status: calls}, "calls": n, "attempts": n, "connected": n, "missed": n}}
	in date order."""
	periods: dict[date, dict] = {}
	for row in daily_rows:
		start = period_start(row["day"], period, first_day_of_week)
		bucket = periods.setdefault(start, {"by_status": {}, **dict.fromkeys(COUNTS, 0)})
		bucket["by_status"][row["call_status"]] = (
			bucket["by_status"].get(row["call_status"], 0) + row["calls"]
		)
		for key in COUNTS:
			bucket[key] += row[key] or 0
	return dict(sorted(periods.items()))
