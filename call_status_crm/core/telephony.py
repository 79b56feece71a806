"""ERPNext telephony Call Log → call status mapping (DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# ERPNext Call Log `status` → our status code, by call type. Admins edit the table in settings.
DEFAULT_TELEPHONY_STATUS_MAP: tuple[tuple[str, str, str], ...] = (
	("Ringing", "Any", "in_progress"),
	("Queued", "Any", "in_progress"),
	("In Progress", "Any", "in_progress"),
	("Completed", "Any", "called"),
	("Busy", "Any", "busy"),
	("No Answer", "Incoming", "missed"),
	("No Answer", "Outgoing", "no_answer"),
	("Missed", "Any", "missed"),
	("Failed", "Incoming", "missed_by_system"),
	("Failed", "Outgoing", "call_terminated"),
	("Canceled", "Any", "canceled"),
)


def map_telephony_status(rows: Iterable[Mapping], telephony_status: str, call_type: str | None) -> str | None:
	"""The call status code for a Call Log status and type: a row for that exact type wins over "Any"."""
	exact = any_type = None
	for row in rows:
		if row.get("telephony_status") != telephony_status:
			continue
		if row.get("call_type") == call_type and exact is None:
			exact = row.get("call_status")
		elif (row.get("call_type") or "Any") == "Any" and any_type is None:
			any_type = row.get("call_status")
	return exact or any_type
