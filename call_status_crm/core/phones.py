"""The one phone key of the app (DESIGN.md §3): a number normalized to E.164 with the `phonenumbers`
library, national numbers read with the site's default country. Lead numbers, calls (and later the Do
Not Call list) store it in an indexed field, so matching an inbound number is an indexed equality
lookup, never a `LIKE` over a table."""

from __future__ import annotations

import re

import phonenumbers

MIN_DIGITS = 7  # shorter numbers (extensions, short codes) are not matched to anything
_NON_DIGITS = re.compile(r"\D")


def phone_digits(phone: str | None) -> str:
	return _NON_DIGITS.sub("", phone or "")


def phone_key(phone: str | None, region: str | None = None) -> str:
	"""`phone` in E.164 (`+919876543210`), so that +91 98765 43210, 098765 43210, 0091 98765 43210 and
	919876543210 meet when the site's country (`region`, ISO 3166 alpha-2) is India. Empty for numbers
	too short to tell leads apart. A national number on a site with no country cannot be placed: its key
	is its digits, which match only the same digits."""
	digits = phone_digits(phone)
	if len(digits) < MIN_DIGITS:
		return ""
	try:
		number = phonenumbers.parse(phone, (region or "").upper() or None)
	except phonenumbers.NumberParseException:
		return digits
	return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
