"""The roll-ups' pure rules (call_status_crm/core/rollups.py): grains, deltas, differences."""

import hashlib
from datetime import date, datetime

import pytest

from call_status_crm.core.rollups import (
	DIMENSIONS,
	SERVICE_LEVEL_SECONDS,
	callback_seconds,
	contributions,
	deltas,
	differences,
	lock_key,
	merged_deltas,
	pick_grain,
	row_key,
)

DAY = date(2026, 11, 2)
NO_CALLBACK = {"called_back": 0, "callback_seconds": 0, "called_back_in_sl": 0}
NO_OUTCOME = {"attempts": 0, "missed": 0}


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
	# the agent totals: a row per agent and day, whatever the statuses
	assert pick_grain(["agent"]) == "T"
	assert pick_grain(["agent", "branch", "department"]) == "T"
	assert pick_grain(["agent", "call_status"]) == "A"
	assert pick_grain(["branch", "direction", "call_status"]) == "A"
	assert pick_grain(["agent", "campaign"]) == "P"
	assert pick_grain(["agent", "branch", "department", "campaign"]) == "P"
	assert pick_grain(["agent", "campaign", "call_status"]) == "F"
	assert pick_grain(["department", "campaign", "direction"]) == "F"
	with pytest.raises(ValueError):
		pick_grain(["tag"])


def test_a_call_counts_once_in_each_grain_with_the_dropped_dimensions_empty():
	rows = contributions(call())
	assert set(rows) == {
		("F", DAY, "a@example.com", "North", "Sales", "Spring", "Outgoing", "called", "Connected"),
		("A", DAY, "a@example.com", "North", "Sales", None, "Outgoing", "called", "Connected"),
		("C", DAY, None, None, None, "Spring", "Outgoing", "called", "Connected"),
		("T", DAY, "a@example.com", "North", "Sales", None, None, None, None),
		("P", DAY, "a@example.com", "North", "Sales", "Spring", None, None, None),
	}
	assert all(
		m
		== {"calls": 1, "connected": 1, "talk_time": 90, "zero_duration": 0, "follow_ups": 0}
		| NO_CALLBACK
		| NO_OUTCOME
		for m in rows.values()
	)


def test_attempts_and_missed_calls_are_metrics_of_every_grain():
	"""The agent totals keep no outcome: an attempt and a missed call are counted as metrics (compared as the
	database compares text)."""
	for outcome, counted in (("Attempt", (1, 0)), ("MISSED ", (0, 1)), ("Connected", (0, 0)), (None, (0, 0))):
		rows = contributions(call(outcome=outcome))
		assert {(m["attempts"], m["missed"]) for m in rows.values()} == {counted}
	busy, missed_call = call(outcome="Attempt"), call(outcome="Missed")
	changes = deltas(busy, missed_call)
	totals = [m for key, m in changes if key[0] == "T"]
	assert totals == [{**dict.fromkeys(totals[0], 0), "attempts": -1, "missed": 1}]


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
	assert rows[key] == {
		"calls": 1,
		"connected": 0,
		"talk_time": 0,
		"zero_duration": 1,
		"follow_ups": 1,
		**NO_CALLBACK,
		**NO_OUTCOME,
	}


def test_insert_and_delete_are_plus_and_minus_one_row_per_grain():
	added = deltas(None, call())
	removed = deltas(call(), None)
	assert len(added) == len(removed) == 5
	assert [k for k, _ in added] == [k for k, _ in removed]
	assert all(m["calls"] == 1 for _, m in added) and all(m["calls"] == -1 for _, m in removed)


def test_an_edit_of_nothing_grouped_changes_nothing():
	assert deltas(call(), call(note="x")) == []
	# a different case of a value is the same row for the database's collation
	assert deltas(call(), call(campaign="SPRING")) == []


def test_moving_a_call_to_another_agent_leaves_the_campaign_grain_untouched():
	changes = deltas(call(), call(agent="b@example.com"))
	grains = sorted(key[0] for key, _ in changes)
	assert grains == ["A", "A", "F", "F", "P", "P", "T", "T"]
	assert sum(m["calls"] for _, m in changes) == 0


def test_a_longer_duration_changes_talk_time_only():
	changes = deltas(call(duration=10), call(duration=70))
	assert len(changes) == 5
	assert all(
		m
		== {"calls": 0, "connected": 0, "talk_time": 60, "zero_duration": 0, "follow_ups": 0}
		| NO_CALLBACK
		| NO_OUTCOME
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
	assert len(changes) == 5
	assert all(
		m
		== {"calls": 1, "connected": 0, "talk_time": 0, "zero_duration": 1, "follow_ups": 0}
		| NO_CALLBACK
		| NO_OUTCOME
		for _, m in changes
	)
	# inserted and deleted in one transaction: nothing
	assert merged_deltas([(None, call()), (call(), None)]) == []


def missed(**values):
	return call(
		direction="Incoming",
		call_status="missed",
		outcome="Missed",
		is_connected=0,
		duration=0,
		call_time=datetime(2026, 11, 2, 10, 0, 0, 900000),
		**values,
	)


def test_seconds_to_a_call_back_are_counted_as_timestampdiff_counts_them():
	at = datetime(2026, 11, 2, 10, 0, 0, 900000)
	assert callback_seconds(at, datetime(2026, 11, 2, 10, 0, 2, 100000)) == 1  # 1.2 s
	assert callback_seconds(at, datetime(2026, 11, 2, 10, 0, 1, 899999)) == 0
	assert callback_seconds(datetime(2026, 11, 2, 10, 0, 2, 100000), at) == -1  # toward zero, as MariaDB
	assert callback_seconds(at, None) is None and callback_seconds(None, at) is None
	# as Frappe hands them over: text, with or without microseconds
	assert callback_seconds("2026-11-02 10:00:00", "2026-11-02 11:00:00.5") == 3600


def test_a_called_back_missed_call_counts_its_wait_and_the_service_level():
	within = datetime(2026, 11, 2, 11, 0, 0, 900000)  # 3600 s: within the service level
	rows = contributions(missed(called_back_at=within))
	assert all(
		(m["called_back"], m["callback_seconds"], m["called_back_in_sl"]) == (1, 3600, 1)
		for m in rows.values()
	)
	late = contributions(missed(called_back_at=datetime(2026, 11, 2, 11, 0, 1, 900000)))
	assert all(
		(m["called_back"], m["callback_seconds"], m["called_back_in_sl"]) == (1, SERVICE_LEVEL_SECONDS + 1, 0)
		for m in late.values()
	)
	assert all(m["called_back"] == 0 for m in contributions(missed()).values())


def test_a_new_call_back_time_changes_only_the_call_back_metrics():
	changes = deltas(missed(), missed(called_back_at=datetime(2026, 11, 2, 10, 30, 0, 900000)))
	assert len(changes) == 5
	assert all(
		m
		== {"calls": 0, "connected": 0, "talk_time": 0, "zero_duration": 0, "follow_ups": 0}
		| {"called_back": 1, "callback_seconds": 1800, "called_back_in_sl": 1}
		| NO_OUTCOME
		for _, m in changes
	)
	# a missed call moved later by a minute: its wait shrinks by as much
	moved = deltas(
		missed(called_back_at=datetime(2026, 11, 2, 12, 0, 0, 900000)),
		missed(called_back_at=datetime(2026, 11, 2, 12, 0, 0, 900000))
		| {"call_time": datetime(2026, 11, 2, 10, 1, 0, 900000)},
	)
	assert {m["callback_seconds"] for _, m in moved} == {-60}


def test_rows_are_written_in_the_tables_key_order():
	"""Grain, day, then the MD5 the database keys the row with (what `key_sql` hashes: the values lowered,
	NULL as CHAR(0), joined by CHAR(31)): the order in which the database adds new calls too."""
	key = row_key("A", DAY, call(agent="B@Example.com", campaign=None))
	text = "\x1f".join(
		["a", "2026-11-02", "b@example.com", "north", "sales", "\x00", "outgoing", "called", "connected"]
	)
	assert lock_key(key) == ("A", DAY, hashlib.md5(text.encode()).hexdigest())
	changes = merged_deltas([(None, call(agent=f"agent{i}@example.com")) for i in range(20)])
	assert [lock_key(k) for k, _ in changes] == sorted(lock_key(k) for k, _ in changes)
