"""What may be dialled, when (DESIGN.md §8): calling windows in the called party's local time, holidays,
the Do Not Call list and a cap on outgoing calls per number in a rolling 24 hours. One engine answers for
a lead or number at a moment: allowed or not, every reason, and the next moment it may be dialled (in
UTC and in the lead's time). No Frappe here: the service `call_status_crm.calling_rules` reads the
settings, the list and the calls and asks it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import phonenumbers

from call_status_crm.core.phones import MIN_DIGITS, phone_digits

DNC = "dnc"
OUTSIDE_WINDOW = "outside_window"
HOLIDAY = "holiday"
CAP_REACHED = "cap_reached"
REASONS = (DNC, OUTSIDE_WINDOW, HOLIDAY, CAP_REACHED)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_TOKENS = {
	name.casefold(): day for names in (DAY_NAMES, FULL_DAY_NAMES) for day, name in enumerate(names)
}
ROLLING = timedelta(hours=24)
SEARCH_DAYS = 400  # how far ahead a next allowed moment is looked for
UTC = timezone.utc
MAX_DIGITS = 15  # E.164
_PHONE_TEXT = re.compile(r"^\+?[\d\s().\-/]+$")


class InvalidDaysError(ValueError):
	"""A day name that is not one of DAY_NAMES; `token` is what was written."""

	def __init__(self, token: str):
		super().__init__(token)
		self.token = token


def parse_days(text: str | None) -> frozenset[int]:
	"""`"Mon, Tue,saturday"` → {0, 1, 5}; blank → no days (the caller decides what blank means)."""
	days = set()
	for token in (text or "").replace(";", ",").split(","):
		token = token.strip()
		if not token:
			continue
		if token.casefold() not in _DAY_TOKENS:
			raise InvalidDaysError(token)
		days.add(_DAY_TOKENS[token.casefold()])
	return frozenset(days)


def format_days(days: Iterable[int]) -> str:
	return ",".join(DAY_NAMES[day] for day in sorted(set(days)))


def is_phone_number(phone: str | None, region: str | None) -> bool:
	"""A number the Do Not Call list can hold: digits with the usual separators, 7 to 15 of them, and one
	`phonenumbers` deems possible where it can place it (a national number on a site with no country
	cannot be placed: its digits are its key)."""
	text = (phone or "").strip()
	if not _PHONE_TEXT.match(text) or not MIN_DIGITS <= len(phone_digits(text)) <= MAX_DIGITS:
		return False
	try:
		number = phonenumbers.parse(text, (region or "").upper() or None)
	except phonenumbers.NumberParseException:
		return not text.startswith("+") and not region
	return phonenumbers.is_possible_number(number)


def is_valid_window(start: time | None, end: time | None) -> bool:
	"""A window opens before it closes, on the same local day (no window across midnight)."""
	return start is not None and end is not None and start < end


@dataclass(frozen=True)
class Window:
	start: time = time(8)
	end: time = time(21)  # exclusive: 21:00:00 is outside an 08:00-21:00 window
	days: frozenset[int] = frozenset(range(6))  # Monday-Saturday

	def opens_on(self, day: date, holidays: frozenset[date]) -> bool:
		return day.weekday() in self.days and day not in holidays

	def covers(self, local: datetime) -> bool:
		"""Whether a local wall time lies in the window on a weekday of it (holidays aside)."""
		return local.weekday() in self.days and self.start <= local.time().replace(tzinfo=None) < self.end


@dataclass(frozen=True)
class WindowRule:
	"""An override of the default window for leads in a country (ISO code or name), or a state of it."""

	country: str
	window: Window
	state: str | None = None


@dataclass(frozen=True)
class Rules:
	window: Window = Window()
	overrides: tuple[WindowRule, ...] = ()
	holidays: frozenset[date] = frozenset()  # local dates of the called party
	max_attempts_24h: int = 0  # 0 = no cap
	site_timezone: str = "UTC"

	def window_for(self, country: str | None, state: str | None) -> Window:
		"""The most specific override for the lead's country and state, else the default window."""
		country, state = _fold(country), _fold(state)
		if country:
			for want_state in (state, None) if state else (None,):
				for rule in self.overrides:
					if _fold(rule.country) == country and _fold(rule.state) == want_state:
						return rule.window
		return self.window


@dataclass(frozen=True)
class Target:
	"""The lead or number asked about."""

	timezone: str | None = None  # the lead's zone; blank = the site's
	country: str | None = None
	state: str | None = None
	on_dnc: bool = False
	recent_calls: tuple[datetime, ...] = ()  # outgoing calls to the number in the last 24 h (aware)


@dataclass(frozen=True)
class Verdict:
	allowed: bool
	reasons: tuple[str, ...]
	timezone: str
	local_time: datetime
	next_allowed_at: datetime | None  # UTC; None when never (on the list)
	next_allowed_at_local: datetime | None = field(default=None)


def _fold(value: str | None) -> str | None:
	return (value or "").strip().casefold() or None


def as_utc(moment: datetime) -> datetime:
	"""An aware moment in UTC; a naive one is taken as UTC."""
	return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def load_zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
	for candidate in (name, fallback, "UTC"):
		if candidate:
			try:
				return ZoneInfo(candidate)
			except (ValueError, KeyError, OSError):
				continue
	return ZoneInfo("UTC")


def first_instant_at(day: date, wall: time, zone: ZoneInfo) -> datetime:
	"""The first UTC instant whose local wall time on `day` is `wall` or later: `wall` itself, the earlier
	of the two when the clocks go back, and the moment the clocks jump when `wall` falls in the gap."""
	local = datetime.combine(day, wall)
	candidates = sorted(as_utc(local.replace(tzinfo=zone, fold=fold)) for fold in (0, 1))
	if candidates[0].astimezone(zone).replace(tzinfo=None) == local:
		return candidates[0]
	low, high = candidates  # a gap: the wall time is skipped somewhere between the two
	while high - low > timedelta(seconds=1):
		middle = low + (high - low) / 2
		if middle.astimezone(zone).replace(tzinfo=None) >= local:
			high = middle
		else:
			low = middle
	return high.replace(microsecond=0)


def next_window_open(
	window: Window, holidays: frozenset[date], zone: ZoneInfo, after: datetime
) -> datetime | None:
	"""The first moment at or after `after` (UTC) inside the window in `zone`, None if none within
	SEARCH_DAYS (a window with no days)."""
	if not window.days or not is_valid_window(window.start, window.end):
		return None
	local = after.astimezone(zone)
	for offset in range(SEARCH_DAYS):
		day = local.date() + timedelta(days=offset)
		if not window.opens_on(day, holidays):
			continue
		if offset == 0 and window.covers(local):
			return after
		opens = first_instant_at(day, window.start, zone)
		if opens >= after and window.covers(opens.astimezone(zone)):
			return opens
	return None


def cap_frees_at(recent_calls: Iterable[datetime], cap: int, at: datetime) -> datetime | None:
	"""None when under the cap at `at`; else when enough of the oldest calls leave the rolling 24 h for
	one more call (a call made at `t` counts until `t + 24 h`, exclusive)."""
	if cap <= 0:
		return None
	calls = sorted(as_utc(call) for call in recent_calls if at - ROLLING < as_utc(call) <= at)
	if len(calls) < cap:
		return None
	return calls[len(calls) - cap] + ROLLING


def check(rules: Rules, target: Target, at: datetime) -> Verdict:
	"""May the lead be dialled at `at`? Every reason that says no, and when it next may be."""
	at = as_utc(at)
	zone = load_zone(target.timezone, rules.site_timezone)
	local = at.astimezone(zone)
	window = rules.window_for(target.country, target.state)
	reasons = []
	if target.on_dnc:
		reasons.append(DNC)
	if not window.covers(local):
		reasons.append(OUTSIDE_WINDOW)
	if local.date() in rules.holidays:
		reasons.append(HOLIDAY)
	capped_until = cap_frees_at(target.recent_calls, rules.max_attempts_24h, at)
	if capped_until:
		reasons.append(CAP_REACHED)
	if not reasons:
		return Verdict(True, (), zone.key, local, at, local)
	next_at = None
	if not target.on_dnc:
		next_at = next_window_open(window, rules.holidays, zone, max(at, capped_until or at))
	return Verdict(
		False, tuple(reasons), zone.key, local, next_at, next_at.astimezone(zone) if next_at else None
	)
