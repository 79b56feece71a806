import frappe

from call_status_crm.leads import set_all_phone_keys


def execute():
	"""One phone key for the whole app (E.164): Leads and calls kept other keys before (last 10 digits,
	all digits in `phone_digits`)."""
	if not frappe.db.has_column("Lead", "phone_key"):
		return  # the v1_0 patch makes the Lead fields and fills them with this key
	set_all_phone_keys()
	if frappe.db.has_column("Lead Call Log", "phone_digits"):
		frappe.db.sql_ddl("ALTER TABLE `tabLead Call Log` DROP COLUMN `phone_digits`")
