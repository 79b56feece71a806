"""Follow-ups (DESIGN.md §5): a ToDo for the agent on the Lead, saved before the Lead flips."""

import json

import frappe
from erpnext.setup.doctype.employee.employee import get_holiday_list_for_employee
from erpnext.setup.doctype.holiday_list.holiday_list import is_holiday
from frappe import _
from frappe.utils import format_datetime, get_time, getdate, now_datetime

from call_status_crm.core.calls import next_working_day_at, note_as_typed
from call_status_crm.permissions import is_trusted


def ensure_follow_up(call) -> None:
	"""Create the call's follow-up ToDo, or move it when the follow-up time changed."""
	if not call.follow_up_at or not call.lead:
		return
	# locking reads: a resend that waited for the Lead's lock sees the ToDo as the last writer left it, not
	# as its own transaction's snapshot (which may not have it yet, or have a `modified` Frappe calls stale)
	if call.follow_up and frappe.db.get_value("ToDo", call.follow_up, "name", for_update=True):
		todo = frappe.get_doc("ToDo", call.follow_up, for_update=True)
		if getdate(todo.date) != getdate(call.follow_up_at) or todo.allocated_to != call.agent:
			todo.update({"date": getdate(call.follow_up_at), "allocated_to": call.agent, "status": "Open"})
			todo.description = follow_up_description(call)
			todo.save(ignore_permissions=True)
		return
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": call.agent,
			"reference_type": "Lead",
			"reference_name": call.lead,
			"date": getdate(call.follow_up_at),
			"priority": "Medium",
			"assigned_by": frappe.session.user,
			"description": follow_up_description(call),
		}
	).insert(ignore_permissions=True)
	call.db_set({"follow_up": todo.name, "follow_up_status": todo.status}, update_modified=False)


def on_todo_update(doc, method=None):
	"""Keep a call's Follow-up Status in step with its ToDo (closed, cancelled, reopened), so overdue
	follow-ups show in the call list and the agent report; and the Lead's Assigned To names each agent
	once (`doc_events` on ToDo)."""
	if doc.reference_type != "Lead":
		return
	dedupe_assigned_to(doc.reference_name)
	if doc.has_value_changed("status"):
		set_follow_up_status([doc.name], doc.status)


def dedupe_assigned_to(lead: str) -> None:
	"""Frappe lists an agent in a Lead's Assigned To once per open ToDo: a follow-up for an agent the lead
	is already assigned to would show them twice. One entry per agent, in Frappe's order."""
	assigned = frappe.db.get_value("Lead", lead, "_assign")
	users = frappe.parse_json(assigned) if assigned else []
	if not isinstance(users, list):
		return
	unique = list(dict.fromkeys(users))
	if unique != users:
		frappe.db.set_value("Lead", lead, "_assign", json.dumps(unique), update_modified=False)


def set_follow_up_status(todos: list[str], status: str) -> None:
	"""The calls whose follow-up is one of `todos` take the ToDo's new status."""
	call = frappe.qb.DocType("Lead Call Log")
	frappe.qb.update(call).set(call.follow_up_status, status).where(call.follow_up.isin(todos)).run()


def cancel_follow_up(call) -> None:
	if call.follow_up and frappe.db.get_value("ToDo", call.follow_up, "status", for_update=True) == "Open":
		todo = frappe.get_doc("ToDo", call.follow_up, for_update=True)
		todo.status = "Cancelled"
		todo.save(ignore_permissions=True)


def follow_up_description(call) -> str:
	lead_name = frappe.db.get_value("Lead", call.lead, "lead_name") or call.lead
	# the date and time in the format of the user who set it (System Settings, or their own)
	text = _("Follow up with {0} at {1} (call {2})").format(
		frappe.utils.escape_html(lead_name), format_datetime(call.follow_up_at), call.name
	)
	if call.note:
		text += "<br>" + frappe.utils.escape_html(note_as_typed(call.note))
	return text


@frappe.whitelist()
def get_default_follow_up_at(agent: str | None = None) -> str:
	"""The next working day of the agent (their Holiday List, else the company's, else Monday to Friday) at the
	settings' default follow-up time (10:00)."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	if agent and agent != frappe.session.user and not is_trusted():
		frappe.throw(
			_("You may only ask for your own follow-up time."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)
	at = get_time(
		frappe.db.get_single_value("Call Status CRM Settings", "default_follow_up_time") or "10:00:00"
	)
	holiday_list = get_holiday_list(agent or frappe.session.user)
	is_day_off = (lambda day: is_holiday(holiday_list, day)) if holiday_list else None
	return str(next_working_day_at(now_datetime(), at, is_day_off))


def get_holiday_list(user: str) -> str | None:
	"""The agent's Holiday List as ERPNext resolves it: their Employee's, else their company's default
	(None: no list, so weekends are the days off)."""
	employee = frappe.db.get_value("Employee", {"user_id": user, "status": "Active"}, "name")
	return get_holiday_list_for_employee(employee, raise_exception=False) or None
