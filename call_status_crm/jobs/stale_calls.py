"""Close In-progress calls that no dialler ever ended (DESIGN.md §5): after the settings' timeout they
become "Post processing not completed", so they stop showing as live and count as failed."""

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.core.calls import LIVE_STATUS
from call_status_crm.jobs import dispatch

SETTINGS = "Call Status CRM Settings"
CLOSED_STATUS = "post_processing_incomplete"


def enqueue():
	dispatch("call_status_crm.jobs.stale_calls.run", "call_status_crm:stale_calls")


def run(now=None) -> dict:
	minutes = frappe.db.get_single_value(SETTINGS, "stale_call_minutes") or 0
	if minutes <= 0:
		return {"closed": 0, "failed": 0}
	cutoff = add_to_date(now or now_datetime(), minutes=-minutes)
	call = frappe.qb.DocType("Lead Call Log")
	names = [
		row[0]
		for row in frappe.qb.from_(call)
		.select(call.name)
		.where((call.call_status == LIVE_STATUS) & (call.call_time < cutoff))
		.run()
	]
	closed = failed = 0
	for name in names:
		frappe.db.savepoint("stale_call")
		try:
			doc = frappe.get_doc("Lead Call Log", name, for_update=True)
			if doc.call_status != LIVE_STATUS:
				continue
			doc.call_status = CLOSED_STATUS
			doc.flags.ignore_permissions = True
			doc.flags.from_job = True
			doc.save()
			closed += 1
		except Exception:
			frappe.db.rollback(save_point="stale_call")
			frappe.log_error(
				title=f"Stale call not closed: {name}", reference_doctype="Lead Call Log", reference_name=name
			)
			failed += 1
		if (closed + failed) % 100 == 0:
			frappe.db.commit()
	frappe.db.commit()
	return {"closed": closed, "failed": failed}
