from datetime import date

import pytest

from call_status_crm.core.reports import count_outcomes, fold_periods, period_start, rate


def test_period_start():
	wednesday = date(2026, 11, 25)
	assert period_start(wednesday, "Daily") == wednesday
	assert period_start(wednesday, "Weekly", "Monday") == date(2026, 11, 23)
	assert period_start(wednesday, "Weekly", "Sunday") == date(2026, 11, 22)
	assert period_start(date(2026, 11, 22), "Weekly", "Sunday") == date(2026, 11, 22)
	assert period_start(date(2026, 11, 22), "Weekly", "Monday") == date(2026, 11, 16)
	assert period_start(wednesday, "Monthly") == date(2026, 11, 1)
	with pytest.raises(ValueError):
		period_start(wednesday, "Hourly")


def test_rate():
	assert rate(1, 3) == 33.3
	assert rate(0, 0) == 0.0
	assert rate(5, 5) == 100.0


def row(day, status, calls, attempts=0, connected=0, missed=0):
	return {
		"day": day,
		"call_status": status,
		"calls": calls,
		"attempts": attempts,
		"connected": connected,
		"missed": missed,
	}


def test_fold_days_into_weeks_and_months():
	rows = [
		row(date(2026, 11, 30), "busy", 2, attempts=2),
		row(date(2026, 11, 23), "busy", 3, attempts=3),
		row(date(2026, 11, 24), "called", 4, connected=3),
		row(date(2026, 11, 24), "missed", 1, missed=1),
		row(date(2026, 12, 1), "called", 1, connected=1),
	]
	weeks = fold_periods(rows, "Weekly", "Monday")
	assert list(weeks) == [date(2026, 11, 23), date(2026, 11, 30)]
	assert weeks[date(2026, 11, 23)] == {
		"by_status": {"busy": 3, "called": 4, "missed": 1},
		"calls": 8,
		"attempts": 3,
		"connected": 3,
		"missed": 1,
	}
	assert weeks[date(2026, 11, 30)]["by_status"] == {"busy": 2, "called": 1}
	months = fold_periods(rows, "Monthly")
	assert {start: bucket["calls"] for start, bucket in months.items()} == {
		date(2026, 11, 1): 10,
		date(2026, 12, 1): 1,
	}
	assert len(fold_periods(rows, "Daily")) == 4


def test_counts_per_outcome_fold_into_day_and_status_rows():
	day = date(2026, 11, 23)
	counted = [
		{"day": day, "call_status": "called", "outcome": "Connected", "is_connected": 1, "calls": 4},
		{"day": day, "call_status": "called", "outcome": "Connected", "is_connected": 0, "calls": 1},
		{"day": day, "call_status": "busy", "outcome": "Attempt", "is_connected": 0, "calls": 3},
		{"day": day, "call_status": "missed", "outcome": "Missed", "is_connected": 0, "calls": 2},
	]
	folded = fold_periods(count_outcomes(counted), "Daily")
	assert folded == {
		day: {
			"by_status": {"called": 5, "busy": 3, "missed": 2},
			"calls": 10,
			"attempts": 3,
			"connected": 4,
			"missed": 2,
		}
	}
