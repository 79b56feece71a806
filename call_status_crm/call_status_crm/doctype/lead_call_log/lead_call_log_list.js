// Indicators in the status's own color (Call Status > Indicator Color), titled by the status title.
const OUTCOME_COLORS = { Connected: "green", Attempt: "orange", Missed: "red", Live: "blue", Failed: "gray" };

frappe.listview_settings["Lead Call Log"] = {
	add_fields: ["call_status", "outcome", "direction", "follow_up_at", "follow_up"],
	statuses: {},

	onload(listview) {
		frappe.db
			.get_list("Call Status", { fields: ["name", "status_title", "indicator_color"], limit: 500 })
			.then((rows) => {
				rows.forEach((row) => (this.statuses[row.name] = row));
				listview.refresh();
			});
	},

	get_indicator(doc) {
		const status = this.statuses[doc.call_status];
		const color = status?.indicator_color?.toLowerCase() || OUTCOME_COLORS[doc.outcome] || "gray";
		return [__(status?.status_title || doc.call_status), color, "call_status,=," + doc.call_status];
	},
};
