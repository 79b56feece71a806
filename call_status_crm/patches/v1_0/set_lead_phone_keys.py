from frappe.utils.fixtures import sync_fixtures

from call_status_crm.leads import set_all_phone_keys


def execute():
	# patches run before fixtures are synced: make the new Lead custom fields first
	sync_fixtures("call_status_crm")
	set_all_phone_keys()
