"""The agent's next call (DESIGN.md §9): callbacks of type Personal (only the agent who set it) or Anyone
(any agent of the pool), the order one function decides, what the calling rules block now, reservations
and the escalation of a Personal callback nobody dialled in time. No Frappe here: the service
`call_status_crm.call_queue` reads the calls and leads and asks these rules.

The order: due Personal callbacks of the agent (earliest first), then due Anyone callbacks of the pool
(earliest first), then the agent's assigned leads that are due (recycled, or never called): oldest last
contact first (never called before any), then fewest attempts. A lead is handed out once, at its first
place; a lead the calling rules block now is skipped and counted, with when it opens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

PERSONAL, ANYONE = "Personal", "Anyone"
CALLBACK_TYPES = (PERSONAL, ANYONE)

PERSONAL_CALLBACK = "personal_callback"
ANYONE_CALLBACK = "anyone_callback"
RECYCLED = "recycled"
NEVER_CALLED = "never_called"
REASONS = (PERSONAL_CALLBACK, ANYONE_CALLBACK, RECYCLED, NEVER_CALLED)
# callbacks before assigned leads; recycled and never-called leads share one place, ordered by contact
TIER = {PERSONAL_CALLBACK: 0, ANYONE_CALLBACK: 1, RECYCLED: 2, NEVER_CALLED: 2}

DEFAULT_RESERVATION_MINUTES = 5
DEFAULT_SKIP_MINUTES = 30


@dataclass(frozen=True)
class Candidate:
	"""A lead that may be the agent's next call, and why."""

	lead: str
	reason: str
	lead_name: str | None = None
	phone: str | None = None
	callback: str | None = None  # the call that set the callback
	due_at: datetime | None = None  # the callback's time
	last_call_time: datetime | None = None
	call_attempts: int = 0


@dataclass(frozen=True)
class Block:
	"""What the calling rules say of a lead now: every reason, and when it opens (None: never)."""

	reasons: tuple[str, ...]
	opens_at: datetime | None = None


@dataclass
class Pick:
	"""The leads to offer, in order, and what was skipped because the rules block it now."""

	offered: list[Candidate] = field(default_factory=list)
	blocked: int = 0
	blocked_by_reason: dict[str, int] = field(default_factory=dict)
	next_opens_at: datetime | None = None  # the earliest moment a skipped lead opens


def sort_key(candidate: Candidate) -> tuple:
	"""Callbacks by their time; assigned leads by last contact (never called first), then attempts."""
	tier = TIER[candidate.reason]
	if tier < TIER[RECYCLED]:
		return (tier, candidate.due_at or datetime.min, 0, candidate.lead)
	contacted = candidate.last_call_time is not None
	return (
		tier,
		contacted,
		candidate.last_call_time or datetime.min,
		candidate.call_attempts or 0,
		candidate.lead,
	)


def order(candidates: Iterable[Candidate]) -> list[Candidate]:
	"""The queue's order; a lead that qualifies twice (a callback on an assigned lead) keeps its first place."""
	seen: set[str] = set()
	ordered = []
	for candidate in sorted(candidates, key=sort_key):
		if candidate.lead in seen:
			continue
		seen.add(candidate.lead)
		ordered.append(candidate)
	return ordered


def pick(ordered: Iterable[Candidate], blocks: Mapping[str, Block], limit: int) -> Pick:
	"""The first `limit` leads the rules allow now, in the given order; the blocked ones among all given
	are counted by reason, with the earliest moment one of them opens."""
	result = Pick()
	for candidate in ordered:
		block = blocks.get(candidate.lead)
		if block is None:
			if len(result.offered) < limit:
				result.offered.append(candidate)
			continue
		result.blocked += 1
		for reason in block.reasons:
			result.blocked_by_reason[reason] = result.blocked_by_reason.get(reason, 0) + 1
		if block.opens_at and (result.next_opens_at is None or block.opens_at < result.next_opens_at):
			result.next_opens_at = block.opens_at
	return result


def is_callback_type(value) -> bool:
	return value in CALLBACK_TYPES


def callback_type_for(requested: str | None, status_default: str | None) -> str:
	"""A callback's type: what was asked for, else the call status's default, else Personal."""
	return requested or status_default or PERSONAL


def is_valid_minutes(value) -> bool:
	"""A number of minutes a setting may hold: a whole number, zero or more."""
	return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def over_cap(open_callbacks: int, cap: int) -> bool:
	"""One more callback would pass the agent's cap (0 = no cap)."""
	return cap > 0 and open_callbacks >= cap


def escalation_cutoff(now: datetime, grace_minutes: int) -> datetime:
	"""A Personal callback due at or before this moment has waited out its grace: it becomes Anyone."""
	return now - timedelta(minutes=max(grace_minutes or 0, 0))


def escalates(callback_type: str, due_at: datetime | None, now: datetime, grace_minutes: int) -> bool:
	return (
		callback_type == PERSONAL and due_at is not None and due_at <= escalation_cutoff(now, grace_minutes)
	)


def is_free_for(reserved_by: str | None, reserved_until: datetime | None, user: str, now: datetime) -> bool:
	"""A lead may be handed to `user`: nobody holds it, the hold ran out, or it is theirs already."""
	return not reserved_by or reserved_by == user or reserved_until is None or reserved_until <= now


def reservation_until(now: datetime, minutes: int | None) -> datetime:
	return now + timedelta(minutes=minutes if minutes and minutes > 0 else DEFAULT_RESERVATION_MINUTES)


def recycled_cutoffs(delays: Mapping[str, int], now: datetime) -> dict[str, datetime]:
	"""Per recycled lead status, the last contact before which a lead in it is due again."""
	return {status: now - timedelta(minutes=max(minutes or 0, 0)) for status, minutes in delays.items()}


def attempt_bucket(attempts: int | None, top: int = 3) -> str:
	"""The Lead List Penetration column a lead's attempts fall in: "0", "1", … and "<top>+"."""
	attempts = attempts or 0
	return f"{top}+" if attempts >= top else str(attempts)
