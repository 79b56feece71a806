"""Unknown callers (DESIGN.md §10): an inbound call whose number matches no Lead, and the site's own
numbers (its lines: never made Leads, never matched). No Frappe here: the service passes the site's phone
key function and settings in."""

from __future__ import annotations

from collections.abc import Callable, Iterable

INCOMING = "Incoming"


def own_phone_keys(text: str | None, key_of: Callable[[str], str]) -> frozenset[str]:
	"""The phone keys of the settings' `own_phone_numbers` (one number a line; blank lines and `#`
	comments skipped; a line too short to be a number has no key and is dropped)."""
	keys = set()
	for line in (text or "").splitlines():
		number = line.split("#", 1)[0].strip()
		key = number and key_of(number)
		if key:
			keys.add(key)
	return frozenset(keys)


def invalid_own_numbers(text: str | None, key_of: Callable[[str], str]) -> list[str]:
	"""The lines of `own_phone_numbers` that are no phone number (to refuse them in the settings)."""
	bad = []
	for line in (text or "").splitlines():
		number = line.split("#", 1)[0].strip()
		if number and not key_of(number):
			bad.append(number)
	return bad


def is_unknown_caller(
	direction: str | None, lead: str | None, phone_key: str | None, own: Iterable[str]
) -> bool:
	"""An inbound call with a number that landed on no Lead, and is not one of the site's own lines."""
	return direction == INCOMING and not lead and bool(phone_key) and phone_key not in set(own)


def may_create_lead(
	direction: str | None, lead: str | None, phone_key: str | None, own: Iterable[str], enabled: bool
) -> bool:
	"""`create_lead_for_unknown_callers`: an unknown inbound caller gets a Lead of their own."""
	return enabled and is_unknown_caller(direction, lead, phone_key, own)
