// Indicators in the status's own color (Call Status > Indicator Color), titled by the status title.
const OUTCOME_COLORS = {
	Connected: "green",
	Attempt: "orange",
	Missed: "red",
	Live: "blue",
	Failed: "gray",
};

frappe.listview_settings["Lead Call Log"] = {
	// the lead's name is the subject; a call's sequence name says nothing to an agent
	hide_name_column: true,
	add_fields: [
		"call_status",
		"outcome",
		"direction",
		"follow_up_at",
		"follow_up",
		"follow_up_status",
		"called_back_at",
	],
	statuses: {},

	onload(listview) {
		call_status_crm.fit_list_columns(listview, 8);
		this.load_statuses().then(() => listview.refresh());
	},

	formatters: {
		// the agent by name (the link still filters the list by them)
		agent(value) {
			if (!value) return "";
			return `<a class="filterable ellipsis" data-filter="agent,=,${frappe.utils.escape_html(
				value
			)}">${frappe.utils.escape_html(frappe.user.full_name(value))}</a>`;
		},
	},

	// the call statuses' titles and colors, loaded once for the list and the form's badge
	load_statuses() {
		this.loading_statuses ||= frappe.db
			.get_list("Call Status", { fields: ["name", "status_title", "indicator_color"], limit: 500 })
			.then((rows) => rows.forEach((row) => (this.statuses[row.name] = row)));
		return this.loading_statuses;
	},

	get_indicator(doc) {
		if (
			doc.follow_up_status === "Open" &&
			doc.follow_up_at &&
			doc.follow_up_at < frappe.datetime.now_datetime()
		) {
			return [__("Follow-up overdue"), "red", "follow_up_status,=,Open"];
		}
		if (doc.direction === "Incoming" && doc.outcome === "Missed" && doc.called_back_at) {
			return [__("Called back"), "green", "called_back_at,is,set"];
		}
		const status = this.statuses[doc.call_status];
		const color = status?.indicator_color?.toLowerCase() || OUTCOME_COLORS[doc.outcome] || "gray";
		const title =
			status?.status_title ||
			frappe.utils.get_link_title("Call Status", doc.call_status) ||
			doc.call_status;
		return [__(title), color, "call_status,=," + doc.call_status];
	},
};
