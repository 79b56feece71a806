# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class TelephonyStatusMap(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		call_status: DF.Link
		call_type: DF.Literal["Any", "Incoming", "Outgoing"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		telephony_status: DF.Literal[
			"Ringing",
			"In Progress",
			"Completed",
			"Failed",
			"Busy",
			"No Answer",
			"Queued",
			"Canceled",
			"Missed",
		]
	# end: auto-generated types
	pass
