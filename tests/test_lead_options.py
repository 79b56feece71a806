from call_status_crm.core.lead_options import (
	APP_LEAD_STATUSES,
	join_options,
	merge_options,
	remove_options,
	split_options,
)

ERPNEXT = "Lead\nOpen\nReplied\nOpportunity\nQuotation\nLost Quotation\nInterested\nConverted\nDo Not Contact"


def test_split_drops_blanks_and_duplicates_and_keeps_order():
	assert split_options("\nA\n\nB\nA \n C") == ["A", "B", "C"]
	assert split_options(None) == []
	assert join_options(["A", "B"]) == "A\nB"


def test_merge_appends_missing_app_statuses_once():
	merged = merge_options(ERPNEXT)
	assert split_options(merged) == split_options(ERPNEXT) + list(APP_LEAD_STATUSES)
	assert merge_options(merged) == merged


def test_merge_keeps_site_options_and_their_order():
	site = "Open\nHot\nNot Picked\nCold"
	assert split_options(merge_options(site)) == [
		"Open",
		"Hot",
		"Not Picked",
		"Cold",
		"Not Interested",
		"Followups",
		"Missed",
	]


def test_remove_keeps_site_options_and_options_in_use():
	merged = merge_options(ERPNEXT + "\nHot")
	remaining = remove_options(merged, APP_LEAD_STATUSES, keep=["Not Picked"])
	assert split_options(remaining) == [*split_options(ERPNEXT), "Hot", "Not Picked"]
	assert split_options(remove_options(merged, APP_LEAD_STATUSES)) == [*split_options(ERPNEXT), "Hot"]
