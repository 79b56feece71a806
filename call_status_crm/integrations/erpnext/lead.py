"""What calls do to ERPNext's Lead (DESIGN.md §4): the Lead's status and call fields follow its calls.

The Lead Call Log controller calls `sync_lead` after a call is saved or deleted, with the Lead's row lock
already held. A call that changes the Lead's status saves the Lead through its own controller (ERPNext's
status updater, Assignment Rules, Version history and other apps' hooks run); a call that does not
writes only the call fields, with `modified`, and no Version. `doc_events` on Lead land here too.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime

from call_status_crm.core.lead_status import CallChange, CallFact, next_lead_status, summarize_calls
from call_status_crm.leads import CALL_FIELDS, phone_keys
from call_status_crm.recordings import player_src
from call_status_crm.recycling import update_due
from call_status_crm.schema import LEAD_INDEX
from call_status_crm.settings import get_protected_lead_statuses

# What only the app writes on a Lead: the call fields its calls keep, and when it is due for re-assignment
APP_LEAD_FIELDS = (*CALL_FIELDS, "recycle_due_at", "queue_reserved_by", "queue_reserved_until")


def keep_call_fields(doc, method=None):
	"""The Lead's call fields (attempts, last call, connected calls) and its re-assignment due time are the
	app's alone: a write from anywhere else (REST, `set_value`, Data Import, the form) keeps the stored
	values, so nobody can make a lead look called, uncalled or due (`doc_events` Lead validate)."""
	if doc.flags.from_calls:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	for fieldname in APP_LEAD_FIELDS:
		df = doc.meta.get_field(fieldname)
		if not df:  # install-app, before the app's Lead fields exist
			continue
		if before is not None:
			doc.set(fieldname, before.get(fieldname))
		else:
			doc.set(fieldname, 0 if df.fieldtype == "Int" else None)


def set_phone_keys(doc, method=None):
	"""Keep the Lead's indexed phone keys in step with its numbers (`doc_events` Lead validate)."""
	doc.update(phone_keys(doc))


def update_recycle_due_at(doc, method=None):
	"""Keep the Lead's re-assignment due time in step with its status (`doc_events` Lead on_update)."""
	update_due([doc.name])


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
	began are seen (the Lead's row lock is already held). Through the lead index, always: a locking read
	the optimizer runs as a table scan (it does on a small table) locks every call of every lead, and
	writers of two leads then deadlock on each other."""
	call = frappe.qb.DocType("Lead Call Log")
	query = (
		frappe.qb.from_(call)
		.force_index(LEAD_INDEX)
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
	return [to_fact(row) for row in query.run(as_dict=True)]


def sync_lead(
	lead_name: str, before, after, previous_lead_status: str | None, current: dict | None = None
) -> str | None:
	"""Apply one call's change (`before` → `after`; None for a new or a removed call) to a Lead: the
	call fields always, the status by the rules of §4. `current`: the Lead's status and call fields as
	read under the row lock this transaction holds (`leads.lock_leads`), when the caller has them.
	Returns the Lead's status after the change."""
	changed = (after or before).name
	others = tuple(call for call in get_call_facts(lead_name) if call.name != changed)
	after_fact = to_fact(after) if after else None
	change = CallChange(others, to_fact(before) if before else None, after_fact, previous_lead_status)

	if current is None:
		current = frappe.db.get_value(
			"Lead", lead_name, ["status", *CALL_FIELDS], as_dict=True, for_update=True
		)
	if not current:
		return None
	summary = summarize_calls([*others, *([after_fact] if after_fact else [])])
	values = {field: getattr(summary, field) for field in CALL_FIELDS}
	status = next_lead_status(change, current.status, get_protected_lead_statuses())
	if status:
		lead = frappe.get_doc("Lead", lead_name, for_update=True)  # the current row, not this snapshot's
		lead.update({**values, "status": status})
		lead.flags.ignore_permissions = True
		# only the call fields and the status change: the Lead's other links are not the call's to check
		# (a Lead pointing at a since-deleted record must not refuse a call)
		lead.flags.ignore_links = True
		lead.flags.from_calls = True  # the call fields are the app's own write (`keep_call_fields`)
		lead.save()
		return lead.status
	if any(differs(current.get(field), value) for field, value in values.items()):
		# no status change: the counters alone, `modified` moved so a form opened before cannot save stale ones
		frappe.db.set_value("Lead", lead_name, values)
		update_due([lead_name])
	return current.status


def differs(current, new) -> bool:
	if isinstance(new, int) and not isinstance(new, bool):
		return int(current or 0) != new
	if new is None or current is None:
		return bool(current) != bool(new)
	if hasattr(new, "year"):
		return get_datetime(current) != get_datetime(new)
	return current != new


def get_timeline_content(doctype: str, docname: str) -> list[dict]:
	"""The Lead's calls on its timeline (`additional_timeline_content` hook)."""
	if doctype != "Lead" or not frappe.has_permission("Lead Call Log", "read"):
		return []
	calls = frappe.get_list(
		"Lead Call Log",
		filters={"lead": docname},
		fields=[
			"name",
			"call_time",
			"call_status",
			"lead_status",
			"direction",
			"duration",
			"agent",
			"note",
			"follow_up_at",
			"recording_url",
		],
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
		if call.lead_status:  # what the call made the Lead
			summary += " → " + frappe.bold(_(call.lead_status))
		note = f"<div class='text-muted'>{frappe.utils.escape_html(call.note)}</div>" if call.note else ""
		note += recording_player(call.name, call.recording_url)
		link = f"<a href='/app/lead-call-log/{call.name}'>{call.name}</a>"
		content.append(
			{
				"icon": "call",
				"creation": call.call_time,
				"content": f"{link} · {summary}{note}",
			}
		)
	return content


def recording_player(call: str, url: str | None) -> str:
	"""The call's recording on the timeline line, for whoever may read the call (DESIGN.md §10)."""
	src = player_src(call, url)
	if not src:
		return ""
	return f"<div><audio controls preload='none' src='{frappe.utils.escape_html(src)}'></audio></div>"


def get_dashboard_data(data):
	"""A "Calls" connection on the Lead form."""
	data = frappe._dict(data)
	data.setdefault("transactions", [])
	data.transactions.append({"label": _("Calls"), "items": ["Lead Call Log"]})
	data.fieldname = data.get("fieldname") or "lead"
	return data
