from call_status_crm.core.calling_rules import is_phone_number
from call_status_crm.core.timezones import (
	is_known_timezone,
	lead_timezone,
	parse_zone_tab,
	timezone_for_country,
	timezone_for_number,
)

NEW_YORK = "America/New_York"


def test_known_time_zones():
	assert is_known_timezone(NEW_YORK) and is_known_timezone("UTC")
	assert not is_known_timezone("Mars/Base")
	assert not is_known_timezone("") and not is_known_timezone(None)


def test_a_numbers_one_zone():
	assert timezone_for_number("+1 212 555 0100") == NEW_YORK
	assert timezone_for_number("(212) 555-0100", "US") == NEW_YORK
	assert timezone_for_number("+61 2 9123 4567") == "Australia/Sydney"
	assert timezone_for_number("+44 20 7946 0958") == "Europe/London"


def test_a_number_in_several_zones_or_none_gives_none():
	assert timezone_for_number("+1 800 555 0100") is None  # US toll-free: every US zone
	assert timezone_for_number("+7 916 123 4567") is None
	assert timezone_for_number("98765 43210") is None  # national, no country to read it with
	assert timezone_for_number("not a number") is None
	assert timezone_for_number(None) is None


def test_a_countrys_one_zone():
	assert timezone_for_country("IN") == timezone_for_country("in") == "Asia/Kolkata"
	assert timezone_for_country("US") is None
	assert timezone_for_country("ZZ") is None and timezone_for_country(None) is None


def test_a_leads_zone_from_its_numbers_then_its_country():
	assert lead_timezone(["+1 800 555 0100", "+1 212 555 0100"], None, "US") == NEW_YORK
	assert lead_timezone(["+1 800 555 0100"], None, "FR") == "Europe/Paris"
	assert lead_timezone([None, ""], "US", "US") is None


def test_parse_zone_tab():
	lines = [
		"# comment\n",
		"IN\t+2232+08822\tAsia/Kolkata\n",
		"US\t+404251-0740023\tAmerica/New_York\t\n",
		"US\t+x\tAmerica/Chicago\n",
	]
	assert parse_zone_tab(lines) == {"IN": ("Asia/Kolkata",), "US": ("America/New_York", "America/Chicago")}


def test_what_the_do_not_call_list_takes_as_a_number():
	assert is_phone_number("+1 (212) 555-0100", None)
	assert is_phone_number("(212) 555-0100", "US")
	assert is_phone_number("098765 43210", "IN")
	assert is_phone_number("98765 43210", None)  # no country to read it with: kept by its digits
	assert not is_phone_number("call me maybe", "US")
	assert not is_phone_number("12345", "US")
	assert not is_phone_number("+1 212 555 0100 0100 0100", "US")
	assert not is_phone_number("+999 1234567", None)
	assert not is_phone_number("", "US") and not is_phone_number(None, "US")
