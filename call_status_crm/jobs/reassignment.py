"""Automatic re-assignment of leads that did not pick up (DESIGN.md §5).

The scheduler only dispatches (`enqueue`): one deduplicated job on the long queue. `run()` makes one pass
synchronously: it selects the leads whose status has an active recycle rule and whose delay is over,
picks an agent for each (pure rules in `core.reassignment`), and re-assigns them in batches, each lead
re-checked under its row lock so that a call logged meanwhile wins. A MariaDB named lock keeps two
runs (a worker's and a "Run now", say) from ever overlapping.
"""

import json

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import get_datetime, now_datetime

from call_status_crm.assignment import (
	Reassignment,
	UserInfo,
	add_timeline_comments,
	insert,
	open_assignments,
	reassign,
)
from call_status_crm.core.reassignment import AgentPicker, LeadCandidate, is_due
from call_status_crm.do_not_call import listed_leads
from call_status_crm.jobs import dispatch
from call_status_crm.leads import lock_leads
from call_status_crm.recycling import count_due, due_leads, get_candidates, make_picker, rules_of, update_due

SETTINGS = "Call Status CRM Settings"
JOB_ID = "call_status_crm:reassignment"
LOCK_NAME = "call_status_crm:reassignment"
PROGRESS_EVENT = "call_status_crm_reassignment_progress"


def enqueue():
	"""Scheduler entry: dispatch one run, unless re-assignment is off or a run is already queued."""
	if frappe.db.get_single_value(SETTINGS, "auto_reassign_enabled"):
		dispatch("call_status_crm.jobs.reassignment.run", JOB_ID, timeout=3600)


@frappe.whitelist()
def run_now() -> dict:
	"""The settings' "Run now" button: enqueue one run (deduplicated) and say whether it was queued."""
	frappe.only_for(("Call Center Manager", "System Manager"))
	from frappe.utils.background_jobs import is_job_enqueued

	if is_job_enqueued(JOB_ID):
		return {"queued": False, "message": _("A re-assignment run is already queued or running.")}
	dispatch("call_status_crm.jobs.reassignment.run", JOB_ID, timeout=3600)
	return {"queued": True, "message": _("Re-assignment run queued.")}


def run(now=None) -> dict:
	"""One re-assignment pass; returns a summary with at least `reassigned`."""
	now = get_datetime(now) if now else now_datetime()
	if not acquire_lock():
		return {"reassigned": 0, "skipped_run": "another run holds the lock"}
	try:
		return _run(now)
	finally:
		release_lock()


def acquire_lock() -> bool:
	return bool(frappe.db.sql("SELECT GET_LOCK(%s, 0)", (lock_name(),))[0][0])


def release_lock() -> None:
	frappe.db.sql("SELECT RELEASE_LOCK(%s)", (lock_name(),))


def lock_name() -> str:
	return f"{frappe.local.site}:{LOCK_NAME}"[:64]


def _run(now) -> dict:
	started = now_datetime()
	settings = frappe.get_single(SETTINGS)
	rules = rules_of(settings)
	summary = {
		"reassigned": 0,
		"examined": 0,
		"due": 0,
		"skipped_changed": 0,
		"skipped_no_agent": 0,
		"skipped_do_not_call": 0,
		"failed": 0,
		"started_at": str(started),
	}
	if rules:
		picker = make_picker(settings, now)
		total = count_due(now)
		summary["due"] = total
		batch_size = settings.batch_size or 500
		after = None
		# the due leads along the `recycle_due_at` index, a batch at a time (leads whose recycles are used
		# up have no due time, so a run never reads them)
		while batch := due_leads(now, after, batch_size):
			after = batch[-1]
			candidates = get_candidates([name for _due, name in batch], settings)
			due = [lead for lead in candidates if is_due(lead, rules, now)]
			# a lead on the Do Not Call list (or in Do Not Contact) is never recycled (DESIGN.md §8)
			listed = listed_leads([lead.name for lead in due])
			due = [lead for lead in due if lead.name not in listed]
			summary["skipped_do_not_call"] += len(listed)
			summary["examined"] += len(batch)
			for outcome in reassign_batch(due, picker, settings, now).values():
				summary[outcome] += 1
			frappe.db.commit()
			publish_progress(min(summary["examined"], total), total)
		if picker.last_agent:
			frappe.db.set_single_value(SETTINGS, "round_robin_last_agent", picker.last_agent)
	summary["finished_at"] = str(now_datetime())
	summary["seconds"] = round((now_datetime() - started).total_seconds(), 3)
	frappe.db.set_single_value(
		SETTINGS, {"last_run_at": started, "last_run_summary": json.dumps(summary, indent=1)}
	)
	frappe.db.commit()
	return summary


def reassign_batch(leads: list[LeadCandidate], picker: AgentPicker, settings, now) -> dict[str, str]:
	"""Re-assign a batch of leads; returns each lead's outcome (the summary key it counts under).

	The whole batch is written at once (`call_status_crm.assignment`). If that fails, the batch is rolled
	back and retried lead by lead, so one bad lead is logged and the others still go through."""
	state = picker.snapshot()
	frappe.db.savepoint("reassign_batch")
	try:
		return write_batch(leads, picker, settings, now)
	except Exception:
		frappe.db.rollback(save_point="reassign_batch")
		picker.restore(state)
		if len(leads) == 1:
			frappe.log_error(
				title=f"Lead re-assignment failed: {leads[0].name}",
				reference_doctype="Lead",
				reference_name=leads[0].name,
			)
			return {leads[0].name: "failed"}
	outcomes = {}
	for lead in leads:
		outcomes.update(reassign_batch([lead], picker, settings, now))
	return outcomes


def write_batch(leads: list[LeadCandidate], picker: AgentPicker, settings, now) -> dict[str, str]:
	# re-checked under the row locks: a call logged (or a status changed) since selection wins
	current = lock_leads([lead.name for lead in leads], ("last_call_time", "lead_name"))
	previous = open_assignments("Lead", [lead.name for lead in leads])
	outcomes, items, records = {}, [], []
	for lead in leads:
		row = current.get(lead.name)
		if not row or row.status != lead.status or not same_time(row.last_call_time, lead.last_call_time):
			outcomes[lead.name] = "skipped_changed"
			continue
		agent = picker.pick(lead)
		if not agent:
			outcomes[lead.name] = "skipped_no_agent"
			continue
		picker.record(agent)
		outcomes[lead.name] = "reassigned"
		assigned = [todo.allocated_to for todo in previous[lead.name]]
		from_agent = assigned[0] if assigned else next(iter(sorted(lead.current_agents)), None)
		items.append(
			Reassignment(
				name=lead.name,
				title=row.lead_name or lead.name,
				to_user=agent.user,
				description=_("Re-assigned lead ({0}): please call again").format(_(lead.status)),
				previous=previous[lead.name],
			)
		)
		records.append((lead, row, from_agent))
	users = UserInfo()  # full names and settings, looked up once for the batch's ToDos, comments and records
	owner_field = "lead_owner" if settings.set_lead_owner else None
	if settings.assign_through_frappe:
		reassign_one_by_one("Lead", items, owner_field)
	else:
		reassign("Lead", items, owner_field=owner_field, users=users)
	write_records(records, items, now, users)
	update_due([item.name for item in items])
	return outcomes


def reassign_one_by_one(doctype: str, items: list[Reassignment], owner_field: str | None = None) -> None:
	"""The same re-assignment through Frappe's own `assign_to`, a document at a time: slower (two ToDo
	saves and two RQ jobs a document), but every other app's ToDo hook runs and assignment e-mails go."""
	for item in items:
		for row in item.previous:
			assign_to.remove(doctype, item.name, row.allocated_to, ignore_permissions=True)
		assign_to.add(
			{
				"assign_to": [item.to_user],
				"doctype": doctype,
				"name": item.name,
				"description": item.description,
			},
			ignore_permissions=True,
		)
		item.todo = frappe.db.get_value(
			"ToDo",
			{
				"reference_type": doctype,
				"reference_name": item.name,
				"allocated_to": item.to_user,
				"status": "Open",
			},
			"name",
			order_by="creation desc",
		)
		if owner_field:
			frappe.db.set_value(doctype, item.name, owner_field, item.to_user)


def write_records(records: list[tuple], items: list[Reassignment], now, users: UserInfo) -> None:
	"""A Lead Reassignment row and a timeline line for each re-assigned lead."""
	if not records:
		return
	insert(
		"Lead Reassignment",
		now,
		{
			"lead": [lead.name for lead, _row, _from in records],
			"lead_name": [row.lead_name for _lead, row, _from in records],
			"lead_status": [lead.status for lead, _row, _from in records],
			"from_agent": [from_agent for _lead, _row, from_agent in records],
			"to_agent": [item.to_user for item in items],
			"reassigned_at": now,
			"recycle_number": [lead.recycles + 1 for lead, _row, _from in records],
			"assignment": [item.todo for item in items],
		},
	)
	add_timeline_comments(
		"Lead",
		[
			(
				"Info",
				lead.name,
				_("Re-assigned from {0} to {1}: {2} for too long (recycle {3})").format(
					users.full_name(from_agent) if from_agent else _("nobody"),
					users.full_name(item.to_user),
					_(lead.status),
					lead.recycles + 1,
				),
			)
			for (lead, _row, from_agent), item in zip(records, items, strict=True)
		],
		now,
	)


def same_time(a, b) -> bool:
	return (get_datetime(a) if a else None) == (get_datetime(b) if b else None)


def publish_progress(done: int, total: int) -> None:
	frappe.publish_realtime(
		PROGRESS_EVENT, {"done": done, "total": total}, doctype=SETTINGS, docname=SETTINGS
	)
