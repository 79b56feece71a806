"""Dates and times a caller sends (a call's time, a follow-up's): full dates and times only, in ISO 8601
with or without a zone. Diallers send zones (`2026-12-03T05:00:00Z`, `+05:30`); a time with a zone is
turned into the site's time, which is how Frappe stores every Datetime."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

# The widest offsets in use are -12:00 and +14:00.
MAX_OFFSET = timedelta(hours=14)
_DATETIME = re.compile(
	r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ]"
	r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
	r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
	re.IGNORECASE,
)


class NotADatetimeError(ValueError):
	"""The value is not a full date and time (a date alone, a year, "-1", a word)."""


class ImpossibleOffsetError(ValueError):
	"""The time's zone offset does not exist on Earth (beyond ±14:00, or 60 minutes and more)."""


def parse_datetime(value) -> datetime:
	"""A full date and time from text (or a datetime, returned as it is): naive when it names no zone,
	aware when it does. Raises `NotADatetimeError` or `ImpossibleOffsetError`."""
	if isinstance(value, datetime):
		return value
	if isinstance(value, date) or not isinstance(value, str):
		raise NotADatetimeError(value)
	match = _DATETIME.fullmatch(value.strip())
	if not match:
		raise NotADatetimeError(value)
	parts = match.groupdict()
	try:
		at = datetime(
			int(parts["year"]),
			int(parts["month"]),
			int(parts["day"]),
			int(parts["hour"]),
			int(parts["minute"]),
			int(parts["second"] or 0),
			int((parts["fraction"] or "0").ljust(6, "0")),
		)
	except ValueError as e:  # 2026-02-30, 25:00
		raise NotADatetimeError(value) from e
	zone = parts["zone"]
	return at.replace(tzinfo=parse_offset(zone)) if zone else at


def parse_offset(zone: str) -> timezone:
	if zone.upper() in ("Z", "UTC", "GMT"):
		return timezone.utc
	digits = zone[1:].replace(":", "")
	hours, minutes = int(digits[:2]), int(digits[2:] or 0)
	offset = timedelta(hours=hours, minutes=minutes)
	if minutes >= 60 or offset > MAX_OFFSET:
		raise ImpossibleOffsetError(zone)
	return timezone(-offset if zone[0] == "-" else offset)


def to_site_time(at: datetime, site_timezone: str) -> datetime:
	"""A naive datetime in the site's time zone: an aware one converted, a naive one as it is."""
	if at.tzinfo is None:
		return at
	return at.astimezone(ZoneInfo(site_timezone)).replace(tzinfo=None)
