from itertools import pairwise

from call_status_crm.core.statuses import (
	DIRECTIONS,
	OUTCOMES,
	SYSTEM_STATUS_CODES,
	SYSTEM_STATUSES,
	is_valid_code,
	is_visible,
	matches_direction,
	missing_system_statuses,
	sort_key,
	visible_statuses,
)


def test_code_format():
	for code in ("called", "no_answer", "a", "x1", "post_processing_incomplete"):
		assert is_valid_code(code), code
	for code in ("", None, "Called", "1busy", "_busy", "no-answer", "no answer", "busé", "a" * 65, "busy\n"):
		assert not is_valid_code(code), code


def test_catalogue_has_the_twenty_design_statuses_in_order():
	codes = [spec.code for spec in SYSTEM_STATUSES]
	assert codes == [
		"called",
		"busy",
		"no_answer",
		"missed",
		"in_progress",
		"follow_up",
		"rescheduled",
		"rejected",
		"voicemail",
		"canceled",
		"unavailable",
		"ivr_drop",
		"welcome_drop",
		"not_set_up",
		"qualified",
		"disqualified",
		"call_terminated",
		"not_accepted",
		"post_processing_incomplete",
		"missed_by_system",
	]
	assert [spec.sort_order for spec in SYSTEM_STATUSES] == list(range(10, 210, 10))
	assert len(SYSTEM_STATUS_CODES) == 20
	for spec in SYSTEM_STATUSES:
		assert is_valid_code(spec.code)
		assert spec.direction in DIRECTIONS
		assert spec.outcome in OUTCOMES


def test_catalogue_rows_match_design():
	by_code = {spec.code: spec for spec in SYSTEM_STATUSES}
	busy = by_code["busy"]
	assert (busy.status_title, busy.direction, busy.outcome, busy.lead_status, busy.show_to_agent) == (
		"Busy",
		"Outgoing",
		"Attempt",
		"Not Picked",
		True,
	)
	missed = by_code["missed"]
	assert (missed.direction, missed.outcome, missed.lead_status) == ("Incoming", "Missed", "Missed")
	assert by_code["called"].lead_status is None
	assert by_code["in_progress"].outcome == "Live" and not by_code["in_progress"].show_to_agent
	assert by_code["follow_up"].requires_follow_up and not by_code["follow_up"].requires_note
	assert by_code["rescheduled"].requires_follow_up and by_code["rescheduled"].requires_note
	assert by_code["qualified"].lead_status == "Interested"
	assert by_code["disqualified"].lead_status == "Not Interested"
	assert by_code["not_set_up"].status_title == "Call not set up (out of hours)"
	hidden = {spec.code for spec in SYSTEM_STATUSES if not spec.show_to_agent}
	assert hidden == {
		"in_progress",
		"canceled",
		"unavailable",
		"ivr_drop",
		"welcome_drop",
		"not_set_up",
		"call_terminated",
		"not_accepted",
		"post_processing_incomplete",
		"missed_by_system",
	}


def test_record_marks_system_and_set_by():
	record = SYSTEM_STATUSES[4].as_record()  # in_progress
	assert record["is_system"] is True
	assert record["set_by"] == "System"
	assert record["lead_status"] == ""
	assert SYSTEM_STATUSES[0].as_record()["set_by"] == "Agent"


def test_missing_system_statuses_keeps_existing_untouched():
	assert [s.code for s in missing_system_statuses([])] == [s.code for s in SYSTEM_STATUSES]
	missing = missing_system_statuses(["called", "busy", "my_custom"])
	assert [s.code for s in missing][:2] == ["no_answer", "missed"]
	assert len(missing) == 18
	assert missing_system_statuses(SYSTEM_STATUS_CODES) == []


def test_direction_matching():
	assert matches_direction("Any", "Outgoing")
	assert matches_direction("Outgoing", "Outgoing")
	assert not matches_direction("Incoming", "Outgoing")
	assert not matches_direction("Outgoing", "Incoming")
	assert matches_direction("Incoming", None)
	assert matches_direction("Incoming", "Any")
	assert matches_direction(None, "Incoming")


def _status(code, title, sort, direction="Any", agent=1, ai=1):
	return {
		"code": code,
		"status_title": title,
		"sort_order": sort,
		"direction": direction,
		"show_to_agent": agent,
		"show_to_ai_agent": ai,
	}


def test_visibility_by_audience_and_direction():
	busy = _status("busy", "Busy", 20, "Outgoing")
	hidden = _status("in_progress", "In-progress", 50, agent=0, ai=0)
	ai_only = _status("bot_done", "Bot done", 5, agent=0, ai=1)
	assert is_visible(busy, "agent", "Outgoing")
	assert not is_visible(busy, "agent", "Incoming")
	assert not is_visible(hidden, "agent")
	assert not is_visible(hidden, "ai_agent")
	assert is_visible(ai_only, "ai_agent", "Incoming")
	assert not is_visible(ai_only, "agent", "Incoming")


def test_visible_statuses_sorted_by_sort_order_then_title_then_code():
	statuses = [
		_status("z", "Zed", 10),
		_status("b", "Alpha", 10),
		_status("a", "Alpha", 10),
		_status("first", "Last title", 1),
		_status("in", "Incoming only", 0, "Incoming"),
		_status("hidden", "Hidden", 0, agent=0),
	]
	assert [s["code"] for s in visible_statuses(statuses, "agent", "Outgoing")] == ["first", "a", "b", "z"]
	assert [s["code"] for s in visible_statuses(statuses, "agent")] == ["in", "first", "a", "b", "z"]
	assert sort_key({"code": "x"}) == (0, "", "x")


def test_statuses_offered_for_a_direction_each_have_their_own_color():
	statuses = [spec.as_record() for spec in SYSTEM_STATUSES]
	for audience in ("agent", "ai_agent"):
		for direction in ("Outgoing", "Incoming"):
			colors = [s["indicator_color"] for s in visible_statuses(statuses, audience, direction)]
			assert len(colors) == len(set(colors)), (audience, direction, colors)


def test_statuses_next_to_each_other_never_share_a_color():
	ordered = sorted((spec.as_record() for spec in SYSTEM_STATUSES), key=sort_key)
	for before, after in pairwise(ordered):
		assert before["indicator_color"] != after["indicator_color"], (before["code"], after["code"])
	busy, no_answer = (
		next(s for s in SYSTEM_STATUSES if s.code == code).indicator_color for code in ("busy", "no_answer")
	)
	assert busy != no_answer
