"""The roll-ups' pure rules (call_status_crm/core/rollups.py): grains, deltas, differences."""

from datetime import date, datetime

import pytest

from call_status_crm.core.rollups import (
	DIMENSIONS,
	contributions,
	deltas,
	differences,
	merged_deltas,
	pick_grain,
	row_key,
)

DAY = date(2026, 11, 2)


def call(**values):
	base = {
		"call_date": DAY,
		"agent": "a@example.com",
		"branch": "North",
		"department": "Sales",
		"campaign": "Spring",
		"direction": "Outgoing",
		"call_status": "called",
		"outcome": "Connected",
		"is_connected": 1,
		"duration": 90,
		"follow_up_at": None,
	}
	return {**base, **values}


def test_pick_grain_is_the_smallest_that_holds_every_dimension():
	assert pick_grain([]) == "C"
	assert pick_grain(["campaign", "call_status"]) == "C"
	assert pick_grain(["agent"]) == "A"
	assert pick_grain(["branch", "direction", "call_status"]) == "A"
	assert pick_grain(["agent", "campaign"]) == "F"
	assert pick_grain(["department", "campaign"]) == "F"
	with pytest.raises(ValueError):
		pick_grain(["tag"])


def test_a_call_counts_once_in_each_grain_with_the_dropped_dimensions_empty():
	rows = contributions(call())
	assert set(rows) == {
		("F", DAY, "a@example.com", "North", "Sales", "Spring", "Outgoing", "called", "Connected"),
		("A", DAY, "a@example.com", "North", "Sales", None, "Outgoing", "called", "Connected"),
		("C", DAY, None, None, None, "Spring", "Outgoing", "called", "Connected"),
	}
	assert all(
		m == {"calls": 1, "connected": 1, "talk_time": 90, "zero_duration": 0, "follow_ups": 0}
		for m in rows.values()
	)


def test_zero_duration_follow_up_and_the_day_from_call_time():
	rows = contributions(
		call(
			call_date=None,
			call_time=datetime(2026, 11, 3, 23, 59),
			duration=0,
			is_connected=0,
			follow_up_at=datetime(2026, 11, 4, 10),
		)
	)
	key = next(k for k in rows if k[0] == "C")
	assert key[1] == date(2026, 11, 3)
	assert rows[key] == {"calls": 1, "connected": 0, "talk_time": 0, "zero_duration": 1, "follow_ups": 1}


def test_insert_and_delete_are_plus_and_minus_one_row_per_grain():
	added = deltas(None, call())
	removed = deltas(call(), None)
	assert len(added) == len(removed) == 3
	assert [k for k, _ in added] == [k for k, _ in removed]
	assert all(m["calls"] == 1 for _, m in added) and all(m["calls"] == -1 for _, m in removed)


def test_an_edit_of_nothing_grouped_changes_nothing():
	assert deltas(call(), call(note="x")) == []
	# a different case of a value is the same row for the database's collation
	assert deltas(call(), call(campaign="SPRING")) == []


def test_moving_a_call_to_another_agent_leaves_the_campaign_grain_untouched():
	changes = deltas(call(), call(agent="b@example.com"))
	grains = sorted(key[0] for key, _ in changes)
	assert grains == ["A", "A", "F", "F"]
	assert sum(m["calls"] for _, m in changes) == 0


def test_a_longer_duration_changes_talk_time_only():
	changes = deltas(call(duration=10), call(duration=70))
	assert len(changes) == 3
	assert all(
		m == {"calls": 0, "connected": 0, "talk_time": 60, "zero_duration": 0, "follow_ups": 0}
		for _, m in changes
	)


def test_deltas_come_in_one_order_whatever_the_change():
	one = deltas(call(agent="b@example.com"), call(agent="a@example.com"))
	other = deltas(call(agent="a@example.com"), call(agent="b@example.com"))
	assert [k for k, _ in one] == [k for k, _ in other]


def test_differences_name_the_rows_that_differ():
	key = row_key("C", DAY, call())
	other = row_key("C", DAY, call(campaign="Autumn"))
	expected = {key: {"calls": 2, "connected": 1}, other: {"calls": 1}}
	actual = {key: {"calls": 2, "connected": 1}, row_key("C", DAY, call(campaign="Winter")): {"calls": 1}}
	rows = differences(expected, actual)
	assert [
		(
			row["campaign"],
			row["expected"] and row["expected"]["calls"],
			row["actual"] and row["actual"]["calls"],
		)
		for row in rows
	] == [
		("Autumn", 1, None),
		("Winter", None, 1),
	]
	assert set(DIMENSIONS) <= set(rows[0])
	assert differences(expected, expected) == []
	# a row counting nothing is as good as missing
	assert differences({key: {"calls": 0}}, {}) == []


def test_merged_deltas_of_several_calls_add_up_per_row():
	changes = merged_deltas([(None, call()), (None, call(duration=0, is_connected=0)), (call(), None)])
	assert len(changes) == 3
	assert all(
		m == {"calls": 1, "connected": 0, "talk_time": 0, "zero_duration": 1, "follow_ups": 0}
		for _, m in changes
	)
	# inserted and deleted in one transaction: nothing
	assert merged_deltas([(None, call()), (call(), None)]) == []
