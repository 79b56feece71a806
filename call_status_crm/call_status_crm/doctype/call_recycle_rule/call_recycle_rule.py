# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class CallRecycleRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active: DF.Check
		delay_minutes: DF.Int
		lead_status: DF.Literal[None]
		max_recycles: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
