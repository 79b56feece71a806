# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class CallingRuleEvent(Document):
	"""A call or follow-up the calling rules refused, warned about or flagged (written by the app)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		agent: DF.Link | None
		call: DF.Link | None
		campaign: DF.Link | None
		checked_at: DF.Datetime | None
		door: DF.Data | None
		lead: DF.Link | None
		next_allowed_at: DF.Datetime | None
		occurred_at: DF.Datetime | None
		outcome: DF.Literal["Refused", "Warned", "Flagged"]
		phone: DF.Data | None
		reasons: DF.Data | None
		subject: DF.Literal["Call", "Follow-up"]
		timezone: DF.Data | None
	# end: auto-generated types
	pass
