from datetime import date, datetime, time, timedelta, timezone

import pytest

from call_status_crm.core.calling_rules import (
	CAP_REACHED,
	DNC,
	HOLIDAY,
	OUTSIDE_WINDOW,
	InvalidDaysError,
	Rules,
	Target,
	Window,
	WindowRule,
	cap_frees_at,
	check,
	format_days,
	is_valid_window,
	load_zone,
	parse_days,
)

UTC = timezone.utc
NEW_YORK = "America/New_York"
EVERY_DAY = frozenset(range(7))
RULES = Rules()  # 08:00-21:00, Monday-Saturday, no cap


def utc(*args):
	return datetime(*args, tzinfo=UTC)


def ny(**kwargs):
	return Target(timezone=NEW_YORK, **kwargs)


# 2026-11-23 is a Monday; New York is UTC-5 in November.


def test_inside_the_window_is_allowed_now():
	verdict = check(RULES, ny(), utc(2026, 11, 23, 15, 0))
	assert verdict.allowed and verdict.reasons == ()
	assert verdict.next_allowed_at == utc(2026, 11, 23, 15, 0)
	assert verdict.local_time.hour == 10 and verdict.timezone == NEW_YORK


def test_before_the_window_opens_in_the_leads_time():
	verdict = check(RULES, ny(), utc(2026, 11, 23, 12, 30))  # 07:30 in New York
	assert not verdict.allowed and verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 11, 23, 13, 0)
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 11, 23, 8, 0)


def test_the_window_end_is_exclusive():
	assert check(RULES, ny(), utc(2026, 11, 24, 1, 59, 59)).allowed  # 20:59:59
	verdict = check(RULES, ny(), utc(2026, 11, 24, 2, 0))  # 21:00:00
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 11, 24, 13, 0)  # Tuesday 08:00


def test_the_window_start_is_inclusive():
	assert check(RULES, ny(), utc(2026, 11, 23, 13, 0)).allowed


def test_a_minute_before_midnight_waits_for_the_next_morning():
	verdict = check(RULES, ny(), utc(2026, 11, 24, 4, 59))  # Monday 23:59 local
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 11, 24, 8, 0)


def test_just_after_midnight_waits_for_the_same_morning():
	verdict = check(RULES, ny(), utc(2026, 11, 24, 5, 0))  # Tuesday 00:00 local
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 11, 24, 13, 0)


def test_the_local_day_not_the_utc_day_decides():
	# Tuesday 03:00 UTC is still Monday 19:00 in Los Angeles (UTC-8): inside the window
	verdict = check(RULES, Target(timezone="America/Los_Angeles"), utc(2026, 11, 24, 3, 0))
	assert verdict.allowed and verdict.local_time.date() == date(2026, 11, 23)


def test_saturday_night_waits_until_monday():
	verdict = check(RULES, ny(), utc(2026, 11, 29, 3, 0))  # Saturday 22:00 local
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 11, 30, 8, 0)


def test_sunday_is_outside_the_default_days():
	verdict = check(RULES, ny(), utc(2026, 11, 29, 16, 0))  # Sunday 11:00 local
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 11, 30, 13, 0)


def test_a_holiday_blocks_the_whole_local_day():
	rules = Rules(holidays=frozenset({date(2026, 11, 26)}))
	verdict = check(rules, ny(), utc(2026, 11, 26, 16, 0))  # Thanksgiving, 11:00
	assert verdict.reasons == (HOLIDAY,)
	assert verdict.next_allowed_at == utc(2026, 11, 27, 13, 0)


def test_a_holiday_night_gives_both_reasons():
	rules = Rules(holidays=frozenset({date(2026, 11, 26)}))
	assert check(rules, ny(), utc(2026, 11, 27, 3, 0)).reasons == (OUTSIDE_WINDOW, HOLIDAY)


def test_holidays_and_the_weekend_add_up():
	rules = Rules(holidays=frozenset({date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)}))
	verdict = check(rules, ny(), utc(2026, 12, 25, 15, 0))  # Friday; Sat holiday, Sun off, Mon holiday
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 12, 29, 8, 0)


def test_holidays_are_the_leads_local_dates():
	rules = Rules(holidays=frozenset({date(2027, 1, 1)}), window=Window(days=EVERY_DAY))
	# 23:30 UTC on 31 December is 08:30 on 1 January in Tokyo
	verdict = check(rules, Target(timezone="Asia/Tokyo"), utc(2026, 12, 31, 23, 30))
	assert verdict.reasons == (HOLIDAY,)
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2027, 1, 2, 8, 0)


def test_a_lead_ten_hours_ahead_of_the_agent():
	# the agent works in London (UTC in winter); the lead is in Brisbane (UTC+10, no DST)
	rules = Rules(site_timezone="Europe/London")
	brisbane = Target(timezone="Australia/Brisbane")
	assert check(rules, brisbane, utc(2026, 11, 23, 10, 0)).allowed  # 20:00 in Brisbane
	verdict = check(rules, brisbane, utc(2026, 11, 23, 11, 30))  # 21:30 in Brisbane
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 11, 23, 22, 0)  # 08:00 Tuesday in Brisbane
	# …while the agent's afternoon is the lead's midnight
	assert not check(rules, brisbane, utc(2026, 11, 24, 14, 0)).allowed  # 00:00 Wednesday in Brisbane
	assert check(rules, Target(), utc(2026, 11, 24, 14, 0)).allowed  # no lead zone: London's 14:00


def test_no_lead_zone_uses_the_sites():
	rules = Rules(site_timezone="Asia/Kolkata")
	verdict = check(rules, Target(), utc(2026, 11, 23, 2, 0))  # 07:30 in India
	assert verdict.timezone == "Asia/Kolkata"
	assert verdict.next_allowed_at == utc(2026, 11, 23, 2, 30)


def test_an_unknown_lead_zone_falls_back_to_the_sites():
	assert (
		check(Rules(site_timezone=NEW_YORK), Target(timezone="Mars/Base"), utc(2026, 11, 23)).timezone
		== NEW_YORK
	)
	assert load_zone("Nowhere/Else", "").key == "UTC"


def test_a_naive_moment_is_utc():
	assert check(RULES, ny(), datetime(2026, 11, 23, 15, 0)).next_allowed_at == utc(2026, 11, 23, 15, 0)


FLORIDA = WindowRule("United States", Window(time(8), time(20)), state="Florida")
US_WEEKDAYS = WindowRule("United States", Window(time(9), time(21), frozenset(range(5))))


def test_a_state_override_narrows_the_window():
	rules = Rules(overrides=(FLORIDA,))
	miami = Target(timezone=NEW_YORK, country="United States", state="Florida")
	verdict = check(rules, miami, utc(2026, 11, 24, 1, 30))  # 20:30 local
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 11, 24, 8, 0)
	other_state = Target(timezone=NEW_YORK, country="United States", state="Georgia")
	assert check(rules, other_state, utc(2026, 11, 24, 1, 30)).allowed


def test_the_state_override_wins_over_the_country_override():
	rules = Rules(overrides=(US_WEEKDAYS, FLORIDA))
	assert rules.window_for("United States", "Florida") == FLORIDA.window
	assert rules.window_for("United States", "Texas") == US_WEEKDAYS.window
	assert rules.window_for("United States", None) == US_WEEKDAYS.window
	assert rules.window_for("India", "Kerala") == Rules().window
	assert rules.window_for(None, "Florida") == Rules().window


def test_override_matching_ignores_case_and_spaces():
	rules = Rules(overrides=(FLORIDA,))
	assert rules.window_for(" united states", "FLORIDA ") == FLORIDA.window


def test_an_override_has_its_own_days():
	rules = Rules(overrides=(US_WEEKDAYS,))
	texas = Target(timezone="America/Chicago", country="United States")
	verdict = check(rules, texas, utc(2026, 11, 28, 17, 0))  # Saturday 11:00 in Texas
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at_local.replace(tzinfo=None) == datetime(2026, 11, 30, 9, 0)


CALLS = (utc(2026, 11, 22, 16, 0), utc(2026, 11, 23, 14, 0), utc(2026, 11, 23, 15, 0))


def test_under_the_cap_is_allowed():
	assert check(Rules(max_attempts_24h=3), ny(recent_calls=CALLS[1:]), utc(2026, 11, 23, 15, 30)).allowed


def test_the_cap_waits_for_the_oldest_call_to_drop_out():
	verdict = check(Rules(max_attempts_24h=3), ny(recent_calls=CALLS), utc(2026, 11, 23, 15, 30))
	assert verdict.reasons == (CAP_REACHED,)
	assert verdict.next_allowed_at == utc(2026, 11, 23, 16, 0)  # 24 h after the oldest


def test_a_call_exactly_24_hours_ago_no_longer_counts():
	assert check(Rules(max_attempts_24h=3), ny(recent_calls=CALLS), utc(2026, 11, 23, 16, 0)).allowed


def test_the_cap_frees_only_as_many_calls_as_needed():
	calls = [utc(2026, 11, 23, hour) for hour in (1, 2, 3, 4, 5)]
	assert cap_frees_at(calls, 3, utc(2026, 11, 23, 6)) == utc(2026, 11, 24, 3)
	assert cap_frees_at(calls, 0, utc(2026, 11, 23, 6)) is None
	assert cap_frees_at(calls, 6, utc(2026, 11, 23, 6)) is None
	assert cap_frees_at(calls, 5, utc(2026, 11, 24, 1, 30)) is None  # the 01:00 call has left


def test_the_cap_frees_outside_the_window_then_waits_for_it():
	calls = (utc(2026, 11, 23, 1, 30), utc(2026, 11, 23, 20))  # the first at 20:30 in New York
	verdict = check(Rules(max_attempts_24h=2), ny(recent_calls=calls), utc(2026, 11, 23, 21))
	assert verdict.reasons == (CAP_REACHED,)
	# it frees at 20:30 on Monday in New York, then the window: Tuesday 20:30 is inside
	assert verdict.next_allowed_at == utc(2026, 11, 24, 1, 30)
	calls = (utc(2026, 11, 23, 2, 30), utc(2026, 11, 23, 20))  # the first at 21:30 in New York
	verdict = check(Rules(max_attempts_24h=2), ny(recent_calls=calls), utc(2026, 11, 23, 21))
	assert verdict.next_allowed_at == utc(2026, 11, 24, 13, 0)  # Tuesday 08:00


def test_no_cap_counts_nothing():
	many = tuple(utc(2026, 11, 23, 14, minute) for minute in range(50))
	assert check(RULES, ny(recent_calls=many), utc(2026, 11, 23, 15)).allowed


def test_a_listed_number_is_never_allowed():
	verdict = check(RULES, ny(on_dnc=True), utc(2026, 11, 23, 15, 0))
	assert verdict.reasons == (DNC,)
	assert verdict.next_allowed_at is None and verdict.next_allowed_at_local is None


def test_every_reason_at_once():
	rules = Rules(max_attempts_24h=1, holidays=frozenset({date(2026, 11, 26)}))
	target = ny(on_dnc=True, recent_calls=(utc(2026, 11, 26, 20),))
	verdict = check(rules, target, utc(2026, 11, 27, 2, 0))  # 21:00 on the holiday in New York
	assert verdict.reasons == (DNC, OUTSIDE_WINDOW, HOLIDAY, CAP_REACHED)
	assert not verdict.allowed and verdict.next_allowed_at is None


def test_a_window_with_no_days_never_opens():
	rules = Rules(window=Window(days=frozenset()))
	verdict = check(rules, ny(), utc(2026, 11, 23, 15))
	assert verdict.reasons == (OUTSIDE_WINDOW,) and verdict.next_allowed_at is None


def test_parse_days():
	assert parse_days("Mon, tue,Saturday") == frozenset({0, 1, 5})
	assert parse_days("") == parse_days(None) == frozenset()
	assert format_days({6, 0, 4}) == "Mon,Fri,Sun"
	assert parse_days(format_days(range(7))) == EVERY_DAY
	with pytest.raises(InvalidDaysError) as raised:
		parse_days("Mon,Funday")
	assert raised.value.token == "Funday"


def test_a_window_must_open_before_it_closes():
	assert is_valid_window(time(8), time(21))
	assert not is_valid_window(time(21), time(8))
	assert not is_valid_window(time(8), time(8))
	assert not is_valid_window(None, time(8))


def test_next_allowed_is_given_in_the_leads_time_too():
	verdict = check(RULES, Target(timezone="Asia/Kolkata"), utc(2026, 11, 23, 16, 0))  # 21:30 IST
	assert verdict.next_allowed_at == utc(2026, 11, 24, 2, 30)
	assert verdict.next_allowed_at_local.isoformat() == "2026-11-24T08:00:00+05:30"
	assert timedelta(0) < verdict.next_allowed_at - utc(2026, 11, 23, 16, 0) < timedelta(hours=11)
