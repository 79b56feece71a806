// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

// What is left to dial (DESIGN.md §9), per campaign and lead status. An agent sees their own leads only
// (the server decides; the Agent filter is offered to managers).
frappe.query_reports["Lead List Penetration"] = {
	after_datatable_render: () => call_status_crm.show_chart_heading(),
	onload: (report) => call_status_crm.setup_call_report(report),
	filters: [
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{
			fieldname: "lead_status",
			label: __("Lead Status"),
			fieldtype: "Select",
			options: [{ value: "", label: "" }],
			on_change: () => frappe.query_report.refresh(),
		},
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
	].filter((df) => df.fieldname !== "agent" || call_status_crm.is_call_manager()),
	onload_lead_statuses: true,
};

// the Lead Status choices are the site's own Lead status options
$(document).on("page-change", () => {
	const report = frappe.query_report;
	if (report?.report_name !== "Lead List Penetration" || report.csc_statuses_loaded) return;
	report.csc_statuses_loaded = true;
	call_status_crm.lead_status_options().then((statuses) => {
		const field = report.get_filter("lead_status");
		if (!field) return;
		field.df.options = [{ value: "", label: "" }].concat(
			statuses.map((value) => ({ value, label: __(value) }))
		);
		field.refresh();
	});
});
