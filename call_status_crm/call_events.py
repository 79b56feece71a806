"""Call Events (DESIGN.md §10): no telephony event is lost. What the telephony bridge or a Call
Integration user sent and the app could not apply (a lock it lost, a missing status, an unexpected error)
is kept as a Call Event — written in a transaction of its own once the failed one has ended, so the
failure's rollback does not take it away — and retried with back-off (`jobs.call_events`, which also replays
them) or by a manager (`retry_call_event`). A retry runs as the user who sent the event; applying an event twice changes
nothing (calls are upserted by external id), and an API event older than the call's last change is not
applied over it (a later event has already said more)."""

import functools
import inspect
import json
from contextlib import contextmanager

import frappe
from frappe.utils import now_datetime

from call_status_crm.core import access
from call_status_crm.core import call_events as rules
from call_status_crm.transactions import insert_after_transaction

EVENT = "Call Event"
MAX_ERROR_LENGTH = 10_000


def is_replaying() -> bool:
	return bool(frappe.local.flags.get("call_status_crm_replaying_event"))


def keeps_events(user: str | None = None) -> bool:
	"""A Call Integration user's calls are kept when they fail (not an agent's: the agent sees the error)."""
	user = user or frappe.session.user
	return access.INTEGRATION_ROLE in frappe.get_roles(user)


@contextmanager
def kept_if_failed(method: str, arguments: dict):
	"""Around an API method's work: when it raises for a Call Integration user, keep what was sent."""
	try:
		yield
	except Exception as e:
		if method in rules.REPLAYABLE_METHODS and not is_replaying() and keeps_events():
			payload = {key: value for key, value in arguments.items() if value is not None}
			keep_after_transaction(
				{
					"event_source": rules.API,
					"method": method,
					"external_id": payload.get("external_id"),
					"payload": payload,
					"sent_by": frappe.session.user,
					"error": describe(e),
				}
			)
		raise


def keeps_failed_events(method: str):
	"""Decorate an API method (under `frappe.whitelist`): its failures for a Call Integration user are kept
	as Call Events, with the arguments it was called with."""

	def decorate(fn):
		signature = inspect.signature(fn)

		@functools.wraps(fn)
		def wrapper(*args, **kwargs):
			with kept_if_failed(method, dict(signature.bind_partial(*args, **kwargs).arguments)):
				return fn(*args, **kwargs)

		return wrapper

	return decorate


def keep_bridge_failure(call_log: str, values: dict | None, error: Exception) -> None:
	"""The telephony bridge could not log a Call Log: keep it (the Call Log itself still saves)."""
	keep_after_transaction(
		{
			"event_source": rules.TELEPHONY_BRIDGE,
			"method": "on_call_log_update",
			"external_id": access.telephony_external_id(call_log),
			"payload": {"call_log": call_log, "values": values},
			"sent_by": frappe.session.user,
			"error": describe(error),
		}
	)


def keep_after_transaction(values: dict) -> None:
	"""Write the event once the current transaction ends, committed or rolled back, in one of its own."""
	values = {
		"doctype": EVENT,
		**values,
		"payload": json.dumps(values["payload"], default=str, sort_keys=True),
		"received_at": now_datetime(),
		"status": rules.PENDING,
		"attempts": 0,
		"next_attempt_at": now_datetime(),
	}
	insert_after_transaction(values)


def describe(error: Exception) -> str:
	"""The error as a manager reads it: the message, then the traceback."""
	message = frappe.utils.strip_html_tags(str(error)) or type(error).__name__
	return f"{type(error).__name__}: {message}\n\n{frappe.get_traceback(with_context=False)}"[
		:MAX_ERROR_LENGTH
	]


@contextmanager
def run_as(user: str):
	"""Run as `user` (the event's sender), then give the request or job back its own session. Already
	replaying as `user` (the job runs a sender's events together): nothing to switch, and the request's
	caches (DocType metas among them) are kept, since a switch clears them."""
	local = frappe.local
	if is_replaying() and frappe.session.user == user:
		yield
		return
	session, form_dict = frappe._dict(local.session), local.form_dict
	frappe.set_user(user)
	local.flags.call_status_crm_replaying_event = True
	try:
		yield
	finally:
		local.flags.call_status_crm_replaying_event = False
		local.session.clear()
		local.session.update(session)
		local.form_dict = form_dict
		local.cache = {}
		local.role_permissions = {}
		local.user_perms = None


def due_events(now, limit: int) -> list[frappe._dict]:
	"""The next `limit` due Pending events (name, sent_by), the longest waiting first."""
	event = frappe.qb.DocType(EVENT)
	return (
		frappe.qb.from_(event)
		.select(event.name, event.sent_by)
		.where((event.status == rules.PENDING) & (event.next_attempt_at <= now))
		.orderby(event.next_attempt_at)
		.limit(limit)
		.run(as_dict=True)
	)
