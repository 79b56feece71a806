# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LeadReassignment(Document):
	pass


def on_doctype_update():
	# the job counts a lead's recycles per status with one grouped query
	frappe.db.add_index("Lead Reassignment", ["lead", "lead_status"])
