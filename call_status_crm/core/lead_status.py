"""What a Lead's call fields and status should be, given the calls it has (DESIGN.md §3, §4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CallFact:
	"""What the Lead rules need to know about one call."""

	name: str
	call_time: datetime
	call_status: str
	lead_status: str | None = None
	duration: int = 0
	creation: datetime | None = None


@dataclass(frozen=True)
class LeadCallSummary:
	"""The Lead's call fields, derived from all its calls."""

	last_call_time: datetime | None
	last_call_status: str | None
	call_attempts: int
	connected_calls: int
	lead_status: str | None  # the lead status of the latest call that sets one; None: no call sets one


def chronological_key(call: CallFact) -> tuple:
	"""Calls are ordered by when they happened; ties by when they were logged, then by name."""
	return (call.call_time, call.creation or call.call_time, call.name)


def summarize_calls(calls: Iterable[CallFact]) -> LeadCallSummary:
	ordered = sorted(calls, key=chronological_key)
	latest = ordered[-1] if ordered else None
	setting = [call for call in ordered if call.lead_status]
	return LeadCallSummary(
		last_call_time=latest.call_time if latest else None,
		last_call_status=latest.call_status if latest else None,
		call_attempts=len(ordered),
		connected_calls=sum(1 for call in ordered if is_connected(call.duration)),
		lead_status=setting[-1].lead_status if setting else None,
	)


def is_connected(duration: int | float | None) -> bool:
	"""A call connected when it lasted more than zero seconds, whatever its status (Calliyo's rule)."""
	return (duration or 0) > 0


def next_lead_status(
	current: str | None,
	derived: str | None,
	protected: Iterable[str],
	fallback: str | None = None,
) -> str | None:
	"""The status to give the Lead, or None to leave it as it is.

	- a protected current status (Converted, Opportunity, …) is never overwritten;
	- otherwise the latest status-setting call decides (`derived`);
	- when no call sets a status any more (the last one was deleted or edited), the Lead goes back to
	  `fallback`, the status it had before that call, if one is known.
	"""
	if current in set(protected):
		return None
	target = derived or fallback
	if not target or target == current:
		return None
	return target
