"""ERPNext telephony Call Log → call status mapping (DESIGN.md §4). No telephony call is ever dropped:
every Call Log status x type lands as a call, with a fallback status where the map says nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from call_status_crm.core.statuses import matches_direction

# ERPNext 15's Call Log `status` and `type` options.
TELEPHONY_STATUSES = (
	"Ringing",
	"In Progress",
	"Completed",
	"Failed",
	"Busy",
	"No Answer",
	"Queued",
	"Canceled",
)
CALL_TYPES = ("Incoming", "Outgoing")
ANY_TYPE = "Any"

# Call Log status → our status code, by call type. Admins edit the table in settings. An incoming call
# that was busy or canceled is a caller who hung up unanswered: a missed call, not an outgoing attempt.
DEFAULT_TELEPHONY_STATUS_MAP: tuple[tuple[str, str, str], ...] = (
	("Ringing", ANY_TYPE, "in_progress"),
	("Queued", ANY_TYPE, "in_progress"),
	("In Progress", ANY_TYPE, "in_progress"),
	("Completed", ANY_TYPE, "called"),
	("Busy", "Incoming", "unavailable"),
	("Busy", "Outgoing", "busy"),
	("No Answer", "Incoming", "missed"),
	("No Answer", "Outgoing", "no_answer"),
	("Failed", "Incoming", "missed_by_system"),
	("Failed", "Outgoing", "call_terminated"),
	("Canceled", "Incoming", "missed"),
	("Canceled", "Outgoing", "canceled"),
)

# What a call the map does not cover lands with, by direction (flagged for the admin).
FALLBACK_STATUS = {"Incoming": "missed_by_system", "Outgoing": "not_accepted"}


def map_telephony_status(rows: Iterable[Mapping], telephony_status: str, call_type: str | None) -> str | None:
	"""The call status code for a Call Log status and type: a row for that exact type wins over "Any"."""
	exact = any_type = None
	for row in rows:
		if row.get("telephony_status") != telephony_status:
			continue
		if row.get("call_type") == call_type and exact is None:
			exact = row.get("call_status")
		elif (row.get("call_type") or ANY_TYPE) == ANY_TYPE and any_type is None:
			any_type = row.get("call_status")
	return exact or any_type


def row_fits(call_type: str | None, status_direction: str | None) -> bool:
	"""A map row must name a status its calls may carry: an "Any" row a status for any direction, an
	Incoming (Outgoing) row a status for incoming (outgoing) calls or any."""
	call_type = call_type or ANY_TYPE
	if call_type == ANY_TYPE:
		return (status_direction or ANY_TYPE) == ANY_TYPE
	return matches_direction(status_direction, call_type)


def repair_map(rows: list[dict], directions: Mapping[str, str]) -> list[dict]:
	"""The map with every row fitting its status's direction and every status x type covered.

	A row for "Any" whose status has one direction becomes a row for that direction (it keeps meaning
	what it meant there); a row that fits no direction gives way to the default; then the defaults fill
	what no row covers. Rows an admin made that fit are kept as they are, in their order."""
	repaired: list[dict] = []
	defaults = {(status, call_type): code for status, call_type, code in DEFAULT_TELEPHONY_STATUS_MAP}
	for row in rows:
		row = dict(row)
		row["call_type"] = row.get("call_type") or ANY_TYPE
		direction = directions.get(row.get("call_status"))
		if direction is None:
			continue  # the status is gone: the defaults below cover its keys
		if not row_fits(row["call_type"], direction):
			if row["call_type"] == ANY_TYPE and direction in CALL_TYPES:
				row["call_type"] = direction
			else:
				continue
		if any(
			(kept["telephony_status"], kept["call_type"]) == (row["telephony_status"], row["call_type"])
			for kept in repaired
		):
			continue
		repaired.append(row)
	for (status, call_type), code in defaults.items():
		if code not in directions:
			continue
		covered = [
			map_telephony_status(repaired, status, kind)
			for kind in (CALL_TYPES if call_type == ANY_TYPE else (call_type,))
		]
		if all(covered):
			continue
		if call_type == ANY_TYPE and any(covered):
			# add only the directions the map misses, so an admin's row for the other one stays in charge
			for kind, found in zip(CALL_TYPES, covered, strict=True):
				if not found:
					repaired.append({"telephony_status": status, "call_type": kind, "call_status": code})
		else:
			repaired.append({"telephony_status": status, "call_type": call_type, "call_status": code})
	return repaired


def uncovered(rows: Iterable[Mapping]) -> list[tuple[str, str]]:
	"""The (status, type) pairs of ERPNext's Call Log the map gives no call status for."""
	rows = list(rows)
	return [
		(status, call_type)
		for status in TELEPHONY_STATUSES
		for call_type in CALL_TYPES
		if not map_telephony_status(rows, status, call_type)
	]
