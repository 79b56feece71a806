"""Roll-ups (DESIGN.md §11): the daily roll-up gains attempts and missed calls as metrics and the agent
totals grains ("T": a row per agent and day; "P": the same per campaign) that Agent Call Performance reads;
a site whose table lacks the metrics gets the columns and a rebuild from its calls (the new grains' rows
with it), committed a week of calls at a time."""

from call_status_crm.rollups import ensure_tables, rebuild


def execute():
	if ensure_tables():
		rebuild(commit=True)
