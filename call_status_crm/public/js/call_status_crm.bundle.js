// App-wide desk code (every desk page): the Log Call dialog and the filters every call report has.
import "./keep_input";
import "./log_call";
import "./link_titles";

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

// A list of the app's shows `columns` columns (title, tags, status and its fields) on every screen, as
// List View Settings > Total Fields would, unless an admin has set that: Frappe otherwise shows four at
// 1366 pixels wide, which leaves a call list without its duration, agent or direction.
call_status_crm.fit_list_columns = function (listview, columns) {
	const settings = listview.list_view_settings || {};
	if (settings.total_fields) return;
	listview.list_view_settings = Object.assign(settings, { total_fields: columns });
	listview.setup_columns();
	listview.render_header(true);
};

// A call report's columns are at least as wide as their headers, so no header is cut at 1366 pixels
// ("Connect R…"): each label is measured in the table's bold header font, plus the header cell's padding
// and borders. A wider width set by the report stays. Frappe prepares the columns on every run (and then
// refreshes the table it has, without `get_datatable_options`), so the fitting wraps that step.
call_status_crm.fit_report_columns = function (columns) {
	const context = document.createElement("canvas").getContext("2d");
	const style = getComputedStyle(document.body);
	context.font = `bold ${style.fontSize} ${style.fontFamily}`;
	const padding = 36; // 0.5rem left, 1rem right, 2px borders each side, and the sort indicator
	for (const column of columns || []) {
		const label = column.name ?? column.label;
		if (!label) continue;
		const needed = Math.ceil(context.measureText(String(label)).width) + padding;
		if (!column.width || column.width < needed) column.width = needed;
	}
	return columns;
};

// What every call report does as it loads: its columns fit their headers, a replaced chart is destroyed.
call_status_crm.setup_call_report = function (report) {
	if (report && !report.csc_fits_columns) {
		const prepare_columns = report.prepare_columns;
		report.prepare_columns = function (...args) {
			return call_status_crm.fit_report_columns(prepare_columns.apply(this, args));
		};
		report.csc_fits_columns = true;
	}
	call_status_crm.destroy_replaced_charts(report);
};

// A call report's chart title (the chart's `heading` from the server), drawn above the chart.
call_status_crm.show_chart_heading = function () {
	const report = frappe.query_report;
	const heading = report?.chart_options?.heading;
	if (!report?.$chart) return;
	report.$chart.prev(".csc-chart-heading").remove();
	if (!heading || !report.$chart.is(":visible")) return;
	$(`<div class="csc-chart-heading h6 text-muted" style="margin: var(--margin-md) var(--margin-md) 0"></div>`)
		.text(heading)
		.insertBefore(report.$chart);
};

// Frappe's report view empties its chart area and draws a new chart on every refresh without destroying the
// old one, whose resize observer then redraws into a removed node (a console error when the page resizes,
// as a 1366x768 screen does): the replaced chart is destroyed first.
call_status_crm.destroy_replaced_charts = function (report) {
	if (!report?.$chart || report.$chart.csc_destroys) return;
	const empty = report.$chart.empty;
	report.$chart.empty = function (...args) {
		report.chart?.destroy?.();
		report.chart = null;
		return empty.apply(this, args);
	};
	report.$chart.csc_destroys = true;
};

// Call Center Manager and System Manager see every agent's calls; anyone else only their own.
call_status_crm.is_call_manager = function () {
	return frappe.user.has_role(["Call Center Manager", "System Manager"]);
};

// The filters every call report has (DESIGN.md §6). A Link filter on a doctype the user may not search
// (an agent and Branch or Department) is left out: its search would be refused, and an agent's report is
// their own calls anyway. So is the Agent filter for anyone but a manager: the server shows an agent
// their own calls whatever the filter says, so it could only mislead.
call_status_crm.report_filters = function (extra = []) {
	const can_search = (doctype) =>
		frappe.model.can_read(doctype) || (frappe.boot.user.can_select || []).includes(doctype);
	const manager = call_status_crm.is_call_manager();
	return all_report_filters(extra).filter(
		(df) =>
			(df.fieldtype !== "Link" || can_search(df.options)) &&
			(df.fieldname !== "agent" || manager)
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

// The Call Center workspace draws each number card and chart from its document, which Frappe's widgets fetch
// one `getdoc` at a time (about 0.2 s each, most of it Frappe's permission check of a Number Card). The app's
// own widgets come in one request instead (call_status_crm.dashboard.get_workspace_widgets); they are not
// kept in `locals`, so a form opened later loads its document as usual. Anything else, or a widget the
// answer leaves out, goes through Frappe as before.
// Which widgets are the app's: named once, in call_status_crm.dashboard.WORKSPACE_WIDGETS (sent at boot).
const workspace_widget_names = () => frappe.boot.call_status_crm_workspace_widgets || {};
let workspace_widgets = null;
const with_doc = frappe.model.with_doc;

// The widgets of one visit share a request; the next visit asks again.
function fetch_workspace_widgets() {
	if (!workspace_widgets) {
		const request = frappe.call({
			method: "call_status_crm.dashboard.get_workspace_widgets",
			type: "GET",
		});
		workspace_widgets = Promise.resolve(request)
			.then((r) => r.message || [])
			.catch(() => []);
		workspace_widgets.finally(() => setTimeout(() => (workspace_widgets = null), 1000));
	}
	return workspace_widgets;
}

// Opening the Call Center workspace asks for its widgets at once, beside Frappe's request for the page,
// instead of after it: the numbers show one round trip sooner.
frappe.router?.on?.("change", () => {
	const [view, name] = frappe.get_route() || [];
	if (view === "Workspaces" && name === "Call Center") fetch_workspace_widgets();
});

frappe.model.with_doc = function (doctype, name, callback) {
	if (!workspace_widget_names()[doctype]?.includes(name) || locals[doctype]?.[name]) {
		return with_doc.apply(this, arguments);
	}
	return fetch_workspace_widgets().then((docs) => {
		const doc = docs.find((d) => d.doctype === doctype && d.name === name);
		if (!doc) return with_doc.call(frappe.model, doctype, name, callback);
		callback?.(name);
		return Object.assign({}, doc);
	});
};
