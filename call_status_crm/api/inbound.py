"""Inbound calls (DESIGN.md §10): a Lead for an unknown caller, a call's recording through the app, and
the managers' retry of a Call Event."""

import frappe
from frappe import _

from call_status_crm import recordings, unknown_callers
from call_status_crm.call_input import get_permitted_call
from call_status_crm.calls import with_retry
from call_status_crm.jobs import call_events as call_event_jobs
from call_status_crm.permissions import is_call_manager


class LeadCreateNotPermittedError(frappe.PermissionError):
	pass


@frappe.whitelist(methods=["POST"])
def create_lead_from_call(call: str, lead_name: str | None = None) -> str:
	"""A Lead for the caller of a call with no lead (`mobile_no` = the call's number; source "Inbound Call"
	where the site has it); it takes this call and every lead-less call with the same phone key. Returns
	the Lead's name."""
	frappe.has_permission("Lead Call Log", "write", throw=True)
	if not frappe.has_permission("Lead", "create"):
		frappe.throw(
			_("You may not create Leads."), exc=LeadCreateNotPermittedError, title=_("Not Permitted")
		)
	if not isinstance(call, str) or (lead_name is not None and not isinstance(lead_name, str)):
		frappe.throw(_("call and lead_name must be text."), exc=frappe.ValidationError)

	def create():
		return unknown_callers.create_lead_from_call(
			get_permitted_call(call, "write", for_update=False), lead_name
		)

	return with_retry(create)


@frappe.whitelist(methods=["GET"])
def get_recording(call: str):
	"""The call's recording, streamed through the app (a provider's credentials stay on the server), for
	a user who may read the call; the server never fetches from a private-network address."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	doc = get_permitted_call(call, "read", for_update=False)
	if not doc.recording_url:
		frappe.throw(
			_("Call {0} has no recording.").format(frappe.bold(doc.name)),
			exc=recordings.NoRecordingError,
			title=_("No Recording"),
		)
	frappe.db.rollback()  # nothing to write: no transaction stays open while the recording streams
	return recordings.stream(doc.recording_url, f"{doc.name}.mp3")


@frappe.whitelist()
def count_unknown_callers_to_call_back(filters=None) -> dict:
	"""The workspace's count of unknown callers not yet called back: numbers (not calls) whose missed
	inbound call landed on no Lead and has no call back yet, among the calls the user may read."""
	frappe.has_permission("Lead Call Log", "read", throw=True)
	[row] = frappe.get_list(
		"Lead Call Log",
		filters={"unknown_caller": 1, "outcome": "Missed", "called_back_at": ("is", "not set")},
		fields=["count(distinct phone_key) as callers"],
	)
	return {"value": row.callers or 0, "fieldtype": "Int"}


@frappe.whitelist(methods=["POST"])
def retry_call_event(name: str) -> dict:
	"""Apply a Pending or Failed Call Event now, as the user who sent it (managers only)."""
	frappe.has_permission("Call Event", "read", throw=True)
	if not is_call_manager():
		frappe.throw(_("Only a Call Center Manager may retry Call Events."), exc=frappe.PermissionError)
	if not isinstance(name, str) or not frappe.db.exists("Call Event", name):
		frappe.throw(
			_("Call Event {0} does not exist.").format(frappe.bold(str(name)[:40])),
			exc=frappe.DoesNotExistError,
		)
	return call_event_jobs.retry(name, manual=True)
