frappe.listview_settings["Call Event"] = {
	get_indicator(doc) {
		const color = { Pending: "orange", Applied: "green", Failed: "red" }[doc.status] || "gray";
		return [__(doc.status), color, "status,=," + doc.status];
	},
};
