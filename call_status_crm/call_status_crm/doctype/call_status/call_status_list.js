// Title (the subject), then System or Custom in the status's own indicator color ("Hidden" when neither
// agents nor AI agents are offered it), code, sort order, direction, the Lead status it sets and who sees
// it. The code is the record's name: no second ID column.
frappe.listview_settings["Call Status"] = {
	add_fields: ["indicator_color", "is_system", "show_to_agent", "show_to_ai_agent"],
	hide_name_column: true,

	onload(listview) {
		call_status_crm.fit_list_columns(listview, 9);
	},

	get_indicator(doc) {
		if (!doc.show_to_agent && !doc.show_to_ai_agent) {
			return [__("Hidden"), "gray", "show_to_agent,=,0|show_to_ai_agent,=,0"];
		}
		const color = (doc.indicator_color || "Gray").toLowerCase();
		return doc.is_system
			? [__("System"), color, "is_system,=,1"]
			: [__("Custom"), color, "is_system,=,0"];
	},
};
