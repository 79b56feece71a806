import frappe
from frappe.query_builder.functions import Date


def execute():
	"""Calls saved before `call_date` existed get the day of their call time (set on save from now on)."""
	call = frappe.qb.DocType("Lead Call Log")
	frappe.qb.update(call).set(call.call_date, Date(call.call_time)).where(call.call_date.isnull()).run()
