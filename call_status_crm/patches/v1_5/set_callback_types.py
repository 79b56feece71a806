"""Follow-ups set before callbacks had a type (DESIGN.md §9) are Personal callbacks of their agent: one
UPDATE, idempotent (only calls with a follow-up and no type)."""

import frappe


def execute():
	if not frappe.db.has_column("Lead Call Log", "callback_type"):
		return
	call = frappe.qb.DocType("Lead Call Log")
	(
		frappe.qb.update(call)
		.set(call.callback_type, "Personal")
		.where(call.follow_up_at.isnotnull() & (call.callback_type.isnull() | (call.callback_type == "")))
		.run()
	)
