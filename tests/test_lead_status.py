from datetime import datetime, timedelta

from call_status_crm.core.lead_options import DEFAULT_PROTECTED_LEAD_STATUSES
from call_status_crm.core.lead_status import CallFact, is_connected, next_lead_status, summarize_calls

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
	assert (summary.connected_calls, summary.lead_status) == (0, None)


def test_latest_call_by_call_time_wins_not_the_last_saved():
	newer = call("CALL-2", 60, "qualified", "Interested", duration=120)
	back_dated = call("CALL-3", 0, "busy", "Not Picked", logged_after=600)
	summary = summarize_calls([newer, back_dated])
	assert summary.lead_status == "Interested"
	assert summary.last_call_status == "qualified"
	assert summary.last_call_time == T0 + timedelta(minutes=60)
	assert (summary.call_attempts, summary.connected_calls) == (2, 1)


def test_a_call_that_sets_no_lead_status_leaves_the_previous_one():
	summary = summarize_calls([call("A", 0, "busy", "Not Picked"), call("B", 5, "in_progress")])
	assert summary.lead_status == "Not Picked"
	assert summary.last_call_status == "in_progress"


def test_ties_on_call_time_break_by_creation_then_name():
	first = call("B", 0, "busy", "Not Picked", logged_after=0)
	second = call("A", 0, "qualified", "Interested", logged_after=1)
	assert summarize_calls([second, first]).lead_status == "Interested"
	same = [CallFact("X1", T0, "busy", "Not Picked"), CallFact("X2", T0, "qualified", "Interested")]
	assert summarize_calls(reversed(same)).lead_status == "Interested"


def test_connected_is_duration_above_zero_whatever_the_status():
	assert is_connected(1) and not is_connected(0) and not is_connected(None)
	summary = summarize_calls([call("A", 0, "busy", duration=3), call("B", 1, "called", duration=0)])
	assert summary.connected_calls == 1


def test_next_lead_status_rules():
	protected = DEFAULT_PROTECTED_LEAD_STATUSES
	assert next_lead_status("Open", "Not Picked", protected) == "Not Picked"
	assert next_lead_status("Not Picked", "Not Picked", protected) is None
	for status in protected:
		assert next_lead_status(status, "Not Picked", protected) is None
	assert next_lead_status("Not Picked", None, protected, fallback="Open") == "Open"
	assert next_lead_status("Not Picked", None, protected) is None
	assert next_lead_status("Converted", None, protected, fallback="Open") is None
	assert next_lead_status("Open", "Interested", []) == "Interested"
