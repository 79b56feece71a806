# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CallEvent(Document):
	"""What the telephony bridge or a Call Integration user sent and the app could not apply (written and
	retried by the app: `call_status_crm.call_events`)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attempts: DF.Int
		call: DF.Link | None
		error: DF.Code | None
		event_source: DF.Literal["Telephony Bridge", "API"]
		external_id: DF.Data | None
		method: DF.Data | None
		next_attempt_at: DF.Datetime | None
		payload: DF.JSON | None
		received_at: DF.Datetime | None
		sent_by: DF.Link | None
		status: DF.Literal["Pending", "Applied", "Failed"]
	# end: auto-generated types

	pass


def on_doctype_update():
	# the retry job's one query: the due Pending events, oldest due first
	frappe.db.add_index("Call Event", ["status", "next_attempt_at"], "status_next_attempt_at")
