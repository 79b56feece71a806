from datetime import datetime, timedelta, timezone

import pytest

from call_status_crm.core.times import (
	ImpossibleOffsetError,
	NotADatetimeError,
	parse_datetime,
	to_site_time,
)


@pytest.mark.parametrize(
	("text", "expected"),
	[
		("2026-12-03 05:00:00", datetime(2026, 12, 3, 5, 0)),
		("2026-12-03 05:00", datetime(2026, 12, 3, 5, 0)),
		("2026-12-03T05:00:07", datetime(2026, 12, 3, 5, 0, 7)),
		("2026-12-03 05:00:07.25", datetime(2026, 12, 3, 5, 0, 7, 250000)),
		(" 2026-12-03 05:00:00 ", datetime(2026, 12, 3, 5, 0)),
	],
)
def test_full_dates_and_times_without_a_zone_stay_naive(text, expected):
	assert parse_datetime(text) == expected
	assert parse_datetime(text).tzinfo is None


@pytest.mark.parametrize(
	("text", "offset"),
	[
		("2026-12-03T05:00:00Z", timedelta(0)),
		("2026-12-03T05:00:00z", timedelta(0)),
		("2026-12-03 05:00:00 UTC", timedelta(0)),
		("2026-12-03T05:00:00+05:30", timedelta(hours=5, minutes=30)),
		("2026-12-03T05:00:00+0530", timedelta(hours=5, minutes=30)),
		("2026-12-03T05:00:00-03", timedelta(hours=-3)),
		("2026-12-03T05:00:00+14:00", timedelta(hours=14)),
		("2026-12-03T05:00:00-12:00", timedelta(hours=-12)),
	],
)
def test_iso_8601_zones_are_kept(text, offset):
	assert parse_datetime(text).utcoffset() == offset


@pytest.mark.parametrize(
	"text",
	[
		"2026-12-03T05:00:00+14:01",
		"2026-12-03T05:00:00+15:00",
		"2026-12-03T05:00:00+05:60",
		"2026-12-03T05:00:00-99",
	],
)
def test_offsets_that_do_not_exist_are_refused(text):
	with pytest.raises(ImpossibleOffsetError):
		parse_datetime(text)


@pytest.mark.parametrize(
	"value",
	[
		"-1",
		"1",
		"Dec",
		"2026",
		"2026-12-03",
		"03-12-2026 10:00",
		"2026-02-30 10:00",
		"2026-12-03 25:00",
		"",
		None,
		5,
		True,
	],
)
def test_anything_but_a_full_date_and_time_is_refused(value):
	with pytest.raises(NotADatetimeError):
		parse_datetime(value)


def test_a_datetime_is_taken_as_it_is():
	at = datetime(2026, 12, 3, 5, 0, tzinfo=timezone.utc)
	assert parse_datetime(at) is at


def test_a_time_with_a_zone_becomes_the_sites_time():
	assert to_site_time(parse_datetime("2026-12-03T05:00:00Z"), "Asia/Kolkata") == datetime(
		2026, 12, 3, 10, 30
	)
	assert to_site_time(parse_datetime("2026-12-03T10:30:00+05:30"), "America/New_York") == datetime(
		2026, 12, 3, 0, 0
	)
	# across a DST change: New York is UTC-4 in July
	assert to_site_time(parse_datetime("2026-07-01T12:00:00Z"), "America/New_York") == datetime(
		2026, 7, 1, 8, 0
	)


def test_a_naive_time_is_already_the_sites():
	assert to_site_time(datetime(2026, 12, 3, 5, 0), "Asia/Kolkata") == datetime(2026, 12, 3, 5, 0)
