"""Callbacks (DESIGN.md §9): a call's follow-up is a callback of type Personal (only the call's agent calls
back) or Anyone (any agent of the pool); its default comes from the call status. An agent may hold at most
`max_open_callbacks_per_agent` open Personal callbacks (0 = no limit). A service: the Lead Call Log and
settings controllers, the call queue and the escalation job call it; the rules are `core.call_queue`.

A callback is open while its follow-up ToDo is open and no later call was made to the lead (the lead's
last call is the one that set it)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from call_status_crm.core.call_queue import (
	CALLBACK_TYPES,
	DEFAULT_RESERVATION_MINUTES,
	PERSONAL,
	callback_type_for,
	is_callback_type,
	is_valid_minutes,
	over_cap,
)
from call_status_crm.settings import SETTINGS

DEFAULT_GRACE_MINUTES = 60
SETTING_FIELDS = ("callback_grace_minutes", "max_open_callbacks_per_agent", "queue_reservation_minutes")


class InvalidCallbackTypeError(frappe.ValidationError):
	pass


class CallbackWithoutFollowUpError(frappe.ValidationError):
	pass


class PersonalCallbackForOtherError(frappe.PermissionError):
	pass


class TooManyCallbacksError(frappe.ValidationError):
	pass


class InvalidCallbackSettingError(frappe.ValidationError):
	pass


def get_setting(fieldname: str, default: int = 0) -> int:
	value = frappe.get_cached_doc(SETTINGS).get(fieldname)
	return default if value in (None, "") else int(value)


def grace_minutes() -> int:
	return get_setting("callback_grace_minutes", DEFAULT_GRACE_MINUTES)


def max_open_callbacks() -> int:
	return get_setting("max_open_callbacks_per_agent", 0)


def reservation_minutes() -> int:
	return get_setting("queue_reservation_minutes", DEFAULT_RESERVATION_MINUTES)


def validate_callback_type_value(value) -> None:
	"""A callback type is Personal or Anyone (as sent to any door), or a clear error."""
	if value in (None, "") or is_callback_type(value):
		return
	frappe.throw(
		_("Callback Type {0} is not valid: use {1}.").format(
			frappe.bold(str(value)[:40]), _(" or ").join(_(kind) for kind in CALLBACK_TYPES)
		),
		exc=InvalidCallbackTypeError,
		title=_("Invalid Callback Type"),
	)


def set_callback(doc) -> None:
	"""A Lead Call Log's `validate` step: the callback type of a call with a follow-up (the status's default
	when none is given), refused when it is not one of the two, sent without a follow-up, a Personal
	callback an agent sets for another agent, or one past the agent's cap."""
	validate_callback_type_value(doc.callback_type)
	if not doc.follow_up_at:
		if doc.callback_type and doc.value_changed("callback_type"):
			frappe.throw(
				_("A callback type needs a follow-up time."),
				exc=CallbackWithoutFollowUpError,
				title=_("Follow-up Required"),
			)
		doc.callback_type = None
		return
	doc.callback_type = callback_type_for(doc.callback_type, doc.status_doc.get("default_callback_type"))
	if doc.callback_type != PERSONAL:
		return
	if not (
		doc.value_changed("callback_type") or doc.value_changed("follow_up_at") or doc.value_changed("agent")
	):
		return
	if doc.agent and doc.agent != frappe.session.user and not doc.by_trusted:
		frappe.throw(
			_("Only a manager may set a Personal callback for another agent ({0}).").format(
				frappe.bold(doc.agent)
			),
			exc=PersonalCallbackForOtherError,
			title=_("Not Permitted"),
		)
	check_cap(doc)


def check_cap(doc) -> None:
	"""An agent holds at most `max_open_callbacks_per_agent` open Personal callbacks (0 = no limit); a
	callback on the same lead is replaced by this call, so it does not count."""
	cap = max_open_callbacks()
	if not cap or not doc.agent:
		return
	before = doc.get_doc_before_save()
	if before and before.follow_up_at and before.callback_type == PERSONAL and before.agent == doc.agent:
		return  # it was already one of the agent's callbacks: moving it adds none
	if over_cap(count_open_callbacks(doc.agent, exclude_lead=doc.lead, exclude=doc.name), cap):
		frappe.throw(
			_("{0} already has {1} open Personal callbacks, the most allowed: call some back first.").format(
				frappe.bold(doc.agent), cap
			),
			exc=TooManyCallbacksError,
			title=_("Too Many Callbacks"),
		)


def open_callbacks_query(callback_type: str):
	"""The open callbacks of a type (their call and lead), along the callback index."""
	call = frappe.qb.DocType("Lead Call Log")
	lead = frappe.qb.DocType("Lead")
	return (
		(
			frappe.qb.from_(call)
			.join(lead)
			.on(lead.name == call.lead)
			.where(
				(call.callback_type == callback_type)
				& (call.follow_up_status == "Open")
				& call.follow_up_at.isnotnull()
				& (lead.last_call_time <= call.call_time)
			)
		),
		call,
		lead,
	)


def count_open_callbacks(agent: str, exclude_lead: str | None = None, exclude: str | None = None) -> int:
	query, call, _lead = open_callbacks_query(PERSONAL)
	query = query.select(Count("*")).where(call.agent == agent)
	if exclude_lead:
		query = query.where(call.lead != exclude_lead)
	if exclude:
		query = query.where(call.name != exclude)
	return query.run()[0][0]


def validate_settings(doc) -> None:
	"""Call Status CRM Settings: the callback and queue minutes and the cap are whole numbers, 0 or more."""
	for fieldname in SETTING_FIELDS:
		value = doc.get(fieldname)
		if value in (None, ""):
			continue
		if isinstance(value, str) and value.strip().lstrip("-").isdigit():
			value = int(value)
		if not is_valid_minutes(value):
			frappe.throw(
				_("{0} must be a whole number, 0 or more (not {1}).").format(
					_(doc.meta.get_label(fieldname)), frappe.bold(str(value)[:20])
				),
				exc=InvalidCallbackSettingError,
				title=_("Invalid Setting"),
			)
		doc.set(fieldname, value)
