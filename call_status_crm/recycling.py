"""Which leads are due for re-assignment (DESIGN.md §5), kept on the Lead so that a run reads only them.

Each Lead stores `recycle_due_at` (indexed): when its status's recycle rule makes it due, or nothing when
its status has no active rule or its recycles are used up. It is kept up to date when a call changes the
Lead, when the Lead is saved, when a lead is re-assigned, and for every Lead when the rules change or the
site migrates. A run then reads the due leads in batches along that index: with a million leads and none
due it reads nothing. The rule itself is `core.reassignment.recycle_due_at`; `update_all_due` states it
once more in SQL, to set a million rows in one statement per rule.
"""

import json

import frappe
from frappe.query_builder.functions import Count, Max
from frappe.utils import get_datetime, getdate

from call_status_crm.core.lead_options import split_options
from call_status_crm.core.reassignment import (
	LEAST_OPEN_LEADS,
	Agent,
	AgentPicker,
	LeadCandidate,
	RecycleRule,
	active_rules,
	recycle_due_at,
)
from call_status_crm.settings import SETTINGS


def get_rules() -> dict[str, RecycleRule]:
	"""The active recycle rules (from the cached settings: read on every call's save)."""
	return rules_of(frappe.get_cached_doc(SETTINGS))


def rules_of(settings) -> dict[str, RecycleRule]:
	"""The settings' active recycle rules, none for a protected lead status."""
	return active_rules(
		[row.as_dict() for row in settings.recycle_rules], split_options(settings.protected_lead_statuses)
	)


def get_lead_rows(names: list[str]) -> list[frappe._dict]:
	"""The Leads with their recycles in their current status and their last re-assignment."""
	if not names:
		return []
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
		.where(reassignment.lead.isin(names))
		.groupby(reassignment.lead, reassignment.lead_status)
	).as_("recycles")
	return (
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
			lead.recycle_due_at,
			recycles.recycles,
			recycles.last_reassigned_at,
		)
		.where(lead.name.isin(names))
		.run(as_dict=True)
	)


def to_candidate(row, set_lead_owner: bool = False, branches: dict | None = None) -> LeadCandidate:
	assignees = json.loads(row._assign or "[]")
	current = set(assignees)
	if row.last_call_agent:
		current.add(row.last_call_agent)
	if set_lead_owner and row.lead_owner:
		current.add(row.lead_owner)
	owner = assignees[0] if assignees else row.last_call_agent
	return LeadCandidate(
		name=row.name,
		status=row.status,
		last_call_time=row.last_call_time,
		last_reassigned_at=row.last_reassigned_at,
		recycles=row.recycles or 0,
		current_agents=frozenset(current),
		branch=(branches or {}).get(owner),
		created=row.creation,
	)


def get_candidates(names: list[str], settings) -> list[LeadCandidate]:
	"""The leads as the re-assignment rules see them (current agents, recycles, branch)."""
	branches = get_agent_branches() if settings.same_branch_only else {}
	rows = sorted(
		get_lead_rows(names), key=lambda row: (get_datetime(row.recycle_due_at or row.creation), row.name)
	)
	return [to_candidate(row, bool(settings.set_lead_owner), branches) for row in rows]


def update_due(names: list[str], rules: dict[str, RecycleRule] | None = None) -> None:
	"""Set `recycle_due_at` on these Leads from their status, calls and re-assignments."""
	if not has_due_field():
		return
	rules = get_rules() if rules is None else rules
	for row in get_lead_rows([name for name in names if name]):
		due = recycle_due_at(to_candidate(row), rules)
		if (get_datetime(row.recycle_due_at) if row.recycle_due_at else None) != due:
			frappe.db.set_value("Lead", row.name, "recycle_due_at", due, update_modified=False)


def update_all_due(rules: dict[str, RecycleRule] | None = None) -> None:
	"""`update_due` for every Lead: one statement per rule (a million Leads in seconds)."""
	if not has_due_field():
		return
	rules = get_rules() if rules is None else rules
	lead = frappe.qb.DocType("Lead")
	clear = frappe.qb.update(lead).set(lead.recycle_due_at, None).where(lead.recycle_due_at.isnotnull())
	if rules:
		clear = clear.where(lead.status.notin(list(rules)))
	clear.run()
	for rule in rules.values():
		frappe.db.sql(
			"""UPDATE `tabLead` lead
			LEFT JOIN (
				SELECT `lead`, COUNT(*) AS recycles, MAX(reassigned_at) AS last_at
				FROM `tabLead Reassignment` WHERE lead_status = %(status)s GROUP BY `lead`
			) recycled ON recycled.lead = lead.name
			SET lead.recycle_due_at = IF(
				COALESCE(recycled.recycles, 0) >= %(max_recycles)s,
				NULL,
				CASE
					WHEN lead.last_call_time IS NULL AND recycled.last_at IS NULL THEN lead.creation
					WHEN recycled.last_at IS NULL THEN lead.last_call_time
					WHEN lead.last_call_time IS NULL THEN recycled.last_at
					ELSE GREATEST(lead.last_call_time, recycled.last_at)
				END + INTERVAL %(delay)s MINUTE
			)
			WHERE lead.status = %(status)s""",
			{"status": rule.lead_status, "max_recycles": rule.max_recycles, "delay": rule.delay_minutes},
		)


def has_due_field() -> bool:
	"""The Lead's `recycle_due_at` exists: not yet while install-app syncs the settings DocType (it saves
	the settings before the app's custom fields are made; after_install fills the due times then)."""
	return frappe.db.has_column("Lead", "recycle_due_at")


def due_leads(now, after: tuple | None, limit: int) -> list[tuple]:
	"""(due time, name) of the next `limit` due leads after `after`, along the `recycle_due_at` index."""
	lead = frappe.qb.DocType("Lead")
	query = (
		frappe.qb.from_(lead)
		.select(lead.recycle_due_at, lead.name)
		.where(lead.recycle_due_at <= now)
		.orderby(lead.recycle_due_at)
		.orderby(lead.name)
		.limit(limit)
	)
	if after:
		query = query.where(
			(lead.recycle_due_at > after[0]) | ((lead.recycle_due_at == after[0]) & (lead.name > after[1]))
		)
	return [tuple(row) for row in query.run()]


def count_due(now) -> int:
	lead = frappe.qb.DocType("Lead")
	return frappe.qb.from_(lead).select(Count("*")).where(lead.recycle_due_at <= now).run()[0][0]


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
	if users and settings.strategy == LEAST_OPEN_LEADS:  # only that strategy weighs open leads
		todo = frappe.qb.DocType("ToDo")
		open_leads = dict(
			frappe.qb.from_(todo)
			.select(todo.allocated_to, Count(todo.name))
			.where((todo.status == "Open") & (todo.reference_type == "Lead") & todo.allocated_to.isin(users))
			.groupby(todo.allocated_to)
			.run()
		)
	if users and settings.daily_cap:  # only the cap needs today's count
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
