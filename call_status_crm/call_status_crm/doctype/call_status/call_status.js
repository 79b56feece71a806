// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Call Status", {
	setup(frm) {
		frappe.model.with_doctype("Lead", () => set_lead_status_options(frm));
	},

	refresh(frm) {
		set_lead_status_options(frm);
		if (frm.doc.is_system) {
			frm.set_intro(
				__(
					"This is a system status: it cannot be deleted and its code never changes. You may retitle, re-sort or hide it, and change the Lead status it sets."
				),
				"blue"
			);
		}
	},
});

function set_lead_status_options(frm) {
	call_status_crm.callable_lead_statuses().then((statuses) => {
		frm.set_df_property("lead_status", "options", [""].concat(statuses));
	});
}
