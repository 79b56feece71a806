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
from frappe.query_builder.functions import Count, Max
from frappe.utils import get_datetime, getdate, now_datetime

from call_status_crm.assignment import (
	Reassignment,
	UserInfo,
	add_timeline_comments,
	insert,
	open_assignments,
	reassign,
)
from call_status_crm.core.reassignment import Agent, AgentPicker, LeadCandidate, active_rules, is_due
from call_status_crm.jobs import dispatch
from call_status_crm.leads import lock_leads

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
	rules = active_rules([row.as_dict() for row in settings.recycle_rules])
	summary = {
		"reassigned": 0,
		"examined": 0,
		"due": 0,
		"skipped_changed": 0,
		"skipped_no_agent": 0,
		"failed": 0,
		"started_at": str(started),
	}
	if rules:
		picker = make_picker(settings, now)
		candidates = get_candidates(rules, settings)
		due = [lead for lead in candidates if is_due(lead, rules, now)]
		summary.update(examined=len(candidates), due=len(due))
		batch_size = settings.batch_size or 500
		for start in range(0, len(due), batch_size):
			for outcome in reassign_batch(due[start : start + batch_size], picker, settings, now).values():
				summary[outcome] += 1
			frappe.db.commit()
			publish_progress(min(start + batch_size, len(due)), len(due))
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


def reassign_lead(lead: LeadCandidate, picker: AgentPicker, settings, now) -> str:
	"""Re-assign one lead; returns the summary key it counts under."""
	return reassign_batch([lead], picker, settings, now)[lead.name]


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
	reassign("Lead", items, owner_field="lead_owner" if settings.set_lead_owner else None, users=users)
	write_records(records, items, now, users)
	return outcomes


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


def get_candidates(rules: dict, settings) -> list[LeadCandidate]:
	"""Leads whose status has an active rule, with their recycles for that status (one grouped query)."""
	lead = frappe.qb.DocType("Lead")
	reassignment = frappe.qb.DocType("Lead Reassignment")
	recycles = (
		frappe.qb.from_(reassignment)
		.select(
			reassignment.lead,
			reassignment.lead_status,
			Count(reassignment.name).as_("recycles"),
			Max(reassignment.reassigned_at).as_("last_reassigned_at"),
		)
		.groupby(reassignment.lead, reassignment.lead_status)
	).as_("recycles")
	rows = (
		frappe.qb.from_(lead)
		.left_join(recycles)
		.on((recycles.lead == lead.name) & (recycles.lead_status == lead.status))
		.select(
			lead.name,
			lead.status,
			lead.last_call_time,
			lead.last_call_agent,
			lead.lead_owner,
			lead._assign,
			lead.creation,
			recycles.recycles,
			recycles.last_reassigned_at,
		)
		.where(lead.status.isin(list(rules)))
		.orderby(lead.last_call_time)
		.run(as_dict=True)
	)
	branches = get_agent_branches() if settings.same_branch_only else {}
	candidates = []
	for row in rows:
		assignees = json.loads(row._assign or "[]")
		current = set(assignees)
		if row.last_call_agent:
			current.add(row.last_call_agent)
		if settings.set_lead_owner and row.lead_owner:
			current.add(row.lead_owner)
		owner = assignees[0] if assignees else row.last_call_agent
		candidates.append(
			LeadCandidate(
				name=row.name,
				status=row.status,
				last_call_time=row.last_call_time,
				last_reassigned_at=row.last_reassigned_at,
				recycles=row.recycles or 0,
				current_agents=frozenset(current),
				branch=branches.get(owner),
				created=row.creation,
			)
		)
	return candidates


def get_agent_branches() -> dict[str, str]:
	return dict(
		frappe.get_all(
			"Employee",
			filters={"status": "Active", "user_id": ("is", "set")},
			fields=["user_id", "branch"],
			as_list=True,
		)
	)


def get_agent_pool(settings) -> list[str]:
	"""The explicit agent list, else every enabled desk user with the agent role."""
	listed = [row.user for row in settings.agents if row.user]
	user = frappe.qb.DocType("User")
	query = (
		frappe.qb.from_(user).select(user.name).where((user.enabled == 1) & (user.user_type == "System User"))
	)
	if listed:
		query = query.where(user.name.isin(listed))
	else:
		has_role = frappe.qb.DocType("Has Role")
		query = query.join(has_role).on(
			(has_role.parent == user.name)
			& (has_role.parenttype == "User")
			& (has_role.role == (settings.agent_role or "Call Agent"))
		)
	return [row[0] for row in query.distinct().run()]


def make_picker(settings, now) -> AgentPicker:
	"""The agent pool with open leads and today's re-assignments counted once per run (grouped queries)."""
	users = get_agent_pool(settings)
	open_leads, assigned_today = {}, {}
	if users:
		todo = frappe.qb.DocType("ToDo")
		open_leads = dict(
			frappe.qb.from_(todo)
			.select(todo.allocated_to, Count(todo.name))
			.where((todo.status == "Open") & (todo.reference_type == "Lead") & todo.allocated_to.isin(users))
			.groupby(todo.allocated_to)
			.run()
		)
		reassignment = frappe.qb.DocType("Lead Reassignment")
		assigned_today = dict(
			frappe.qb.from_(reassignment)
			.select(reassignment.to_agent, Count(reassignment.name))
			.where((reassignment.reassigned_at >= getdate(now)) & reassignment.to_agent.isin(users))
			.groupby(reassignment.to_agent)
			.run()
		)
	branches = get_agent_branches() if settings.same_branch_only else {}
	agents = [
		Agent(
			user,
			branch=branches.get(user),
			open_leads=open_leads.get(user, 0),
			assigned_today=assigned_today.get(user, 0),
		)
		for user in users
	]
	return AgentPicker(
		agents,
		strategy=settings.strategy or "Round Robin",
		daily_cap=settings.daily_cap or 0,
		same_branch_only=bool(settings.same_branch_only),
		last_agent=frappe.db.get_single_value(SETTINGS, "round_robin_last_agent"),
	)


def publish_progress(done: int, total: int) -> None:
	frappe.publish_realtime(
		PROGRESS_EVENT, {"done": done, "total": total}, doctype=SETTINGS, docname=SETTINGS
	)
