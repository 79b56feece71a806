// Title (the subject), then System or Custom in the status's own indicator color, code, sort order,
// direction, the Lead status it sets and who sees it. The code is the record's name: no second ID column.
frappe.listview_settings["Call Status"] = {
	add_fields: ["indicator_color", "is_system"],
	hide_name_column: true,
	get_indicator(doc) {
		const color = (doc.indicator_color || "Gray").toLowerCase();
		return doc.is_system
			? [__("System"), color, "is_system,=,1"]
			: [__("Custom"), color, "is_system,=,0"];
	},
};
