"""Logging calls: the desk, diallers and AI agents (DESIGN.md §7)."""

import frappe
from frappe import _

from call_status_crm.call_events import keeps_failed_events
from call_status_crm.call_input import (
	INSERT_DEFAULTS,
	UnknownCallError,
	call_response,
	call_values,
	get_call_by_external_id,
	get_permitted_call,
	parse_datetime,
	upsert,
)
from call_status_crm.callbacks import validate_callback_type_value
from call_status_crm.calls import with_retry
from call_status_crm.core.calls import LIVE_STATUS
from call_status_crm.leads import get_callable_lead_statuses
from call_status_crm.recycling import get_rules
from call_status_crm.settings import get_connected_lead_status


@frappe.whitelist(methods=["POST"])
@keeps_failed_events("log_call")
def log_call(
	call_status: str,
	lead: str | None = None,
	direction: str | None = None,
	call_time: str | None = None,
	duration: int | None = None,
	phone: str | None = None,
	note: str | None = None,
	lead_status: str | None = None,
	follow_up_at: str | None = None,
	external_id: str | None = None,
	recording_url: str | None = None,
	campaign: str | None = None,
	agent: str | None = None,
	source: str | None = None,
	callback_type: str | None = None,
) -> dict:
	"""Log one call. Idempotent by `external_id`: sending the same id again updates that call, changing
	only what the request says. The source defaults to what the user's role makes it (DESIGN.md §1a)."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	values = call_values(
		call_status=call_status,
		lead=lead,
		direction=direction,
		call_time=call_time,
		duration=duration,
		phone=phone,
		note=note,
		lead_status=lead_status,
		follow_up_at=follow_up_at,
		external_id=external_id,
		recording_url=recording_url,
		campaign=campaign,
		agent=agent,
		source=source,
		callback_type=callback_type,
	)
	return call_response(with_retry(upsert, values, INSERT_DEFAULTS))


@frappe.whitelist(methods=["POST"])
@keeps_failed_events("start_call")
def start_call(
	external_id: str,
	lead: str | None = None,
	direction: str | None = None,
	phone: str | None = None,
	call_time: str | None = None,
	agent: str | None = None,
	campaign: str | None = None,
	source: str | None = None,
) -> dict:
	"""A dialler's call started: the call is logged In-progress. A start that arrives after the call's
	end (events out of order) changes nothing. An agent's own dialler may set In-progress on their call."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	values = call_values(
		call_status=LIVE_STATUS,
		lead=lead,
		direction=direction,
		phone=phone,
		call_time=call_time,
		agent=agent,
		campaign=campaign,
		external_id=external_id,
		source=source,
	)

	def start():
		existing = get_call_by_external_id(values["external_id"])
		if existing:
			existing.check_permission("read")
			return existing
		return upsert(values, {"direction": "Outgoing", "lead": ""}, live_start=True)

	return call_response(with_retry(start))


@frappe.whitelist(methods=["POST"])
@keeps_failed_events("end_call")
def end_call(
	external_id: str,
	call_status: str,
	duration: int | None = None,
	note: str | None = None,
	lead_status: str | None = None,
	follow_up_at: str | None = None,
	recording_url: str | None = None,
	lead: str | None = None,
	direction: str | None = None,
	phone: str | None = None,
	call_time: str | None = None,
	agent: str | None = None,
	source: str | None = None,
) -> dict:
	"""A dialler's call ended: the call gets its final status and duration. When the end arrives before
	the start, the call is created from the end (it then needs the lead, or the caller's phone)."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	values = call_values(
		call_status=call_status,
		duration=duration,
		note=note,
		lead_status=lead_status,
		follow_up_at=follow_up_at,
		recording_url=recording_url,
		external_id=external_id,
		source=source,
		lead=lead,
		direction=direction,
		phone=phone,
		call_time=call_time,
		agent=agent,
	)

	def end():
		if get_call_by_external_id(values["external_id"]):
			# the start made the call: its lead, direction, phone, time and agent stay as they are
			for key in ("lead", "direction", "phone", "call_time", "agent"):
				values.pop(key, None)
		elif not (lead or phone):
			frappe.throw(
				_("No call with external ID {0}: start it first, or send the lead with the end.").format(
					frappe.bold(external_id)
				),
				exc=UnknownCallError,
				title=_("Unknown Call"),
			)
		return upsert(values, INSERT_DEFAULTS)

	return call_response(with_retry(end))


@frappe.whitelist(methods=["POST"])
def schedule_follow_up(
	call: str, follow_up_at: str, note: str | None = None, callback_type: str | None = None
) -> dict:
	"""Give a call a follow-up (a ToDo for its agent on the lead), or move the one it has. Permission comes
	first: a call the user may not change gets the same answer whether it exists or not."""
	frappe.has_permission("Lead Call Log", "write", throw=True)
	follow_up_at = parse_datetime(follow_up_at, _("Follow-up At"))
	validate_callback_type_value(callback_type)

	def schedule():
		doc = get_permitted_call(call, "write")
		doc.follow_up_at = follow_up_at
		if note:
			doc.note = note
		if callback_type:
			doc.callback_type = callback_type
		doc.save()
		return doc

	return call_response(with_retry(schedule))


@frappe.whitelist()
def get_lead_status_choices() -> dict:
	"""For the desk's Log Call dialog: the Lead statuses a call may set (the Lead's options less the
	protected ones), the recycled ("not reached") statuses and where a reached lead goes from them."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	return {
		"choices": get_callable_lead_statuses(),
		"recycled": list(get_rules()),
		"connected_lead_status": get_connected_lead_status(),
	}
