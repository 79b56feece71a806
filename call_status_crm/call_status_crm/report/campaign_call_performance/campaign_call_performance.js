// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.query_reports["Campaign Call Performance"] = {
	filters: without_unsearchable_links(
		call_status_crm.report_filters([
			{
				fieldname: "group_by",
				label: __("Group By"),
				fieldtype: "Select",
				options: [
					{ value: "Campaign", label: __("Campaign") },
					{ value: "Tag", label: __("Tag") },
				],
				default: "Campaign",
				reqd: 1,
			},
		])
	),
};

// A Link filter on a doctype the user may not search (an agent and Branch or Department) is left out: its
// search would be refused, and an agent's report is their own calls anyway.
function without_unsearchable_links(filters) {
	const can_search = (doctype) =>
		frappe.model.can_read(doctype) || (frappe.boot.user.can_select || []).includes(doctype);
	return filters.filter((df) => df.fieldtype !== "Link" || can_search(df.options));
}
