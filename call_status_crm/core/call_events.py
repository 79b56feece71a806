"""Call Events (DESIGN.md §10): what the telephony bridge or an integration sent and the app could not
apply, retried with back-off. No Frappe here."""

from __future__ import annotations

from datetime import datetime, timedelta

PENDING, APPLIED, FAILED = "Pending", "Applied", "Failed"
TELEPHONY_BRIDGE, API = "Telephony Bridge", "API"
# Minutes to wait before the n-th retry (1st, 2nd, …); the last one repeats until MAX_ATTEMPTS.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360)
MAX_ATTEMPTS = 10  # after this many failed attempts an event is Failed (a manager may still retry it)
# The API methods whose failures are kept, and so may be replayed
REPLAYABLE_METHODS = ("log_call", "start_call", "end_call")


def backoff(attempts: int) -> timedelta:
	"""The wait after `attempts` failed attempts (1 → 1 minute, 2 → 5, … capped at 6 hours)."""
	index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
	return timedelta(minutes=BACKOFF_MINUTES[index])


def after_failure(attempts: int, now: datetime) -> tuple[str, datetime | None]:
	"""The status and next attempt time of an event that has now failed `attempts` times."""
	if attempts >= MAX_ATTEMPTS:
		return FAILED, None
	return PENDING, now + backoff(attempts)


def is_retryable(status: str | None) -> bool:
	"""Pending and Failed events may be retried (Failed by a manager); an Applied one never again."""
	return status in (PENDING, FAILED)
