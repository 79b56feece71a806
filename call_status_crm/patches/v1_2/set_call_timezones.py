"""Calling rules (DESIGN.md §8): every existing Lead gets the time zone its numbers or country give, in
bulk (grouped UPDATEs, no save per Lead); the settings get the calling rules' defaults."""

from frappe.utils.fixtures import sync_fixtures

from call_status_crm.calling_rule_settings import apply_defaults_to_stored_settings
from call_status_crm.integrations.erpnext.lead_timezone import set_all_call_timezones


def execute():
	# patches run before fixtures are synced: make the new Lead custom field first
	sync_fixtures("call_status_crm")
	set_all_call_timezones()
	apply_defaults_to_stored_settings()
