from datetime import datetime, timedelta

from call_status_crm.core.lead_options import DEFAULT_PROTECTED_LEAD_STATUSES
from call_status_crm.core.lead_status import (
	CallChange,
	CallFact,
	is_connected,
	latest_status_call,
	next_lead_status,
	summarize_calls,
)

T0 = datetime(2026, 11, 2, 9, 0)


def call(name, minutes, status, lead_status=None, duration=0, logged_after=0):
	return CallFact(
		name=name,
		call_time=T0 + timedelta(minutes=minutes),
		call_status=status,
		lead_status=lead_status,
		duration=duration,
		creation=T0 + timedelta(minutes=minutes + logged_after),
	)


def test_no_calls():
	summary = summarize_calls([])
	assert (summary.last_call_time, summary.last_call_status, summary.call_attempts) == (None, None, 0)
	assert summary.connected_calls == 0


def test_latest_call_by_call_time_wins_not_the_last_saved():
	newer = call("CALL-2", 60, "qualified", "Interested", duration=120)
	back_dated = call("CALL-3", 0, "busy", "Not Picked", logged_after=600)
	summary = summarize_calls([newer, back_dated])
	assert summary.last_call_agent is None
	assert latest_status_call([newer, back_dated]).lead_status == "Interested"
	assert summary.last_call_status == "qualified"
	assert summary.last_call_time == T0 + timedelta(minutes=60)
	assert (summary.call_attempts, summary.connected_calls) == (2, 1)


def test_a_call_that_sets_no_lead_status_leaves_the_previous_one():
	calls = [call("A", 0, "busy", "Not Picked"), call("B", 5, "in_progress")]
	assert latest_status_call(calls).lead_status == "Not Picked"
	assert summarize_calls(calls).last_call_status == "in_progress"


def test_ties_on_call_time_break_by_creation_then_name():
	first = call("B", 0, "busy", "Not Picked", logged_after=0)
	second = call("A", 0, "qualified", "Interested", logged_after=1)
	assert latest_status_call([second, first]).lead_status == "Interested"
	same = [
		CallFact("X1", T0, "busy", "Not Picked", agent="a"),
		CallFact("X2", T0, "qualified", "Interested", agent="b"),
	]
	assert latest_status_call(reversed(same)).lead_status == "Interested"
	assert summarize_calls(reversed(same)).last_call_status == "qualified"
	assert summarize_calls(reversed(same)).last_call_agent == "b"


def test_connected_is_duration_above_zero_whatever_the_status():
	assert is_connected(1) and not is_connected(0) and not is_connected(None)
	summary = summarize_calls([call("A", 0, "busy", duration=3), call("B", 1, "called", duration=0)])
	assert summary.connected_calls == 1


PROTECTED = DEFAULT_PROTECTED_LEAD_STATUSES


def change(others=(), before=None, after=None, previous="Open"):
	return CallChange(tuple(others), before, after, previous)


def test_first_call_sets_the_lead_status():
	busy = call("A", 0, "busy", "Not Picked")
	assert next_lead_status(change(after=busy), "Open", PROTECTED) == "Not Picked"
	assert next_lead_status(change(after=busy), "Not Picked", PROTECTED) is None


def test_back_dated_call_saved_after_a_newer_one_changes_nothing():
	newer = call("A", 60, "qualified", "Interested")
	back_dated = call("B", 0, "busy", "Not Picked", logged_after=600)
	assert next_lead_status(change(others=[newer], after=back_dated), "Interested", PROTECTED) is None
	# nor does it undo a status set by hand after the newer call
	assert next_lead_status(change(others=[newer], after=back_dated), "Replied", PROTECTED) is None


def test_newer_call_overrides_older_one():
	older = call("A", 0, "busy", "Not Picked")
	newer = call("B", 60, "qualified", "Interested")
	assert next_lead_status(change(others=[older], after=newer), "Not Picked", PROTECTED) == "Interested"


def test_call_that_sets_no_status_changes_nothing():
	older = call("A", 0, "busy", "Not Picked")
	live = call("B", 60, "in_progress")
	assert next_lead_status(change(others=[older], after=live), "Not Picked", PROTECTED) is None


def test_protected_statuses_are_never_overwritten():
	busy = call("A", 0, "busy", "Not Picked")
	for status in PROTECTED:
		assert next_lead_status(change(after=busy), status, PROTECTED) is None
	assert next_lead_status(change(after=busy), "Converted", []) == "Not Picked"


def test_editing_the_latest_call_re_derives():
	older = call("A", 0, "busy", "Not Picked")
	before = call("B", 60, "qualified", "Interested")
	after = call("B", 60, "disqualified", "Not Interested")
	assert next_lead_status(change([older], before, after), "Interested", PROTECTED) == "Not Interested"
	# moved back in time, behind the older call: the older call is now the latest
	moved = call("B", -60, "qualified", "Interested")
	assert next_lead_status(change([older], before, moved), "Interested", PROTECTED) == "Not Picked"


def test_deleting_the_latest_call_falls_back_to_the_one_before():
	older = call("A", 0, "busy", "Not Picked")
	latest = call("B", 60, "qualified", "Interested")
	assert next_lead_status(change([older], before=latest), "Interested", PROTECTED) == "Not Picked"


def test_deleting_an_older_call_changes_nothing():
	older = call("A", 0, "busy", "Not Picked")
	latest = call("B", 60, "qualified", "Interested")
	assert next_lead_status(change([latest], before=older), "Interested", PROTECTED) is None


def test_deleting_the_only_call_restores_the_previous_status():
	busy = call("A", 0, "busy", "Not Picked")
	assert next_lead_status(change(before=busy, previous="Open"), "Not Picked", PROTECTED) == "Open"
	# unless someone changed the Lead by hand since
	assert next_lead_status(change(before=busy, previous="Open"), "Replied", PROTECTED) is None
	assert next_lead_status(change(before=busy, previous=None), "Not Picked", PROTECTED) is None


def test_latest_status_call():
	assert latest_status_call([]) is None
	calls = [
		call("A", 0, "busy", "Not Picked"),
		call("B", 60, "in_progress"),
		call("C", 30, "called", "Replied"),
	]
	assert latest_status_call(calls).name == "C"
