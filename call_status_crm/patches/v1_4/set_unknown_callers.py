"""Flag the inbound calls that landed on no Lead as Unknown Caller (DESIGN.md §10): one UPDATE."""

import frappe


def execute():
	call = frappe.qb.DocType("Lead Call Log")
	(
		frappe.qb.update(call)
		.set(call.unknown_caller, 1)
		.where(
			(call.direction == "Incoming")
			& (call.lead.isnull() | (call.lead == ""))
			& call.phone_key.isnotnull()
			& (call.phone_key != "")
		)
		.run()
	)
