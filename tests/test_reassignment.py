from datetime import datetime, timedelta

import pytest

from call_status_crm.core.reassignment import (
	LEAST_OPEN_LEADS,
	ROUND_ROBIN,
	Agent,
	AgentPicker,
	LeadCandidate,
	active_rules,
	is_due,
	last_activity,
)

NOW = datetime(2026, 11, 23, 12, 0)
RULES = active_rules(
	[
		{"lead_status": "Not Picked", "delay_minutes": 30, "max_recycles": 3, "active": 1},
		{"lead_status": "Missed", "delay_minutes": 10, "max_recycles": 1, "active": 1},
		{"lead_status": "Followups", "delay_minutes": 0, "max_recycles": 5, "active": 0},
	]
)


def lead(name="L1", status="Not Picked", called=40, reassigned=None, recycles=0, agents=(), branch=None):
	return LeadCandidate(
		name=name,
		status=status,
		last_call_time=NOW - timedelta(minutes=called) if called is not None else None,
		last_reassigned_at=NOW - timedelta(minutes=reassigned) if reassigned is not None else None,
		recycles=recycles,
		current_agents=frozenset(agents),
		branch=branch,
		created=NOW - timedelta(days=1),
	)


def test_only_active_rules_count():
	assert set(RULES) == {"Not Picked", "Missed"}
	assert not is_due(lead(status="Followups", called=600), RULES, NOW)
	assert not is_due(lead(status="Interested", called=600), RULES, NOW)


def test_a_protected_status_is_never_recycled_even_with_a_rule_left_for_it():
	rows = [
		{"lead_status": "Not Picked", "delay_minutes": 30, "max_recycles": 3, "active": 1},
		{"lead_status": "Converted", "delay_minutes": 0, "max_recycles": 9, "active": 1},
	]
	assert set(active_rules(rows)) == {"Not Picked", "Converted"}
	rules = active_rules(rows, protected=["Converted", "Do Not Contact"])
	assert set(rules) == {"Not Picked"}
	assert not is_due(lead(status="Converted", called=600), rules, NOW)


def test_delay_counts_from_the_later_of_last_call_and_last_reassignment():
	assert is_due(lead(called=30), RULES, NOW)  # exactly at the delay
	assert not is_due(lead(called=29), RULES, NOW)
	assert not is_due(lead(called=120, reassigned=20), RULES, NOW)
	assert is_due(lead(called=120, reassigned=31), RULES, NOW)
	assert last_activity(lead(called=None, reassigned=None)) == NOW - timedelta(days=1)
	assert is_due(lead(status="Missed", called=10), RULES, NOW)


def test_maximum_recycles():
	assert is_due(lead(recycles=2), RULES, NOW)
	assert not is_due(lead(recycles=3), RULES, NOW)
	assert not is_due(lead(status="Missed", called=60, recycles=1), RULES, NOW)


def agents(*users, **kwargs):
	return [Agent(user, **kwargs) for user in users]


def test_round_robin_order_continues_across_runs():
	picker = AgentPicker(agents("b", "a", "c"), ROUND_ROBIN)
	picked = []
	for i in range(4):
		agent = picker.pick(lead(f"L{i}"))
		picker.record(agent)
		picked.append(agent.user)
	assert picked == ["a", "b", "c", "a"]
	# the next run starts after the last agent of this one
	next_run = AgentPicker(agents("a", "b", "c"), ROUND_ROBIN, last_agent=picker.last_agent)
	assert next_run.pick(lead()).user == "b"
	# a last agent who left the pool: start from the top
	assert AgentPicker(agents("a", "b"), ROUND_ROBIN, last_agent="gone").pick(lead()).user == "a"


def test_never_back_to_a_current_agent():
	picker = AgentPicker(agents("a", "b"), ROUND_ROBIN)
	assert picker.pick(lead(agents=["a"])).user == "b"
	assert picker.pick(lead(agents=["a", "b"])) is None


def test_least_open_leads_with_round_robin_ties():
	pool = [Agent("a", open_leads=5), Agent("b", open_leads=2), Agent("c", open_leads=2)]
	picker = AgentPicker(pool, LEAST_OPEN_LEADS)
	first = picker.pick(lead("L1"))
	assert first.user == "b"
	picker.record(first)
	second = picker.pick(lead("L2"))
	assert second.user == "c"
	picker.record(second)
	assert picker.pick(lead("L3", agents=["b", "c"])).user == "a"
	assert [agent.open_leads for agent in pool] == [5, 3, 3]


def test_daily_cap():
	pool = [Agent("a", assigned_today=2), Agent("b")]
	picker = AgentPicker(pool, ROUND_ROBIN, daily_cap=2)
	for i in range(2):
		agent = picker.pick(lead(f"L{i}"))
		assert agent.user == "b"
		picker.record(agent)
	assert picker.pick(lead("L3")) is None
	assert AgentPicker([Agent("a", assigned_today=99)], ROUND_ROBIN, daily_cap=0).pick(lead()).user == "a"


def test_same_branch_only():
	pool = [Agent("a", branch="North"), Agent("b", branch="South")]
	picker = AgentPicker(pool, ROUND_ROBIN, same_branch_only=True)
	assert picker.pick(lead(branch="South")).user == "b"
	assert picker.pick(lead(branch=None)) is None
	assert AgentPicker(pool, ROUND_ROBIN).pick(lead(branch="South")).user == "a"


def test_unknown_strategy():
	with pytest.raises(ValueError):
		AgentPicker(agents("a"), "Random")


def test_restoring_a_snapshot_undoes_the_picks_of_a_rolled_back_batch():
	pool = [Agent("a", open_leads=1), Agent("b"), Agent("c", assigned_today=1)]
	picker = AgentPicker(pool, ROUND_ROBIN, daily_cap=2, last_agent="a")
	state = picker.snapshot()
	for name in ("L1", "L2"):
		picker.record(picker.pick(lead(name)))
	assert picker.last_agent == "c"
	assert [agent.assigned_today for agent in pool] == [0, 1, 2]
	picker.restore(state)
	assert picker.last_agent == "a"
	assert [(agent.open_leads, agent.assigned_today) for agent in pool] == [(1, 0), (0, 0), (0, 1)]
	assert picker.pick(lead("L1")).user == "b"


def test_recycle_due_at_is_stored_only_while_recycles_are_left():
	from call_status_crm.core.reassignment import LeadCandidate, RecycleRule, recycle_due_at

	rules = {"Not Picked": RecycleRule("Not Picked", 30, 2)}
	t0 = datetime(2026, 11, 2, 9, 0)
	lead = LeadCandidate("L1", "Not Picked", t0, None, 0, created=t0 - timedelta(days=1))
	assert recycle_due_at(lead, rules) == t0 + timedelta(minutes=30)
	later = LeadCandidate("L1", "Not Picked", t0, t0 + timedelta(hours=1), 1)
	assert recycle_due_at(later, rules) == t0 + timedelta(hours=1, minutes=30)
	assert recycle_due_at(LeadCandidate("L1", "Not Picked", t0, None, 2), rules) is None
	assert recycle_due_at(LeadCandidate("L1", "Interested", t0, None, 0), rules) is None
	never_called = LeadCandidate("L2", "Not Picked", None, None, 0, created=t0)
	assert recycle_due_at(never_called, rules) == t0 + timedelta(minutes=30)
