import frappe

from call_status_crm.leads import set_all_phone_keys

OLD_COLUMN = "phone_digits"  # the calls' key before v1.1: all digits


def execute():
	"""One phone key for the whole app (E.164): Leads and calls kept other keys before (the last 10
	digits on Lead, all digits in the calls' `phone_digits`)."""
	if not frappe.db.has_column("Lead", "phone_key"):
		return  # the v1_0 patch makes the Lead fields and fills them with this key
	set_all_phone_keys()
	frappe.cache.hdel("table_columns", "tabLead Call Log")  # read the table as it is
	if frappe.db.has_column("Lead Call Log", OLD_COLUMN):
		frappe.db.sql_ddl(f"ALTER TABLE `tabLead Call Log` DROP COLUMN `{OLD_COLUMN}`")
		frappe.cache.hdel("table_columns", "tabLead Call Log")
