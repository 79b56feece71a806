"""Escalate missed Personal callbacks (DESIGN.md §9): a Personal callback not dialled within the settings'
`callback_grace_minutes` of its time becomes Anyone, so any agent of the pool calls the customer back.

The scheduler only dispatches (`enqueue`). `run()` reads the due callbacks in batches along the callback
index and, per batch, changes them with one UPDATE (the call keeps when: `callback_escalated_at`), writes
one timeline comment per lead and one bell notification per agent's callback with one INSERT each, tells
each agent's desk once, and commits. No job per callback. A batch that fails is rolled back and logged."""

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import set_notifications_as_unseen
from frappe.utils import format_datetime, get_fullname, now_datetime

from call_status_crm import callbacks
from call_status_crm.core.call_queue import ANYONE, PERSONAL, escalation_cutoff
from call_status_crm.jobs import dispatch

JOB_ID = "call_status_crm:callback_escalation"
BATCH_SIZE = 1000
EVENT = "call_status_crm_callbacks_escalated"


def enqueue():
	dispatch("call_status_crm.jobs.callbacks.run", JOB_ID)


def due_callbacks(cutoff, exclude: list[str], limit: int) -> list[frappe._dict]:
	"""Open Personal callbacks due at or before `cutoff` (no call made to their lead since)."""
	call = frappe.qb.DocType("Lead Call Log")
	lead = frappe.qb.DocType("Lead")
	query = (
		frappe.qb.from_(call)
		.join(lead)
		.on(lead.name == call.lead)
		.select(call.name, call.lead, call.agent, call.follow_up_at, lead.lead_name)
		.where(
			(call.callback_type == PERSONAL)
			& (call.follow_up_status == "Open")
			& (call.follow_up_at <= cutoff)
			& (lead.last_call_time <= call.call_time)
		)
		.orderby(call.follow_up_at)
		.orderby(call.name)
		.limit(limit)
	)
	if exclude:
		query = query.where(call.name.notin(exclude))
	return query.run(as_dict=True)


def run(now=None, batch_size: int = BATCH_SIZE) -> dict:
	"""One pass: every Personal callback past its grace becomes Anyone. Returns {escalated, failed}."""
	now = now or now_datetime()
	grace = callbacks.grace_minutes()
	cutoff = escalation_cutoff(now, grace)
	escalated, failed = 0, []
	while True:
		rows = due_callbacks(cutoff, failed, batch_size)
		if not rows:
			break
		try:
			escalate(rows, now, grace)
			frappe.db.commit()
			escalated += len(rows)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("Callbacks not escalated"), reference_doctype="Lead Call Log")
			failed.extend(row.name for row in rows)
	return {"escalated": escalated, "failed": len(failed)}


def escalate(rows: list[frappe._dict], now, grace: int) -> None:
	call = frappe.qb.DocType("Lead Call Log")
	(
		frappe.qb.update(call)
		.set(call.callback_type, ANYONE)
		.set(call.callback_escalated_at, now)
		.where(call.name.isin([row.name for row in rows]) & (call.callback_type == PERSONAL))
		.run()
	)
	names = {agent: get_fullname(agent) for agent in {row.agent for row in rows if row.agent}}
	# one formatting (babel's, slow) per distinct time: callbacks cluster on round times
	times = {moment: format_datetime(moment) for moment in {row.follow_up_at for row in rows}}
	comment = _(
		"Callback {0} of {1}, due {2}, was not dialled within {3} minutes: any agent may now call back."
	)
	insert_rows(
		"Comment",
		{"comment_type": "Info", "comment_email": frappe.session.user, "reference_doctype": "Lead"},
		["reference_name", "content"],
		[
			(
				row.lead,
				comment.format(
					row.name,
					frappe.bold(names.get(row.agent, row.agent or "")),
					times[row.follow_up_at],
					grace,
				),
			)
			for row in rows
		],
		now,
	)
	told = [row for row in rows if row.agent]
	if not told:
		return
	subject = _("Your callback to {0} due {1} was not dialled in time: it is now open to any agent.")
	insert_rows(
		"Notification Log",
		{"type": "Alert", "document_type": "Lead Call Log", "from_user": "Administrator", "read": 0},
		["for_user", "document_name", "subject"],
		[
			(
				row.agent,
				row.name,
				subject.format(frappe.bold(row.lead_name or row.lead), times[row.follow_up_at]),
			)
			for row in told
		],
		now,
	)
	for agent in {row.agent for row in told}:
		set_notifications_as_unseen(agent)
		frappe.publish_realtime("notification", after_commit=True, user=agent)
		frappe.publish_realtime(
			EVENT, {"count": sum(row.agent == agent for row in told)}, after_commit=True, user=agent
		)


def literal(value) -> str:
	"""A value as an SQL literal inside a query that is then formatted with bound values (Frappe's escape
	quotes it and doubles its `%`)."""
	if isinstance(value, int):
		return str(int(value))
	return frappe.db.escape(str(value))


def insert_rows(doctype: str, same: dict, fields: list[str], rows: list[tuple], now, tries: int = 3) -> None:
	"""One INSERT of all the rows: the values every row shares (`same`, and the standard fields) written
	once as SQL literals, each row's own (`fields`) bound by the driver (building it with the query
	builder costs more than the database does: about a millisecond per row; binding every value, a third
	of the job). Names are random, like Frappe's hash names: on the rare duplicate the statement alone
	fails (InnoDB undoes a statement whole) and is sent again with new names, as Frappe retries a hash
	name."""
	if not rows:
		return
	user = frappe.session.user
	same = {
		"creation": now,
		"modified": now,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
		**same,
	}
	columns = ["name", *same, *fields]
	shared = ", ".join(literal(value) for value in same.values())
	placeholders = f"(%s, {shared}, {', '.join(['%s'] * len(fields))})"
	query = (
		f"INSERT INTO `tab{doctype}` ({', '.join(f'`{column}`' for column in columns)}) VALUES "
		+ ", ".join([placeholders] * len(rows))
	)
	for attempt in range(tries):
		values = []
		for row in rows:
			values.extend((frappe.generate_hash(length=10), *row))
		try:
			frappe.db.sql(query, values)
			return
		except Exception as e:
			if not frappe.db.is_primary_key_violation(e) or attempt == tries - 1:
				raise
