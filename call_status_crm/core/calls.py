"""Rules for one call that need no Frappe: limits, phone digits, the default follow-up time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

MAX_DURATION_SECONDS = 24 * 60 * 60
# A call's start may be this far ahead of the server clock (a dialler's clock drifts) and still count as now.
FUTURE_TOLERANCE = timedelta(minutes=2)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday: the days off when a site has no holiday list
SOURCES = ("Manual", "Dialler", "AI Agent", "Telephony")
CALL_DIRECTIONS = ("Outgoing", "Incoming")

_NON_DIGITS = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
	"""A phone number as digits only, the form the indexed lookup matches on."""
	return _NON_DIGITS.sub("", phone or "")


def is_absurd_duration(duration: int | float | None) -> bool:
	return (duration or 0) > MAX_DURATION_SECONDS


def is_in_future(call_time: datetime, now: datetime) -> bool:
	return call_time > now + FUTURE_TOLERANCE


def audience_for_source(source: str | None) -> str | None:
	"""Whose status list a call must come from: agents pick by hand, AI agents through the API.

	Diallers and telephony report what happened, hidden system statuses included.
	"""
	return {"Manual": "agent", "AI Agent": "ai_agent"}.get(source or "Manual")


def next_working_day_at(
	now: datetime,
	at: time,
	is_day_off: Callable[[date], bool] | None = None,
	max_days: int = 366,
) -> datetime:
	"""The first day after `now` that is not a day off, at time `at` (default follow-up: 10:00)."""
	is_day_off = is_day_off or (lambda day: day.weekday() in WEEKEND)
	day = now.date()
	for _ in range(max_days):
		day += timedelta(days=1)
		if not is_day_off(day):
			return datetime.combine(day, at)
	return datetime.combine(now.date() + timedelta(days=1), at)
