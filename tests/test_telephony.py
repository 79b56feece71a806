from call_status_crm.core.statuses import SYSTEM_STATUSES, catalogue_fixes
from call_status_crm.core.telephony import (
	CALL_TYPES,
	DEFAULT_TELEPHONY_STATUS_MAP,
	FALLBACK_STATUS,
	TELEPHONY_STATUSES,
	map_telephony_status,
	repair_map,
	row_fits,
	uncovered,
)

DIRECTIONS = {spec.code: spec.direction for spec in SYSTEM_STATUSES}


def rows(table):
	return [{"telephony_status": s, "call_type": t, "call_status": c} for s, t, c in table]


def test_default_map_covers_every_status_and_type_with_fitting_statuses():
	assert uncovered(rows(DEFAULT_TELEPHONY_STATUS_MAP)) == []
	for status, call_type, code in DEFAULT_TELEPHONY_STATUS_MAP:
		assert row_fits(call_type, DIRECTIONS[code]), (status, call_type, code)
	# what Exotel records when a caller hangs up: missed calls, not outgoing attempts
	assert map_telephony_status(rows(DEFAULT_TELEPHONY_STATUS_MAP), "Busy", "Incoming") == "unavailable"
	assert map_telephony_status(rows(DEFAULT_TELEPHONY_STATUS_MAP), "Canceled", "Incoming") == "missed"
	assert map_telephony_status(rows(DEFAULT_TELEPHONY_STATUS_MAP), "Busy", "Outgoing") == "busy"


def test_fallback_statuses_fit_their_direction():
	for direction, code in FALLBACK_STATUS.items():
		assert row_fits(direction, DIRECTIONS[code])
	assert set(FALLBACK_STATUS) == set(CALL_TYPES)


def test_row_fits():
	assert row_fits("Any", "Any")
	assert not row_fits("Any", "Outgoing")
	assert row_fits("Incoming", "Incoming")
	assert row_fits("Incoming", "Any")
	assert not row_fits("Incoming", "Outgoing")
	assert not row_fits(None, "Incoming")


def test_repair_of_the_old_default_map():
	old = rows(
		(
			("Ringing", "Any", "in_progress"),
			("Completed", "Any", "called"),
			("Busy", "Any", "busy"),
			("No Answer", "Incoming", "missed"),
			("No Answer", "Outgoing", "no_answer"),
			("Canceled", "Any", "canceled"),
			("Failed", "Outgoing", "missed"),  # an admin's mistake: an incoming status for outgoing calls
		)
	)
	repaired = repair_map(old, DIRECTIONS)
	assert uncovered(repaired) == []
	assert all(row_fits(row["call_type"], DIRECTIONS[row["call_status"]]) for row in repaired)
	# the old "Any" rows keep meaning what they meant for their one direction
	assert map_telephony_status(repaired, "Busy", "Outgoing") == "busy"
	assert map_telephony_status(repaired, "Canceled", "Outgoing") == "canceled"
	assert map_telephony_status(repaired, "Busy", "Incoming") == "unavailable"
	assert map_telephony_status(repaired, "Failed", "Outgoing") == "call_terminated"
	assert repair_map(repaired, DIRECTIONS) == repaired  # a second migrate changes nothing


def test_repair_keeps_an_admins_fitting_rows():
	mine = rows((("Busy", "Incoming", "missed"),))
	repaired = repair_map(mine, DIRECTIONS)
	assert repaired[0] == mine[0]
	assert map_telephony_status(repaired, "Busy", "Incoming") == "missed"
	assert all(status in TELEPHONY_STATUSES for status, _ in [(r["telephony_status"], 0) for r in repaired])


def test_catalogue_fixes_touch_only_the_fixed_fields():
	site = [
		{
			"name": "busy",
			"direction": "Any",
			"outcome": "Connected",
			"set_by": "Agent",
			"status_title": "Mine",
		},
		{"name": "called", "direction": "Any", "outcome": "Connected", "set_by": "Agent"},
		{"name": "my_custom", "direction": "Any", "outcome": "Connected", "set_by": "Agent"},
	]
	assert catalogue_fixes(site) == {"busy": {"direction": "Outgoing", "outcome": "Attempt"}}
