# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class CallingWindowRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		country: DF.Link
		days: DF.Data | None
		end: DF.Time
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		start: DF.Time
		state: DF.Data | None
	# end: auto-generated types
	pass
