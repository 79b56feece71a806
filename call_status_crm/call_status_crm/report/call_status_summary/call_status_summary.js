// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.query_reports["Call Status Summary"] = {
	// the chart's title, above it (frappe-charts' own title breaks its redraw on resize)
	after_datatable_render: () => call_status_crm.show_chart_heading(),
	onload: (report) => call_status_crm.setup_call_report(report),
	filters: call_status_crm.report_filters([
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "Daily", label: __("Daily") },
				{ value: "Weekly", label: __("Weekly") },
				{ value: "Monthly", label: __("Monthly") },
			],
			default: "Daily",
			reqd: 1,
		},
	]),
};
