// App-wide desk code (every desk page): the Log Call dialog and the filters every call report has.
import "./log_call";

frappe.provide("call_status_crm");

// The Lead statuses the desk offers, from one place: every option the site's Lead has (settings), or
// only those a call may set (the protected ones left out, as the server refuses them).
call_status_crm.lead_status_options = function () {
	return new Promise((resolve) => {
		frappe.model.with_doctype("Lead", () => {
			const field = (frappe.get_meta("Lead")?.fields || []).find(
				(df) => df.fieldname === "status"
			);
			resolve((field?.options || "").split("\n").filter(Boolean));
		});
	});
};

call_status_crm.callable_lead_statuses = function () {
	return frappe
		.call({ method: "call_status_crm.api.get_lead_status_choices", type: "GET" })
		.then((r) => r.message?.choices || []);
};

// The filters every call report has (DESIGN.md §6). A Link filter on a doctype the user may not search
// (an agent and Branch or Department) is left out: its search would be refused, and an agent's report is
// their own calls anyway.
call_status_crm.report_filters = function (extra = []) {
	const can_search = (doctype) =>
		frappe.model.can_read(doctype) || (frappe.boot.user.can_select || []).includes(doctype);
	return all_report_filters(extra).filter(
		(df) => df.fieldtype !== "Link" || can_search(df.options)
	);
};

function all_report_filters(extra) {
	return [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -29),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		...extra,
		{ fieldname: "agent", label: __("Agent"), fieldtype: "Link", options: "User" },
		{ fieldname: "branch", label: __("Branch"), fieldtype: "Link", options: "Branch" },
		{ fieldname: "department", label: __("Department"), fieldtype: "Link", options: "Department" },
		{ fieldname: "campaign", label: __("Campaign"), fieldtype: "Link", options: "Campaign" },
		{ fieldname: "tag", label: __("Tag"), fieldtype: "Link", options: "Tag" },
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Outgoing", label: __("Outgoing") },
				{ value: "Incoming", label: __("Incoming") },
			],
		},
		{
			fieldname: "call_status",
			label: __("Call Status"),
			fieldtype: "Link",
			options: "Call Status",
		},
	];
}
