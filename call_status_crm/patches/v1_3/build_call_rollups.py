"""Roll-ups (DESIGN.md §11): existing sites get the roll-up tables and build them from their calls, in bulk,
committed a week of calls at a time."""

from call_status_crm.rollups import ensure_tables, rebuild


def execute():
	ensure_tables()
	rebuild(commit=True)
