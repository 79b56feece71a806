"""Lead List Penetration (DESIGN.md §9, "what is left to dial"): per campaign and lead status, how many
leads, how many never called, by attempts, dialable now, blocked (Do Not Call / hours / cap), exhausted,
and when the next one becomes eligible. No Frappe here: the report counts in SQL per (campaign, status,
time zone, country, state) and asks this module to fold the groups into rows.

A lead is *due* when the queue would hand it out but for the calling rules: never called, or in a recycled
status whose delay is over and whose recycles are not used up (protected statuses never). Of the due
leads, those on the Do Not Call list are blocked by DNC; of the rest, those whose calling window is closed
now (hours or a holiday) are blocked by hours; of the rest, those whose number reached the 24-hour cap are
blocked by cap; what remains is dialable now."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# counted per group in SQL and summed into a row as they are
GROUP_COUNTS = (
	"leads",
	"never_called",
	"attempts_1",
	"attempts_2",
	"attempts_3_plus",
	"exhausted",
	"due",
)
COUNTS = (
	*GROUP_COUNTS,
	"blocked_dnc",
	"blocked_hours",
	"blocked_cap",
	"dialable_now",
)


@dataclass(frozen=True)
class Group:
	"""The leads of one (campaign, status) in one (zone, country, state), as counted in SQL."""

	campaign: str | None
	lead_status: str | None
	timezone: str | None = None
	country: str | None = None
	state: str | None = None
	leads: int = 0
	never_called: int = 0
	attempts_1: int = 0
	attempts_2: int = 0
	attempts_3_plus: int = 0
	exhausted: int = 0
	due: int = 0
	next_due_at: datetime | None = None  # the first not-yet-due recycled lead's due time
	dnc_due: int = 0  # due leads on the Do Not Call list
	cap_due: int = 0  # due leads, not listed, whose number reached the cap

	@property
	def place(self) -> tuple:
		return (self.timezone, self.country, self.state)


@dataclass(frozen=True)
class Scanned:
	"""What the scan of one (campaign, status, zone, country, state) counts, none of it depending on the
	status: the status is the group's, so what it decides (protected, recycled and after how long) is
	decided here once per group instead of by the database for every lead."""

	leads: int = 0
	called: int = 0  # leads with a last call
	attempts_1: int = 0
	attempts_2: int = 0
	attempts_3_plus: int = 0
	called_without_due_time: int = 0  # called, no recycle due time (recycles used up, if recycled)
	called_before_cutoff: int = 0  # with a recycle due time, last called at or before the status's cutoff
	first_after_cutoff: datetime | None = None  # with a recycle due time: the first last call after it


def group_of(
	key: tuple,
	scanned: Scanned,
	delays: Mapping[str, int],
	protected: Collection[str],
	dnc_due: int = 0,
	cap_due: int = 0,
) -> Group:
	"""One group's counts from its scan. A lead is due when its status is not protected and it was never
	called, or its status is recycled, it has a recycle due time and its last call is at least the status's
	delay ago; exhausted when its status is recycled (not protected) and it was called but has no recycle due
	time (its recycles are used up); a recycled lead not yet due becomes due its delay after its last call.
	`key`: (campaign, status, zone, country, state)."""
	campaign, status, *where = key
	open_status = status is not None and status not in protected
	recycled = open_status and status in delays
	never_called = scanned.leads - scanned.called
	due = (never_called + (scanned.called_before_cutoff if recycled else 0)) if open_status else 0
	next_due_at = (
		scanned.first_after_cutoff + timedelta(minutes=max(delays[status] or 0, 0))
		if recycled and scanned.first_after_cutoff
		else None
	)
	return Group(
		campaign,
		status,
		*where,
		leads=scanned.leads,
		never_called=never_called,
		attempts_1=scanned.attempts_1,
		attempts_2=scanned.attempts_2,
		attempts_3_plus=scanned.attempts_3_plus,
		exhausted=scanned.called_without_due_time if recycled else 0,
		due=due,
		next_due_at=next_due_at,
		dnc_due=dnc_due,
		cap_due=cap_due,
	)


@dataclass
class Row:
	campaign: str | None
	lead_status: str | None
	counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
	next_eligible_at: datetime | None = None


def earliest(*moments: datetime | None) -> datetime | None:
	present = [moment for moment in moments if moment is not None]
	return min(present) if present else None


def fold(
	groups: Iterable[Group], window_opens: Callable[[tuple], datetime | None] | None, now: datetime
) -> list[Row]:
	"""Rows per (campaign, status), in that order. `window_opens(place)`: None when the calling window is
	open now for leads there, else when it next opens (`now` stands for "never known"); None for the whole
	function when the calling rules are off (nothing is blocked)."""
	rows: dict[tuple, Row] = {}
	opens_cache: dict[tuple, datetime | None] = {}
	for group in groups:
		row = rows.setdefault(
			(group.campaign or "", group.lead_status or ""), Row(group.campaign, group.lead_status)
		)
		counts = row.counts
		for name in GROUP_COUNTS:
			counts[name] += getattr(group, name)
		dnc = hours = cap = 0
		opens = None
		if window_opens is not None:
			dnc = min(group.dnc_due, group.due)
			if group.place not in opens_cache:
				opens_cache[group.place] = window_opens(group.place)
			opens = opens_cache[group.place]
			if opens is not None:
				hours = group.due - dnc
			else:
				cap = min(group.cap_due, group.due - dnc)
		counts["blocked_dnc"] += dnc
		counts["blocked_hours"] += hours
		counts["blocked_cap"] += cap
		counts["dialable_now"] += group.due - dnc - hours - cap
		row.next_eligible_at = earliest(
			row.next_eligible_at,
			group.next_due_at,
			opens if hours and opens and opens > now else None,
		)
	for row in rows.values():
		if row.counts["dialable_now"]:
			row.next_eligible_at = now
	return sorted(rows.values(), key=lambda row: (row.campaign or "", row.lead_status or ""))


def totals(rows: Iterable[Row]) -> dict[str, int]:
	total = dict.fromkeys(COUNTS, 0)
	for row in rows:
		for name, value in row.counts.items():
			total[name] += value
	return total
