frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Calls by Status"] = {
	method: "call_status_crm.dashboard.get_calls_by_status",
	filters: [],
};
