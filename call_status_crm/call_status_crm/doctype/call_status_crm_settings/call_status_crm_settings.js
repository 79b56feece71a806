// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Call Status CRM Settings", {
	setup(frm) {
		frappe.model.with_doctype("Lead", () => {
			const field = frappe.get_meta("Lead").fields.find((df) => df.fieldname === "status");
			const options = (field?.options || "").split("\n").filter(Boolean);
			frm.fields_dict.recycle_rules.grid.update_docfield_property("lead_status", "options", [""].concat(options));
		});
	},
});
