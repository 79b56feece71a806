// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.query_reports["Missed Call Service Level"] = {
	filters: call_status_crm.report_filters([
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Day", label: __("Day") },
				{ value: "Agent", label: __("Agent") },
				{ value: "Branch", label: __("Branch") },
			],
			default: "Day",
			reqd: 1,
		},
	]),
};
