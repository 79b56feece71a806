"""Retry Call Events (DESIGN.md §10) with back-off: the scheduler dispatches one deduplicated job when
an event is due; `run()` takes the due Pending events in batches along the (status, next_attempt_at)
index, applies each as its sender under its row lock (a savepoint per event: one failure never stops the
batch) and commits per batch. A batch's events are taken sender by sender (each sender's in the order they
came), so the job switches user once per sender, not per event: a switch clears the request's caches,
and reloading them cost more than applying the event. `retry` is also the managers' `retry_call_event`."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from call_status_crm.api import calls as api_calls
from call_status_crm.call_events import EVENT, describe, due_events, run_as
from call_status_crm.calls import upsert_call
from call_status_crm.core import call_events as rules
from call_status_crm.core.access import scoped_external_id
from call_status_crm.integrations.erpnext.call_log import get_call_values
from call_status_crm.jobs import dispatch
from call_status_crm.permissions import is_trusted

JOB_ID = "call_status_crm:call_events"
BATCH_SIZE = 500


class CallEventNotRetryableError(frappe.ValidationError):
	pass


def enqueue():
	"""Scheduler entry: dispatch a run only when an event is due (one indexed query)."""
	if due_events(now_datetime(), 1):
		dispatch("call_status_crm.jobs.call_events.run", JOB_ID, timeout=3600)


def run(now=None, batch_size: int = BATCH_SIZE) -> dict:
	"""Retry every event due at `now`; an event that fails again is due later, so it is not taken twice."""
	now = get_datetime(now) if now else now_datetime()
	summary = {"applied": 0, "pending": 0, "failed": 0}
	while True:
		events = due_events(now, batch_size)
		if not events:
			break
		for sender, names in by_sender(events).items():
			with run_as(sender):
				for name in names:
					try:
						result = retry(name)
					except CallEventNotRetryableError:  # applied meanwhile (a manager's retry)
						frappe.clear_messages()
						continue
					summary[result["status"].lower()] += 1
		frappe.db.commit()
	return summary


def by_sender(events: list) -> dict[str, list[str]]:
	"""The events' names per sender (as `retry` runs them), each sender's in the order given."""
	senders: dict[str, list[str]] = {}
	for event in events:
		senders.setdefault(sender_of(event), []).append(event.name)
	return senders


def sender_of(event) -> str:
	return event.sent_by or "Administrator"


def retry(name: str, manual: bool = False) -> dict:
	"""Apply one event again (its row locked: the job and a manager never apply it twice at once). A
	manager may retry a Failed event; an Applied one is refused."""
	event = frappe.get_doc(EVENT, name, for_update=True)
	if not rules.is_retryable(event.status) or (not manual and event.status != rules.PENDING):
		frappe.throw(
			_("Call Event {0} is {1}: only a Pending or Failed event is retried.").format(
				frappe.bold(name), _(event.status)
			),
			exc=CallEventNotRetryableError,
			title=_("Not Retryable"),
		)
	now = now_datetime()
	event.attempts = (event.attempts or 0) + 1
	frappe.db.savepoint("call_event_retry")
	try:
		with run_as(sender_of(event)):
			call, note = apply(event)
	except Exception as e:
		try:
			frappe.db.rollback(save_point="call_event_retry")
		except Exception:  # a lost deadlock has rolled the whole transaction back already
			frappe.db.rollback()
			event = frappe.get_doc(EVENT, name, for_update=True)
			event.attempts = (event.attempts or 0) + 1
		frappe.clear_messages()
		event.status, event.next_attempt_at = rules.after_failure(event.attempts, now)
		event.error = describe(e)
	else:
		event.status, event.next_attempt_at, event.call, event.error = rules.APPLIED, None, call, note
	event.db_update()
	return {"name": event.name, "status": event.status, "call": event.call, "error": event.error}


def apply(event) -> tuple[str | None, str | None]:
	"""Apply an event as its sender; returns the call and a note (why nothing was applied, if so)."""
	payload = json.loads(event.payload or "{}")
	if event.event_source == rules.TELEPHONY_BRIDGE:
		return apply_bridge_event(payload), None
	if event.method not in rules.REPLAYABLE_METHODS:
		frappe.throw(
			_("Call Event method {0} cannot be replayed.").format(frappe.bold(event.method)),
			exc=CallEventNotRetryableError,
		)
	stored_id = scoped_external_id(payload.get("external_id"), frappe.session.user, is_trusted())
	existing = stored_id and frappe.db.get_value(
		"Lead Call Log", {"external_id": stored_id}, ["name", "modified"], as_dict=True
	)
	if existing and get_datetime(existing.modified) > get_datetime(event.received_at):
		# the call changed after this event came: a later event said more, and is not undone
		return existing.name, _("Not applied: call {0} changed after this event was received.").format(
			existing.name
		)
	return getattr(api_calls, event.method)(**payload)["name"], None


def apply_bridge_event(payload: dict) -> str:
	"""The Call Log as it is now (a later save may have changed it), else what the bridge read then."""
	name = payload.get("call_log")
	if name and frappe.db.exists("Call Log", name):
		values = get_call_values(frappe.get_doc("Call Log", name))
	elif payload.get("values"):
		values = payload["values"]
	else:
		frappe.throw(_("Call Log {0} no longer exists.").format(frappe.bold(name or "")))
	return upsert_call(values, ignore_permissions=True).name
