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
	agent: str | None = None


@dataclass(frozen=True)
class LeadCallSummary:
	"""The Lead's call fields, derived from all its calls."""

	last_call_time: datetime | None
	last_call_status: str | None
	last_call_agent: str | None
	call_attempts: int
	connected_calls: int


def chronological_key(call: CallFact) -> tuple:
	"""Calls are ordered by when they happened; ties by when they were logged, then by name."""
	return (call.call_time, call.creation or call.call_time, call.name)


def summarize_calls(calls: Iterable[CallFact]) -> LeadCallSummary:
	ordered = sorted(calls, key=chronological_key)
	latest = ordered[-1] if ordered else None
	return LeadCallSummary(
		last_call_time=latest.call_time if latest else None,
		last_call_status=latest.call_status if latest else None,
		last_call_agent=latest.agent if latest else None,
		call_attempts=len(ordered),
		connected_calls=sum(1 for call in ordered if is_connected(call.duration)),
	)


def is_connected(duration: int | float | None) -> bool:
	"""A call connected when it lasted more than zero seconds, whatever its status (Calliyo's rule)."""
	return (duration or 0) > 0


def latest_status_call(calls: Iterable[CallFact]) -> CallFact | None:
	"""The latest call (by call time) that sets a lead status."""
	setting = [call for call in calls if call.lead_status]
	return max(setting, key=chronological_key) if setting else None


@dataclass(frozen=True)
class CallChange:
	"""One call saved, edited or deleted, as the Lead rules see it.

	`before` is the call as it was (None for a new call); `after` is the call as it is now (None when it
	was deleted, or moved to another lead). `others` are the lead's other calls.
	"""

	others: tuple[CallFact, ...]
	before: CallFact | None
	after: CallFact | None
	previous_lead_status: str | None = None  # the Lead's status when the call was first logged


def next_lead_status(change: CallChange, current: str | None, protected: Iterable[str]) -> str | None:
	"""The status to give the Lead after a call changed, or None to leave it as it is.

	- A protected status (Converted, Opportunity, …) is never overwritten.
	- Only a change to the latest status-setting call moves the Lead: a back-dated or out-of-order call
	  never overwrites a newer outcome (nor a status set by hand after it).
	- That call's lead status wins; when no call sets one any more (the latest was deleted, or edited to a
	  status that sets none) the Lead goes back to the status it had before that call, provided it still
	  shows the status the call had set.
	"""
	if current in set(protected):
		return None
	name = (change.after or change.before).name
	latest_before = latest_status_call([*change.others, *([change.before] if change.before else [])])
	latest_after = latest_status_call([*change.others, *([change.after] if change.after else [])])
	touched = any(latest and latest.name == name for latest in (latest_before, latest_after))
	if not touched:
		return None
	if latest_after:
		target = latest_after.lead_status
	elif change.before and current == change.before.lead_status:
		target = change.previous_lead_status
	else:
		target = None
	return target if target and target != current else None
