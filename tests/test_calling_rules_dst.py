"""The calling rules across clock changes: New York moves to UTC-4 on Sunday 8 March 2026 and back to
UTC-5 on Sunday 1 November 2026; London moves on 29 March."""

from datetime import date, datetime, time, timezone

from call_status_crm.core.calling_rules import (
	OUTSIDE_WINDOW,
	Rules,
	Target,
	Window,
	check,
	first_instant_at,
	load_zone,
)

UTC = timezone.utc
NEW_YORK = "America/New_York"
EVERY_DAY = frozenset(range(7))
RULES = Rules()


def utc(*args):
	return datetime(*args, tzinfo=UTC)


def ny(**kwargs):
	return Target(timezone=NEW_YORK, **kwargs)


def test_the_window_follows_the_dst_change():
	# New York moves to UTC-4 on Sunday 8 March 2026: the same UTC moment is 07:30 before, 08:30 after
	assert check(RULES, ny(), utc(2026, 3, 6, 12, 30)).reasons == (OUTSIDE_WINDOW,)
	assert check(RULES, ny(), utc(2026, 3, 9, 12, 30)).allowed
	verdict = check(RULES, ny(), utc(2026, 3, 7, 2, 30))  # Friday 21:30 EST
	assert verdict.next_allowed_at == utc(2026, 3, 7, 13, 0)  # Saturday 08:00 EST
	verdict = check(RULES, ny(), utc(2026, 3, 8, 2, 0))  # Saturday 21:00 EST; Sunday off
	assert verdict.next_allowed_at == utc(2026, 3, 9, 12, 0)  # Monday 08:00 EDT


def test_a_window_the_spring_forward_shortens():
	# 01:30-03:30 on 8 March 2026 in New York lasts one hour: 02:00 EST jumps to 03:00 EDT
	rules = Rules(window=Window(time(1, 30), time(3, 30), EVERY_DAY))
	assert check(rules, ny(), utc(2026, 3, 8, 6, 30)).allowed  # 01:30 EST
	assert check(rules, ny(), utc(2026, 3, 8, 7, 15)).allowed  # 03:15 EDT
	verdict = check(rules, ny(), utc(2026, 3, 8, 7, 30))  # 03:30 EDT: one hour after it opened
	assert verdict.reasons == (OUTSIDE_WINDOW,)
	assert verdict.next_allowed_at == utc(2026, 3, 9, 5, 30)  # Monday 01:30 EDT


def test_a_window_opening_in_the_skipped_hour_opens_when_the_clocks_jump():
	rules = Rules(window=Window(time(2, 30), time(5), EVERY_DAY))
	verdict = check(rules, ny(), utc(2026, 3, 8, 5, 0))  # 00:00 EST
	assert verdict.next_allowed_at == utc(2026, 3, 8, 7, 0)  # 03:00 EDT, the first moment past 02:30
	assert first_instant_at(date(2026, 3, 8), time(2, 30), load_zone(NEW_YORK)) == utc(2026, 3, 8, 7, 0)


def test_a_window_inside_the_skipped_hour_does_not_open_that_day():
	rules = Rules(window=Window(time(2, 10), time(2, 50), EVERY_DAY))
	verdict = check(rules, ny(), utc(2026, 3, 8, 5, 0))
	assert verdict.next_allowed_at == utc(2026, 3, 9, 6, 10)  # Monday 02:10 EDT


def test_a_window_the_fall_back_lengthens():
	# 01:00-02:00 on 1 November 2026 in New York: 01:00 EDT (05:00 UTC) to 02:00 EST (07:00 UTC)
	rules = Rules(window=Window(time(1), time(2), EVERY_DAY))
	verdict = check(rules, ny(), utc(2026, 11, 1, 4, 0))
	assert verdict.next_allowed_at == utc(2026, 11, 1, 5, 0)  # the first of the two 01:00s
	assert check(rules, ny(), utc(2026, 11, 1, 6, 30)).allowed  # the second 01:30 (EST)
	assert not check(rules, ny(), utc(2026, 11, 1, 7, 0)).allowed


def test_europe_and_america_change_clocks_on_different_days():
	# 20 March 2026: New York already on EDT (UTC-4), London still on GMT
	london = Target(timezone="Europe/London")
	assert check(RULES, london, utc(2026, 3, 20, 20, 30)).allowed  # 20:30 GMT
	assert check(RULES, ny(), utc(2026, 3, 20, 12, 0)).allowed  # 08:00 EDT
	assert not check(RULES, ny(), utc(2026, 3, 5, 12, 0)).allowed  # 07:00 EST
