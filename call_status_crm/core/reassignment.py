"""Which leads are due for re-assignment, and to whom (DESIGN.md §5). No Frappe here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

ROUND_ROBIN = "Round Robin"
LEAST_OPEN_LEADS = "Least Open Leads"
STRATEGIES = (ROUND_ROBIN, LEAST_OPEN_LEADS)


@dataclass(frozen=True)
class RecycleRule:
	lead_status: str
	delay_minutes: int
	max_recycles: int


@dataclass(frozen=True)
class LeadCandidate:
	name: str
	status: str
	last_call_time: datetime | None
	last_reassigned_at: datetime | None
	recycles: int  # re-assignments already made while the lead had this status
	current_agents: frozenset[str] = frozenset()  # assigned users, the lead owner, the last caller
	branch: str | None = None  # the current agent's branch, for "same branch only"
	created: datetime | None = None


def active_rules(rules: Iterable[Mapping], protected: Iterable[str] = ()) -> dict[str, RecycleRule]:
	"""The settings' active rules, one per lead status. A protected lead status (Converted, …) is never
	recycled, even where a rule for it is left over from before it became protected."""
	protected = frozenset(protected)
	return {
		row["lead_status"]: RecycleRule(
			row["lead_status"], int(row.get("delay_minutes") or 0), int(row.get("max_recycles") or 0)
		)
		for row in rules
		if row.get("active") and row.get("lead_status") and row["lead_status"] not in protected
	}


def last_activity(lead: LeadCandidate) -> datetime | None:
	"""The delay counts from the lead's last call or last re-assignment, whichever is later."""
	times = [t for t in (lead.last_call_time, lead.last_reassigned_at) if t]
	return max(times) if times else lead.created


def due_at(lead: LeadCandidate, rule: RecycleRule) -> datetime | None:
	start = last_activity(lead)
	return start + timedelta(minutes=rule.delay_minutes) if start else None


def recycle_due_at(lead: LeadCandidate, rules: Mapping[str, RecycleRule]) -> datetime | None:
	"""When the lead becomes due for re-assignment: None when its status has no active rule or its
	recycles for that status are used up (the job then never reads it again). Stored on the Lead, indexed,
	so a run reads only the leads that are due."""
	rule = rules.get(lead.status)
	if not rule or lead.recycles >= rule.max_recycles:
		return None
	return due_at(lead, rule)


def is_due(lead: LeadCandidate, rules: Mapping[str, RecycleRule], now: datetime) -> bool:
	when = recycle_due_at(lead, rules)
	return when is not None and when <= now


@dataclass
class Agent:
	user: str
	branch: str | None = None
	open_leads: int = 0
	assigned_today: int = 0


@dataclass
class AgentPicker:
	"""Picks the next agent for a lead: never a current agent, within the daily cap and (optionally) the
	lead's branch. Round Robin goes on from the agent after `last_agent` (kept across runs); Least Open
	Leads takes the agent with the fewest open leads, ties in round-robin order."""

	agents: list[Agent]
	strategy: str = ROUND_ROBIN
	daily_cap: int = 0  # 0: no cap
	same_branch_only: bool = False
	last_agent: str | None = None
	_order: list[Agent] = field(init=False, default_factory=list)

	def __post_init__(self):
		if self.strategy not in STRATEGIES:
			raise ValueError(f"unknown strategy {self.strategy!r}")
		self._order = sorted(self.agents, key=lambda agent: agent.user)

	def _rotation(self) -> list[Agent]:
		"""Agents in round-robin order, starting after the last one picked."""
		users = [agent.user for agent in self._order]
		start = users.index(self.last_agent) + 1 if self.last_agent in users else 0
		return self._order[start:] + self._order[:start]

	def _eligible(self, agent: Agent, lead: LeadCandidate) -> bool:
		if agent.user in lead.current_agents:
			return False
		if self.daily_cap and agent.assigned_today >= self.daily_cap:
			return False
		if self.same_branch_only and agent.branch != lead.branch:
			return False
		return True

	def pick(self, lead: LeadCandidate) -> Agent | None:
		candidates = [agent for agent in self._rotation() if self._eligible(agent, lead)]
		if not candidates:
			return None
		if self.strategy == LEAST_OPEN_LEADS:
			# min() keeps the first of equals: the rotation order breaks ties fairly
			chosen = min(candidates, key=lambda agent: agent.open_leads)
		else:
			chosen = candidates[0]
		return chosen

	def snapshot(self) -> tuple:
		"""The picker's state, to go back to when a batch is rolled back."""
		return self.last_agent, [(agent.open_leads, agent.assigned_today) for agent in self._order]

	def restore(self, state: tuple) -> None:
		self.last_agent, counts = state
		for agent, (open_leads, assigned_today) in zip(self._order, counts, strict=True):
			agent.open_leads, agent.assigned_today = open_leads, assigned_today

	def record(self, agent: Agent) -> None:
		"""Count a lead given to `agent` (after it was really assigned)."""
		agent.open_leads += 1
		agent.assigned_today += 1
		self.last_agent = agent.user
