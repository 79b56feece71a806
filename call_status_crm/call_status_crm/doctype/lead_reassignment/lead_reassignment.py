# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class LeadReassignment(Document):
	pass


def on_doctype_update():
	from call_status_crm.schema import add_reassignment_indexes

	add_reassignment_indexes()
