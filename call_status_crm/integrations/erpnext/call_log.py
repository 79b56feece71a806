"""The bridge from ERPNext's telephony Call Log (Exotel, Twilio, …) to Lead Call Log (DESIGN.md §4).

Each save of a Call Log upserts one Lead Call Log (source Telephony, external_id = the Call Log's id)
with the call status the settings' Telephony Status Map gives, so dialler calls follow the same rules.
A call the bridge cannot log is recorded in the Error Log; the telephony Call Log itself always saves.
"""

import frappe
from frappe.utils import cint, now_datetime

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import upsert_call
from call_status_crm.core.telephony import map_telephony_status


def on_call_log_update(doc, method=None):
	if doc.flags.from_lead_call_log:
		return
	values = get_call_values(doc)
	if not values:
		return
	frappe.db.savepoint("lead_call_log_bridge")
	try:
		upsert_call(values, ignore_permissions=True)
	except Exception:
		frappe.db.rollback(save_point="lead_call_log_bridge")
		frappe.log_error(
			title=f"Lead Call Log not logged for Call Log {doc.name}",
			reference_doctype="Call Log",
			reference_name=doc.name,
		)


def get_call_values(doc) -> dict | None:
	"""The Lead Call Log for a telephony Call Log, or None when it maps to no call status or lead."""
	rows = frappe.get_all(
		"Telephony Status Map",
		filters={"parent": "Call Status CRM Settings", "parenttype": "Call Status CRM Settings"},
		fields=["telephony_status", "call_type", "call_status"],
	)
	call_status = map_telephony_status(rows, doc.status, doc.type)
	if not call_status:
		return None
	lead = next((link.link_name for link in doc.get("links") or [] if link.link_doctype == "Lead"), None)
	if not lead and doc.type != "Incoming":
		return None
	phone = doc.get("from") if doc.type == "Incoming" else doc.get("to")
	agent = doc.get("employee_user_id")
	if not agent and doc.get("call_received_by"):
		agent = frappe.db.get_value("Employee", doc.call_received_by, "user_id")
	return {
		"external_id": doc.name,
		"lead": lead,
		"phone": phone,
		"direction": doc.type or "Incoming",
		"call_status": call_status,
		"call_time": doc.get("start_time") or doc.get("creation") or now_datetime(),
		"duration": cint(doc.get("duration")),
		"recording_url": doc.get("recording_url"),
		"agent": agent,
		"source": "Telephony",
		"note": doc.get("summary"),
	}
