frappe.listview_settings["Call Status"] = {
	add_fields: ["indicator_color", "is_system", "show_to_agent"],
	get_indicator(doc) {
		const color = (doc.indicator_color || "Gray").toLowerCase();
		return [__(doc.status_title), color, "name,=," + doc.name];
	},
};
