"""Rules for one call that need no Frappe: limits, phone digits, the default follow-up time."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta

MAX_DURATION_SECONDS = 24 * 60 * 60
# A call's start may be this far ahead of the server clock (a dialler's clock drifts) and still count as now.
FUTURE_TOLERANCE = timedelta(minutes=2)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday: the days off when a site has no holiday list
CALL_DIRECTIONS = ("Outgoing", "Incoming")
LIVE_STATUS = "in_progress"  # the status a dialler's call has between its start and its end
# The longest note a call or follow-up keeps (a Small Text column holds 16k four-byte characters).
MAX_NOTE_LENGTH = 10_000
# Nothing before this is a real call time: it guards against 0000-00-00 and 1000-01-01 style values.
EARLIEST_CALL_TIME = datetime(2000, 1, 1)

CALL_NAME_PREFIX = "CALL-"
CALL_NAME_DIGITS = 5
_CALL_NAME = re.compile(r"CALL-\d{4}-(\d+)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def call_name(number: int, year: int) -> str:
	"""A call's name: CALL-<year>-<number>, the number counting on across years (names stay unique
	without a yearly counter, which would need a lock held until commit)."""
	return f"{CALL_NAME_PREFIX}{year}-{number:0{CALL_NAME_DIGITS}d}"


def call_number(name: str | None) -> int | None:
	"""The number in a call's name, or None for a name not made by `call_name`."""
	match = _CALL_NAME.fullmatch(name or "")
	return int(match.group(1)) if match else None


def is_absurd_duration(duration: int | float | None) -> bool:
	return (duration or 0) > MAX_DURATION_SECONDS


def whole_seconds(value) -> int | None:
	"""A duration as a whole number of seconds (an int, an integral float, or digits as text, signed), or
	None when it is not one ("abc", 1.5, true)."""
	if isinstance(value, bool):
		return None
	if isinstance(value, int):
		return value
	if isinstance(value, float):
		return int(value) if value.is_integer() else None
	if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
		return int(value)
	return None


def is_in_future(call_time: datetime, now: datetime) -> bool:
	return call_time > now + FUTURE_TOLERANCE


def is_before_records(at: datetime) -> bool:
	"""A time too early to be a call's (or a follow-up's): a typo or a database's zero date."""
	return at < EARLIEST_CALL_TIME


def note_as_typed(stored: str | None) -> str:
	"""A note as the agent typed it. Frappe stores a text that looks like HTML sanitized: a literal `<` as
	`&lt;`, `&` as `&amp;`, allowed tags kept. Escaping that again for a ToDo or the timeline would show
	`&lt;`; this gives back the plain text (tags dropped, entities read), to be escaped once."""
	if not stored or not ("<" in stored or "&" in stored):
		return stored or ""
	return html.unescape(_TAG.sub("", stored))


def is_note_too_long(note: str | None) -> bool:
	return len(note or "") > MAX_NOTE_LENGTH


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


def callback_times(
	missed: Mapping[str, datetime], outgoing: Iterable[datetime]
) -> dict[str, datetime | None]:
	"""For each missed call (name → its time), when the lead was called back: the first outgoing call
	after it, or None."""
	times = sorted(outgoing)
	result = {}
	for name, at in missed.items():
		i = bisect_right(times, at)
		result[name] = times[i] if i < len(times) else None
	return result
