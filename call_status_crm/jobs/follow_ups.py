"""Remind agents of follow-ups that are due (DESIGN.md §5): a desk notification when the follow-up
time has come and its ToDo is still open, once per call."""

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.utils import add_to_date, now_datetime

from call_status_crm.jobs import dispatch

REMIND_AHEAD_MINUTES = 15


def enqueue():
	dispatch("call_status_crm.jobs.follow_ups.run", "call_status_crm:follow_ups")


def run(now=None) -> dict:
	now = now or now_datetime()
	call = frappe.qb.DocType("Lead Call Log")
	todo = frappe.qb.DocType("ToDo")
	rows = (
		frappe.qb.from_(call)
		.join(todo)
		.on(todo.name == call.follow_up)
		.select(call.name, call.lead, call.lead_name, call.follow_up, call.follow_up_at, todo.allocated_to)
		.where(
			(todo.status == "Open")
			& (call.follow_up_reminded == 0)
			& (call.follow_up_at <= add_to_date(now, minutes=REMIND_AHEAD_MINUTES))
		)
		.run(as_dict=True)
	)
	for row in rows:
		make_notification_logs(
			{
				"type": "Alert",
				"document_type": "Lead",
				"document_name": row.lead,
				"subject": _("Follow-up due with {0} at {1}").format(
					frappe.bold(row.lead_name or row.lead),
					frappe.utils.format_datetime(row.follow_up_at, "HH:mm"),
				),
				"from_user": "Administrator",
			},
			[row.allocated_to],
		)
		frappe.db.set_value("Lead Call Log", row.name, "follow_up_reminded", 1, update_modified=False)
	frappe.db.commit()
	return {"reminded": len(rows)}
