"""The settings' "Rebuild Roll-ups" button (DESIGN.md §11): one background rebuild of the call roll-ups."""

import frappe
from frappe import _

from call_status_crm.rollups import rebuild

JOB_ID = "call_status_crm:rebuild_rollups"


@frappe.whitelist()
def rebuild_now(from_date: str | None = None, to_date: str | None = None) -> dict:
	"""Enqueue one rebuild of the roll-ups (deduplicated) for a range of days (default: every day with
	calls) and say whether it was queued."""
	frappe.only_for(("Call Center Manager", "System Manager"))
	from frappe.utils.background_jobs import is_job_enqueued

	if is_job_enqueued(JOB_ID):
		return {"queued": False, "message": _("A roll-up rebuild is already queued or running.")}
	frappe.enqueue(
		"call_status_crm.jobs.rollups.run",
		queue="long",
		job_id=JOB_ID,
		deduplicate=True,
		timeout=3 * 3600,
		from_date=from_date,
		to_date=to_date,
	)
	return {"queued": True, "message": _("Roll-up rebuild queued.")}


def run(from_date: str | None = None, to_date: str | None = None) -> dict:
	return rebuild(from_date, to_date, commit=True)
