"""The Do Not Call list (DESIGN.md §8): numbers keyed by the app's one phone key, globally or for one
campaign; a Lead in Do Not Contact counts as listed. Lookups are primary-key and indexed equality reads.
A service: the Do Not Call controller, `calling_rules` and the re-assignment call it."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from call_status_crm.core.calling_rules import is_phone_number
from call_status_crm.leads import PHONE_KEY_FIELDS, lead_campaign_fields, phone_region, site_phone_key

DOCTYPE = "Do Not Call"
GLOBAL, CAMPAIGN = "Global", "Campaign"
DO_NOT_CONTACT = "Do Not Contact"  # the Lead status that counts as listed


class MalformedNumberError(frappe.ValidationError):
	pass


def entry_name(key: str, scope: str = GLOBAL, campaign: str | None = None) -> str:
	"""An entry's name is its key: unique per number, scope and campaign by the primary key itself."""
	return f"{key}:{campaign}" if scope == CAMPAIGN and campaign else key


def number_key(phone: str | None, label: str | None = None) -> str:
	"""The phone key of a number the list may hold, or a clear error naming it."""
	if not is_phone_number(phone, phone_region()):
		frappe.throw(
			_("{0} {1} is not a phone number.").format(label or _("Phone"), frappe.bold(phone or "")),
			exc=MalformedNumberError,
			title=_("Invalid Phone Number"),
		)
	return site_phone_key(phone)


def listed_entry(keys, campaign: str | None = None) -> str | None:
	"""The entry that lists one of `keys`, for everyone or for `campaign`; None when none does."""
	names = [entry_name(key) for key in keys if key]
	if campaign:
		names += [entry_name(key, CAMPAIGN, campaign) for key in keys if key]
	if not names:
		return None
	# a primary-key lookup, run often (every outgoing call): plain SQL, no query building
	rows = frappe.db.sql(f"SELECT name FROM `tab{DOCTYPE}` WHERE name IN %(names)s LIMIT 1", {"names": names})
	return rows[0][0] if rows else None


def lead_in_do_not_contact(key: str | None) -> bool:
	"""A Lead with this number is in Do Not Contact (for a number asked about without its lead)."""
	if not key:
		return False
	lead = frappe.qb.DocType("Lead")
	for key_field in PHONE_KEY_FIELDS:
		rows = (
			frappe.qb.from_(lead)
			.select(lead.name)
			.where((lead[key_field] == key) & (lead.status == DO_NOT_CONTACT))
			.limit(1)
			.run()
		)
		if rows:
			return True
	return False


def add_number(
	phone: str,
	source: str,
	reason: str | None = None,
	call: str | None = None,
	key: str | None = None,
) -> str | None:
	"""List a number for everyone, unless it is already (the app's own writes: a call whose status adds
	to the list). Returns the entry's name, or None for a number with no key."""
	key = key or site_phone_key(phone)
	if not key:
		return None
	name = entry_name(key)
	if frappe.db.exists(DOCTYPE, name):
		return name
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"phone": phone or key,
			"scope": GLOBAL,
			"source": source,
			"reason": reason,
			"call": call,
		}
	)
	doc.flags.ignore_permissions = True
	doc.flags.number_checked = True  # the key came from a call: no stricter check than the call's own
	frappe.db.savepoint("do_not_call_add")
	try:
		doc.insert()
	except frappe.DuplicateEntryError:  # listed by someone else at the same moment
		frappe.db.rollback(save_point="do_not_call_add")
	return name


def listed_leads(names) -> set[str]:
	"""Which of these Leads may not be called at all: in Do Not Contact, or one of their numbers on the
	list for everyone or for the Lead's campaign. For the re-assignment: a listed lead is never recycled.
	Two queries, whatever the number of leads."""
	names = list({name for name in names if name})
	if not names:
		return set()
	lead = frappe.qb.DocType("Lead")
	rows = (
		frappe.qb.from_(lead)
		.select(lead.name, lead.status, *(lead[field] for field in PHONE_KEY_FIELDS))
		.where(lead.name.isin(names))
		.run(as_dict=True)
	)
	listed = {row.name for row in rows if row.status == DO_NOT_CONTACT}
	by_key: dict[str, set[str]] = {}
	for row in rows:
		for field in PHONE_KEY_FIELDS:
			if row[field]:
				by_key.setdefault(row[field], set()).add(row.name)
	if by_key:
		dnc = frappe.qb.DocType(DOCTYPE)
		entries = (
			frappe.qb.from_(dnc)
			.select(dnc.phone_key, dnc.scope, dnc.campaign)
			.where(dnc.phone_key.isin(list(by_key)))
			.run(as_dict=True)
		)
		campaigns = lead_campaigns(names) if any(entry.scope == CAMPAIGN for entry in entries) else {}
		for entry in entries:
			for name in by_key.get(entry.phone_key, ()):
				if entry.scope == GLOBAL or campaigns.get(name) == entry.campaign:
					listed.add(name)
	return listed


def lead_campaigns(names) -> dict[str, str | None]:
	if "campaign_name" not in lead_campaign_fields():
		return {}
	return dict(
		frappe.get_all(
			"Lead", filters={"name": ("in", names)}, fields=["name", "campaign_name"], as_list=True
		)
	)


def stamp(doc) -> None:
	"""Who listed the number, when and how: set by the app on insert, never taken from a client (only the
	app's own writes name a call; an import is an Import)."""
	doc.added_by = frappe.session.user
	doc.added_on = now_datetime()
	if not doc.flags.number_checked:
		doc.call = None
		if doc.source == "Call Status":
			doc.source = "Manual"
	if frappe.flags.in_import and doc.source in (None, "", "Manual"):
		doc.source = "Import"
