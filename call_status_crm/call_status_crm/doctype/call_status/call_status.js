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
					"This is a system status: it cannot be deleted and its code, direction, outcome and who picks it never change. You may retitle, re-sort or hide it, and change the Lead status it sets."
				),
				"blue"
			);
		}
	},

	// A new status's code follows its title until the admin types a code of their own.
	status_title(frm) {
		if (!frm.is_new()) return;
		const suggested = code_from_title(frm.doc.status_title);
		if (!frm.doc.code || frm.doc.code === frm.suggested_code) {
			frm.suggested_code = suggested;
			frm.set_value("code", suggested);
		}
	},
});

// "Call back later!" → "call_back_later": lower case letters, digits and underscores, starting with a letter.
function code_from_title(title) {
	return (title || "")
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "_")
		.replace(/^[^a-z]+/, "")
		.replace(/_+$/, "")
		.slice(0, 64);
}

function set_lead_status_options(frm) {
	call_status_crm.callable_lead_statuses().then((statuses) => {
		frm.set_df_property("lead_status", "options", [""].concat(statuses));
	});
}
