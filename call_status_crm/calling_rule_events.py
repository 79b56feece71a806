"""Calling Rule Events (DESIGN.md §8): every call or follow-up the calling rules refused, warned about or
flagged, with its door, reasons, agent and campaign, countable by managers. A refusal's event is written
after the request's rollback; a warning's or a flag's with its call. A service of `calling_rules`."""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, now_datetime

from call_status_crm.core.calling_rules import Verdict
from call_status_crm.transactions import insert_after_transaction

EVENT = "Calling Rule Event"
DESK_METHODS = ("frappe.desk.form.save.savedocs", "frappe.client.insert", "frappe.client.save")


def record_with(doc, event: dict, outcome: str, subject: str) -> None:
	"""Flag the call and keep the event to write once the call is (`after_call`)."""
	if subject == "Call":
		doc.broke_calling_rule = 1
	doc.flags.calling_rule_events = [*(doc.flags.calling_rule_events or []), {**event, "outcome": outcome}]


def event_values(doc, verdict: Verdict, subject: str, at, next_allowed_at: datetime | None) -> dict:
	"""What a Calling Rule Event records: door, reasons, agent, campaign, lead, when (site time)."""
	return {
		"doctype": EVENT,
		"occurred_at": now_datetime(),
		"subject": subject,
		"door": current_door(doc),
		"reasons": ", ".join(verdict.reasons),
		"agent": doc.agent or frappe.session.user,
		"campaign": doc.campaign,
		"lead": doc.lead,
		"phone": doc.phone,
		"checked_at": get_datetime(at),
		"timezone": verdict.timezone,
		"next_allowed_at": next_allowed_at,
	}


def current_door(doc) -> str:
	"""Where the call came in: the API method, REST, the desk form, the telephony bridge, or Server."""
	if doc.source == "Telephony" and doc.by_system:
		return "Telephony"
	request = getattr(frappe.local, "request", None)
	if not request:
		return "Job" if doc.flags.from_job else "Server"
	cmd = frappe.form_dict.get("cmd")
	if cmd:
		return "Desk" if cmd in DESK_METHODS else cmd.rsplit(".", 1)[-1]
	return "REST" if request.path.startswith("/api/resource") else request.path[:140]


def record_after_rollback(values: dict) -> None:
	"""A refusal rolls the request back: write its event after the rollback (or after a commit, when a
	caller caught the refusal), in a transaction of its own."""
	insert_after_transaction(values)


def write_call_events(doc) -> None:
	"""The warnings and flags kept on a call by `record_with`, written once the call is (its on_update)."""
	for event in doc.flags.pop("calling_rule_events", None) or []:
		frappe.get_doc({**event, "call": doc.name}).insert(ignore_permissions=True, ignore_links=True)
