"""A lead's time zone (DESIGN.md §8): from its phone number with the time-zone data of `phonenumbers`
when the number lies in exactly one zone, else from its country when the country has one zone (the
IANA `zone.tab`), else none (the site's zone is used). No Frappe here."""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Iterable
from functools import cache

import phonenumbers
from phonenumbers import timezone as phone_timezones

ZONE_TAB = "zone.tab"


@cache
def known_timezones() -> frozenset[str]:
	return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str | None) -> bool:
	"""An IANA zone name the interpreter can load (`Asia/Kolkata`, `America/New_York`, `UTC`)."""
	return bool(name) and name in known_timezones()


def timezone_for_number(phone: str | None, region: str | None = None) -> str | None:
	"""The one zone `phonenumbers` places this number in (`+1 212 …` → America/New_York), or None when
	it places it in none or in several (a US toll-free number, a Russian mobile)."""
	if not phone:
		return None
	try:
		number = phonenumbers.parse(phone, (region or "").upper() or None)
	except phonenumbers.NumberParseException:
		return None
	zones = phone_timezones.time_zones_for_number(number)
	if len(zones) == 1 and is_known_timezone(zones[0]):
		return zones[0]
	return None


def _zone_tab_paths() -> list[str]:
	paths = [os.path.join(directory, ZONE_TAB) for directory in zoneinfo.TZPATH]
	try:
		import tzdata  # the PyPI time-zone data, where the system has none

		paths.append(os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo", ZONE_TAB))
	except ImportError:
		pass
	return paths


def parse_zone_tab(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
	"""`zone.tab` as {ISO 3166 alpha-2 code: its zones}."""
	zones: dict[str, list[str]] = {}
	for line in lines:
		if not line.strip() or line.startswith("#"):
			continue
		columns = line.rstrip("\n").split("\t")
		if len(columns) >= 3:
			zones.setdefault(columns[0].upper(), []).append(columns[2])
	return {code: tuple(names) for code, names in zones.items()}


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
	for path in _zone_tab_paths():
		if os.path.exists(path):
			with open(path, encoding="utf-8") as file:
				return parse_zone_tab(file)
	return {}


def timezone_for_country(code: str | None) -> str | None:
	"""The zone of a country that has only one (IN → Asia/Kolkata); None for US, RU, … or no country."""
	zones = country_zones().get((code or "").upper(), ())
	if len(zones) == 1 and is_known_timezone(zones[0]):
		return zones[0]
	return None


def lead_timezone(phones: Iterable[str | None], region: str | None, country_code: str | None) -> str | None:
	"""A lead's zone: the first of its numbers that lies in one zone, else its country's one zone."""
	for phone in phones:
		zone = timezone_for_number(phone, region)
		if zone:
			return zone
	return timezone_for_country(country_code)
