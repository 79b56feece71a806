# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

from frappe.model.document import Document


class TelephonyStatusMap(Document):
	pass
