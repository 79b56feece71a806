from datetime import date, datetime, time, timedelta

import pytest

from call_status_crm.core.calls import (
	MAX_DURATION_SECONDS,
	MAX_NOTE_LENGTH,
	call_name,
	call_number,
	callback_times,
	is_absurd_duration,
	is_before_records,
	is_in_future,
	is_note_too_long,
	next_working_day_at,
	note_as_typed,
	whole_seconds,
)


def test_duration_limits():
	assert not is_absurd_duration(MAX_DURATION_SECONDS)
	assert is_absurd_duration(MAX_DURATION_SECONDS + 1)
	assert not is_absurd_duration(None)


def test_future_tolerance():
	now = datetime(2026, 11, 23, 12, 0)
	assert not is_in_future(now + timedelta(minutes=1), now)
	assert is_in_future(now + timedelta(minutes=3), now)
	assert not is_in_future(now - timedelta(days=3), now)


def test_times_before_records_are_not_call_times():
	assert is_before_records(datetime(1000, 1, 1))
	assert is_before_records(datetime(1999, 12, 31, 23, 59))
	assert not is_before_records(datetime(2000, 1, 1))


def test_note_length():
	assert not is_note_too_long(None)
	assert not is_note_too_long("x" * MAX_NOTE_LENGTH)
	assert is_note_too_long("x" * (MAX_NOTE_LENGTH + 1))


def test_next_working_day_skips_weekends_by_default():
	friday = datetime(2026, 11, 27, 16, 30)
	assert next_working_day_at(friday, time(10)) == datetime(2026, 11, 30, 10, 0)
	monday = datetime(2026, 11, 23, 9, 0)
	assert next_working_day_at(monday, time(10)) == datetime(2026, 11, 24, 10, 0)


def test_next_working_day_uses_the_holiday_list():
	holidays = {date(2026, 11, 24), date(2026, 11, 25)}
	monday = datetime(2026, 11, 23, 9, 0)
	assert next_working_day_at(monday, time(10, 30), lambda d: d in holidays) == datetime(
		2026, 11, 26, 10, 30
	)
	assert next_working_day_at(monday, time(10), lambda d: True, max_days=3) == datetime(2026, 11, 24, 10, 0)


def test_call_names():
	assert call_name(7, 2026) == "CALL-2026-00007"
	assert call_name(1234567, 2027) == "CALL-2027-1234567"
	assert call_number("CALL-2026-00007") == 7
	assert call_number(call_name(1234567, 2027)) == 1234567
	for other in ("BENCH-CALL-12", "CALL-26-00001", "CALL-2026-", "CALL-2026-12a", None):
		assert call_number(other) is None


def test_callback_times():
	at = datetime(2026, 11, 23, 9, 0)
	missed = {"m1": at, "m2": at + timedelta(hours=2), "m3": at + timedelta(hours=5)}
	outgoing = [at + timedelta(hours=3), at - timedelta(hours=1), at + timedelta(minutes=30)]
	assert callback_times(missed, outgoing) == {
		"m1": at + timedelta(minutes=30),
		"m2": at + timedelta(hours=3),
		"m3": None,
	}
	# a call at the very same second is not a call back
	assert callback_times({"m": at}, [at]) == {"m": None}
	assert callback_times({}, outgoing) == {}


@pytest.mark.parametrize(
	("value", "expected"),
	[
		(0, 0),
		(35, 35),
		(35.0, 35),
		("35", 35),
		(" 35 ", 35),
		("-5", -5),
		("abc", None),
		(1.5, None),
		(True, None),
		("", None),
		(None, None),
		([], None),
		("1e3", None),
	],
)
def test_whole_seconds(value, expected):
	assert whole_seconds(value) == expected


@pytest.mark.parametrize(
	("stored", "typed"),
	[
		(None, ""),
		("call back at 5", "call back at 5"),
		("a < b", "a < b"),  # no tag: Frappe stores it as typed
		("Tom & Jerry", "Tom & Jerry"),
		("ask for &lt;Smith&gt; &amp; co", "ask for <Smith> & co"),  # sanitized: a literal < became &lt;
		("x &lt; y <b>z</b>", "x < y z"),
		("a < b > c", "a < b > c"),
	],
)
def test_a_note_reads_as_typed(stored, typed):
	assert note_as_typed(stored) == typed
