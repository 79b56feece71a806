// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.query_reports["Agent Call Performance"] = {
	// the chart's title, above it (frappe-charts' own title breaks its redraw on resize)
	after_datatable_render: () => call_status_crm.show_chart_heading(),
	onload: (report) => call_status_crm.setup_call_report(report),
	filters: call_status_crm.report_filters(),
};
