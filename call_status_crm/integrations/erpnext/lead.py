"""What calls do to ERPNext's Lead (DESIGN.md §4): the Lead's status and call fields follow its calls.

`hooks.py` wires Lead Call Log's `on_update` and `on_trash` here. The Lead is saved through its own
controller (ERPNext's status updater, Assignment Rules and other apps' hooks run), as the system.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime

from call_status_crm.call_status_crm.doctype.call_status_crm_settings.call_status_crm_settings import (
	get_protected_lead_statuses,
)
from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import update_callback_times
from call_status_crm.core.calls import phone_key
from call_status_crm.core.lead_options import split_options
from call_status_crm.core.lead_status import CallChange, CallFact, next_lead_status, summarize_calls
from call_status_crm.follow_up import cancel_follow_up, ensure_follow_up


def get_lead_status_options() -> list[str]:
	"""The Lead `status` options as the site has them (its Property Setters included)."""
	return split_options(frappe.get_meta("Lead").get_field("status").options)


def validate_lead_status_option(status: str | None, label: str, exc: type[Exception]) -> None:
	"""Refuse a lead status the Lead's `status` field does not offer."""
	options = get_lead_status_options()
	if status not in options:
		frappe.throw(
			_("{0} {1} is not one of the Lead's statuses: {2}.").format(
				label, frappe.bold(status or ""), ", ".join(options)
			),
			exc=exc,
			title=_("Invalid Lead Status"),
		)


PHONE_KEY_FIELDS = {"phone_key": "phone", "mobile_key": "mobile_no"}


def set_phone_keys(doc, method=None):
	"""Keep the Lead's indexed phone keys in step with its numbers (`doc_events` Lead validate)."""
	doc.update(phone_keys(doc))


def phone_keys(lead) -> dict:
	return {key: phone_key(lead.get(field)) or None for key, field in PHONE_KEY_FIELDS.items()}


def find_lead_by_phone(phone: str | None) -> str | None:
	"""The Lead whose mobile or phone number is this number (last modified first): indexed lookups."""
	key = phone_key(phone)
	if not key:
		return None
	lead = frappe.qb.DocType("Lead")
	for key_field in PHONE_KEY_FIELDS:
		rows = (
			frappe.qb.from_(lead)
			.select(lead.name)
			.where(lead[key_field] == key)
			.orderby(lead.modified, order=frappe.qb.desc)
			.limit(1)
			.run()
		)
		if rows:
			return rows[0][0]
	return None


def set_all_phone_keys() -> None:
	"""`set_phone_keys` for every Lead (the patch that fills the keys on existing sites)."""
	leads = frappe.get_all(
		"Lead",
		or_filters=[[field, "is", "set"] for field in PHONE_KEY_FIELDS.values()],
		fields=["name", *PHONE_KEY_FIELDS.values()],
	)
	for lead in leads:
		frappe.db.set_value("Lead", lead.name, phone_keys(lead), update_modified=False)


def lock_leads(leads) -> dict[str, frappe._dict]:
	"""Row-lock the Leads in a fixed order (no deadlock between two calls that touch the same two);
	returns each Lead's status and campaign fields, read with the lock (one query a Lead)."""
	table = frappe.qb.DocType("Lead")
	fields = [table.name, table.status, *(table[field] for field in lead_campaign_fields())]
	locked = {}
	for lead in sorted({lead for lead in leads if lead}):
		rows = frappe.qb.from_(table).select(*fields).where(table.name == lead).for_update().run(as_dict=True)
		if rows:
			locked[lead] = rows[0]
	return locked


def on_call_update(doc, method=None):
	if doc.flags.skip_lead_update:
		return
	before = doc.get_doc_before_save()
	ensure_follow_up(doc)
	if doc.lead:
		stayed = before and before.lead == doc.lead
		sync_lead(doc.lead, before if stayed else None, doc, doc.previous_lead_status)
		update_callback_times(doc.lead)
	if before and before.lead and before.lead != doc.lead:
		# moved to another lead: for the old one it is as if the call was deleted
		sync_lead(before.lead, before, None, before.previous_lead_status)
		update_callback_times(before.lead)


def on_call_trash(doc, method=None):
	cancel_follow_up(doc)
	if doc.lead and not doc.flags.skip_lead_update:
		lock_leads([doc.lead])
		sync_lead(doc.lead, doc, None, doc.previous_lead_status)
		update_callback_times(doc.lead, exclude=doc.name)


def to_fact(call) -> CallFact:
	return CallFact(
		name=call.name,
		call_time=get_datetime(call.call_time),
		call_status=call.call_status,
		lead_status=call.lead_status or None,
		duration=call.duration or 0,
		creation=get_datetime(call.creation) if call.creation else None,
		agent=call.agent,
	)


def get_call_facts(lead: str) -> list[CallFact]:
	"""The Lead's calls, read with a lock so that calls committed by others since this transaction
	began are seen (the Lead's row lock is already held)."""
	call = frappe.qb.DocType("Lead Call Log")
	query = (
		frappe.qb.from_(call)
		.select(
			call.name,
			call.call_time,
			call.call_status,
			call.lead_status,
			call.duration,
			call.creation,
			call.agent,
		)
		.where(call.lead == lead)
		.for_update()
	)
	return [
		CallFact(
			name=row.name,
			call_time=row.call_time,
			call_status=row.call_status,
			lead_status=row.lead_status or None,
			duration=row.duration or 0,
			creation=row.creation,
			agent=row.agent,
		)
		for row in query.run(as_dict=True)
	]


def sync_lead(lead_name: str, before, after, previous_lead_status: str | None) -> None:
	"""Apply one call's change (`before` → `after`; None for a new or a removed call) to a Lead: the
	call fields always, the status by the rules of §4."""
	changed = (after or before).name
	others = tuple(call for call in get_call_facts(lead_name) if call.name != changed)
	after_fact = to_fact(after) if after else None
	change = CallChange(others, to_fact(before) if before else None, after_fact, previous_lead_status)

	lead = frappe.get_doc("Lead", lead_name, for_update=True)
	summary = summarize_calls([*others, *([after_fact] if after_fact else [])])
	values = {
		"last_call_time": summary.last_call_time,
		"last_call_status": summary.last_call_status,
		"last_call_agent": summary.last_call_agent,
		"call_attempts": summary.call_attempts,
		"connected_calls": summary.connected_calls,
	}
	status = next_lead_status(change, lead.status, get_protected_lead_statuses())
	if status:
		values["status"] = status
	if not any(differs(lead.get(field), value) for field, value in values.items()):
		return
	lead.update(values)
	lead.flags.ignore_permissions = True
	# only the call fields and the status change: the Lead's other links are not the call's to check (a
	# Lead pointing at a since-deleted record must not refuse a call)
	lead.flags.ignore_links = True
	lead.flags.from_call_log = True
	lead.save()


def differs(current, new) -> bool:
	if isinstance(new, int) and not isinstance(new, bool):
		return int(current or 0) != new
	if new is None or current is None:
		return bool(current) != bool(new)
	if hasattr(new, "year"):
		return get_datetime(current) != get_datetime(new)
	return current != new


def lead_campaign_fields() -> list[str]:
	"""The Lead fields a call's campaign comes from, as far as the site has them."""
	meta = frappe.get_meta("Lead")
	return [field for field in ("campaign_name", "utm_campaign") if meta.has_field(field)]


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


def get_timeline_content(doctype: str, docname: str) -> list[dict]:
	"""The Lead's calls on its timeline (`additional_timeline_content` hook)."""
	if doctype != "Lead" or not frappe.has_permission("Lead Call Log", "read"):
		return []
	calls = frappe.get_list(
		"Lead Call Log",
		filters={"lead": docname},
		fields=["name", "call_time", "call_status", "direction", "duration", "agent", "note", "follow_up_at"],
		order_by="call_time desc",
		limit=100,
	)
	titles = dict(frappe.get_all("Call Status", fields=["name", "status_title"], as_list=True))
	content = []
	for call in calls:
		summary = _("{0} call: {1}, {2} s, by {3}").format(
			_(call.direction),
			frappe.bold(_(titles.get(call.call_status, call.call_status))),
			call.duration or 0,
			frappe.utils.get_fullname(call.agent),
		)
		note = f"<div class='text-muted'>{frappe.utils.escape_html(call.note)}</div>" if call.note else ""
		link = f"<a href='/app/lead-call-log/{call.name}'>{call.name}</a>"
		content.append(
			{
				"icon": "call",
				"creation": call.call_time,
				"content": f"{link} · {summary}{note}",
			}
		)
	return content


def get_dashboard_data(data):
	"""A "Calls" connection on the Lead form."""
	data = frappe._dict(data)
	data.setdefault("transactions", [])
	data.transactions.append({"label": _("Calls"), "items": ["Lead Call Log"]})
	data.fieldname = data.get("fieldname") or "lead"
	return data
