"""The bridge from ERPNext's telephony Call Log (Exotel, Twilio, …) to Lead Call Log (DESIGN.md §4).

Each save of a Call Log upserts one Lead Call Log (source Telephony, external_id `telephony:<Call Log>`,
a space no request may claim)
with the call status the settings' Telephony Status Map gives, so dialler calls follow the same rules.
No telephony call is dropped: a status x type the map does not cover lands with the fallback status for
its direction, flagged (`telephony_unmapped`) for the admin. The agent is the Call Log's employee, never
whoever saved it. A call the bridge still cannot log goes to the Error Log and is kept as a Call Event, retried
until it lands (`jobs.call_events`); the Call Log always saves.
"""

import frappe
from frappe.utils import cint, now_datetime

from call_status_crm.call_events import keep_bridge_failure
from call_status_crm.calls import upsert_call
from call_status_crm.core.access import telephony_external_id
from call_status_crm.core.statuses import matches_direction
from call_status_crm.core.telephony import FALLBACK_STATUS, map_telephony_status
from call_status_crm.settings import SETTINGS


def on_call_log_update(doc, method=None):
	frappe.db.savepoint("lead_call_log_bridge")
	values = None
	try:
		values = get_call_values(doc)
		upsert_call(values, ignore_permissions=True)
	except Exception as e:
		frappe.db.rollback(save_point="lead_call_log_bridge")
		frappe.log_error(
			title=f"Lead Call Log not logged for Call Log {doc.name}",
			reference_doctype="Call Log",
			reference_name=doc.name,
		)
		# kept as a Call Event and retried (DESIGN.md §10): written once this transaction ends, either way
		keep_bridge_failure(doc.name, values, e)


def get_call_values(doc) -> dict:
	"""The Lead Call Log for a telephony Call Log."""
	direction = doc.type if doc.type in FALLBACK_STATUS else "Incoming"
	rows = frappe.get_all(
		"Telephony Status Map",
		filters={"parent": SETTINGS, "parenttype": SETTINGS},
		fields=["telephony_status", "call_type", "call_status"],
	)
	call_status = map_telephony_status(rows, doc.status, direction)
	status_direction = call_status and frappe.db.get_value("Call Status", call_status, "direction")
	if call_status and not (status_direction and matches_direction(status_direction, direction)):
		call_status = None  # a status since made one-way (or gone): land it as unmapped, never drop it
	lead = next((link.link_name for link in doc.get("links") or [] if link.link_doctype == "Lead"), None)
	return {
		"external_id": telephony_external_id(doc.name),
		"lead": lead or "",
		"phone": doc.get("from") if direction == "Incoming" else doc.get("to"),
		"direction": direction,
		"call_status": call_status or FALLBACK_STATUS[direction],
		"telephony_status": f"{doc.status or ''} / {doc.type or ''}",
		"telephony_unmapped": 0 if call_status else 1,
		"call_time": doc.get("start_time") or doc.get("creation") or now_datetime(),
		"duration": cint(doc.get("duration")),
		"recording_url": doc.get("recording_url"),
		"agent": get_agent(doc) or "",
		"source": "Telephony",
		"note": doc.get("summary"),
	}


def get_agent(doc) -> str | None:
	"""The Call Log's employee's user: `employee_user_id`, else the user of `call_received_by`."""
	if doc.get("employee_user_id"):
		return doc.employee_user_id
	if doc.get("call_received_by"):
		return frappe.db.get_value("Employee", doc.call_received_by, "user_id")
	return None
