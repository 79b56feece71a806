"""Roll-ups (DESIGN.md §11): the daily roll-up gains the call-back metrics of Missed Call Service Level
(called back, seconds to the call-back, within the service level); a site whose table lacks them gets the
columns and a rebuild from its calls, committed a week of calls at a time."""

from call_status_crm.rollups import ensure_tables, rebuild


def execute():
	if ensure_tables():
		rebuild(commit=True)
