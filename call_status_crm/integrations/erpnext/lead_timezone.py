"""A Lead's time zone for the calling rules (DESIGN.md §8): `call_timezone`, filled on save from its
phone numbers (`phonenumbers` places the number in one zone) or else its country (one zone), blank when
neither tells (the site's zone is used). An admin's choice stays: the zone follows a changed number only
while it is the one the old numbers gave. `doc_events` Lead validate, and the patch for existing Leads."""

import frappe
from frappe import _

from call_status_crm.core.timezones import is_known_timezone, lead_timezone
from call_status_crm.leads import phone_region

NUMBER_FIELDS = ("mobile_no", "phone")
SOURCE_FIELDS = (*NUMBER_FIELDS, "country")


class UnknownTimezoneError(frappe.ValidationError):
	pass


def country_codes() -> dict[str, str]:
	"""Every Country's ISO code by name (upper case), read once."""
	return {
		name: code.upper()
		for name, code in frappe.get_all("Country", fields=["name", "code"], as_list=True)
		if code
	}


def computed_timezone(values, region: str | None = None, codes: dict | None = None) -> str | None:
	"""The zone a Lead's numbers or country give, or None. `codes`: Country codes by name, when read."""
	country = values.get("country")
	if codes is not None:
		code = codes.get(country)
	else:
		code = (frappe.get_cached_value("Country", country, "code") or "").upper() if country else None
	return lead_timezone((values.get(field) for field in NUMBER_FIELDS), region, code or None)


def set_call_timezone(doc, method=None):
	"""`doc_events` Lead validate."""
	zone = (doc.get("call_timezone") or "").strip() or None
	if zone and not is_known_timezone(zone):
		frappe.throw(
			_("Call Time Zone {0} is not a time zone: use an IANA name such as America/New_York.").format(
				frappe.bold(zone)
			),
			exc=UnknownTimezoneError,
			title=_("Unknown Time Zone"),
		)
	if zone and not follows_numbers(doc, zone):
		doc.call_timezone = zone
		return
	doc.call_timezone = computed_timezone(doc, phone_region())


def follows_numbers(doc, zone: str) -> bool:
	"""The zone was filled from the numbers (or country) that just changed, and nobody chose another."""
	before = doc.get_doc_before_save()
	if not before or before.get("call_timezone") != zone:
		return False
	if not any(before.get(field) != doc.get(field) for field in SOURCE_FIELDS):
		return False
	return computed_timezone(before, phone_region()) == zone


def set_all_call_timezones(batch_size: int = 10_000) -> int:
	"""Fill `call_timezone` of every Lead that has none, in batches along the primary key, with one
	UPDATE per zone and batch (no save per Lead). Returns how many Leads got a zone."""
	lead = frappe.qb.DocType("Lead")
	region, codes = phone_region(), country_codes()
	last, filled = "", 0
	while True:
		rows = (
			frappe.qb.from_(lead)
			.select(lead.name, *(lead[field] for field in SOURCE_FIELDS))
			.where((lead.name > last) & (lead.call_timezone.isnull() | (lead.call_timezone == "")))
			.orderby(lead.name)
			.limit(batch_size)
			.run(as_dict=True)
		)
		if not rows:
			return filled
		by_zone: dict[str, list[str]] = {}
		for row in rows:
			zone = computed_timezone(row, region, codes)
			if zone:
				by_zone.setdefault(zone, []).append(row.name)
		for zone, names in by_zone.items():
			frappe.qb.update(lead).set(lead.call_timezone, zone).where(lead.name.isin(names)).run()
			filled += len(names)
		last = rows[-1].name
