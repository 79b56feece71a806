// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.query_reports["Agent Call Performance"] = {
	filters: call_status_crm.report_filters(),
};
