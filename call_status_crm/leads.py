"""What the app reads of ERPNext's Lead: its status options, row locks, phone keys and campaign. A
service: controllers, integrations and jobs call it; it imports no controller."""

import frappe
from frappe import _

from call_status_crm.core.lead_options import split_options
from call_status_crm.core.phones import phone_key
from call_status_crm.settings import get_protected_lead_statuses

PHONE_KEY_FIELDS = {"phone_key": "phone", "mobile_key": "mobile_no"}
# the Lead fields its calls keep (DESIGN.md §3: custom fields on Lead)
CALL_FIELDS = ("last_call_time", "last_call_status", "last_call_agent", "call_attempts", "connected_calls")


class InvalidLeadStatusOptionError(frappe.ValidationError):
	pass


class ProtectedLeadStatusError(frappe.ValidationError):
	pass


def get_lead_status_options() -> list[str]:
	"""The Lead `status` options as the site has them (its Property Setters included)."""
	return split_options(frappe.get_meta("Lead").get_field("status").options)


def validate_lead_status_option(
	status: str | None, label: str, exc: type[Exception] = InvalidLeadStatusOptionError
) -> None:
	"""Refuse a lead status the Lead's `status` field does not offer."""
	options = get_lead_status_options()
	if status not in options:
		frappe.throw(
			_("{0}: {1} is not one of the Lead's statuses: {2}.").format(
				label, frappe.bold(status or ""), ", ".join(options)
			),
			exc=exc,
			title=_("Invalid Lead Status"),
		)


def validate_not_protected(status: str | None, label: str) -> None:
	"""A call never sets a protected lead status (Converted, …): DESIGN.md §1a."""
	if status and status in get_protected_lead_statuses():
		frappe.throw(
			_("{0}: {1} is a protected Lead status: calls never set it.").format(label, frappe.bold(status)),
			exc=ProtectedLeadStatusError,
			title=_("Protected Lead Status"),
		)


def get_callable_lead_statuses() -> list[str]:
	"""The Lead statuses an agent may pick for a call: the options less the protected ones."""
	protected = set(get_protected_lead_statuses())
	return [status for status in get_lead_status_options() if status not in protected]


def lead_campaign_fields() -> list[str]:
	"""The Lead fields a call's campaign comes from, as far as the site has them."""
	meta = frappe.get_meta("Lead")
	return [field for field in ("campaign_name", "utm_campaign") if meta.has_field(field)]


def lock_leads(names, fields: tuple[str, ...] = ()) -> dict[str, frappe._dict]:
	"""Row-lock Leads, in name order (two writers that lock the same Leads never wait on each other in a
	circle), with one query; returns each Lead's `status`, call fields and `fields` as read under the
	lock."""
	names = sorted({name for name in names if name})
	if not names:
		return {}
	lead = frappe.qb.DocType("Lead")
	rows = (
		frappe.qb.from_(lead)
		.select(lead.name, lead.status, *(lead[field] for field in (*CALL_FIELDS, *fields)))
		.where(lead.name.isin(names))
		.orderby(lead.name)
		.for_update()
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def get_lead_campaign(lead: str, values: dict | None = None) -> str | None:
	"""The Campaign a Lead came from: `campaign_name` (ERPNext 15.41), or the Campaign behind
	`utm_campaign` where the site has UTM fields. `values`: the Lead's fields, when already read."""
	fields = lead_campaign_fields()
	if values is None:
		values = frappe.db.get_value("Lead", lead, fields, as_dict=True) if fields else {}
	values = values or {}
	if values.get("campaign_name"):
		return values["campaign_name"]
	utm_campaign = values.get("utm_campaign")
	if utm_campaign:
		if frappe.db.exists("Campaign", utm_campaign):
			return utm_campaign
		return frappe.db.get_value("Campaign", {"campaign_name": utm_campaign}, "name")
	return None


def phone_region() -> str | None:
	"""The site's country (System Settings) as the ISO code national numbers are read with."""
	country = frappe.db.get_default("country")
	return (frappe.get_cached_value("Country", country, "code") or None) if country else None


def site_phone_key(phone: str | None) -> str:
	"""The app's one phone key (`core.phones.phone_key`) for this site: E.164, national numbers read with
	the site's country."""
	return phone_key(phone, phone_region())


def phone_keys(lead) -> dict:
	return {key: site_phone_key(lead.get(field)) or None for key, field in PHONE_KEY_FIELDS.items()}


def find_leads_by_phone(key: str | None, limit: int = 5) -> list[str]:
	"""The Leads whose mobile or phone number has this phone key (last modified first): indexed lookups."""
	if not key:
		return []
	lead = frappe.qb.DocType("Lead")
	found: list[str] = []
	for key_field in PHONE_KEY_FIELDS:
		rows = (
			frappe.qb.from_(lead)
			.select(lead.name)
			.where(lead[key_field] == key)
			.orderby(lead.modified, order=frappe.qb.desc)
			.limit(limit)
			.run()
		)
		found.extend(row[0] for row in rows if row[0] not in found)
	return found


def set_all_phone_keys() -> None:
	"""The phone keys of every Lead and every call (the patches that fill them on existing sites)."""
	leads = frappe.get_all(
		"Lead",
		or_filters=[[field, "is", "set"] for field in PHONE_KEY_FIELDS.values()],
		fields=["name", *PHONE_KEY_FIELDS.values()],
	)
	for lead in leads:
		frappe.db.set_value("Lead", lead.name, phone_keys(lead), update_modified=False)
	set_all_call_phone_keys()


def set_all_call_phone_keys(batch_size: int = 10_000) -> None:
	"""Every call's phone key, in batches along the primary key (one UPDATE per key and batch)."""
	call = frappe.qb.DocType("Lead Call Log")
	region = phone_region()
	last = ""
	while True:
		rows = (
			frappe.qb.from_(call)
			.select(call.name, call.phone)
			.where(call.name > last)
			.orderby(call.name)
			.limit(batch_size)
			.run()
		)
		if not rows:
			return
		by_key: dict[str | None, list[str]] = {}
		for name, phone in rows:
			by_key.setdefault(phone_key(phone, region) or None, []).append(name)
		for key, names in by_key.items():
			frappe.qb.update(call).set(call.phone_key, key).where(call.name.isin(names)).run()
		last = rows[-1][0]
