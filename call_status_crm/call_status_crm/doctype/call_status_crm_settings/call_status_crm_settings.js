// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Call Status CRM Settings", {
	setup(frm) {
		frappe.model.with_doctype("Lead", () => {
			const field = frappe.get_meta("Lead").fields.find((df) => df.fieldname === "status");
			const options = (field?.options || "").split("\n").filter(Boolean);
			frm.fields_dict.recycle_rules.grid.update_docfield_property(
				"lead_status",
				"options",
				[""].concat(options)
			);
		});
		frappe.realtime.on("call_status_crm_reassignment_progress", ({ done, total }) => {
			frm.dashboard.show_progress(__("Re-assigning leads"), total ? (done * 100) / total : 100, `${done} / ${total}`);
			if (done >= total) {
				frm.dashboard.hide_progress();
				frm.reload_doc();
			}
		});
	},

	refresh(frm) {
		frm.add_custom_button(__("Run now"), () => {
			frappe.call("call_status_crm.jobs.reassignment.run_now").then(({ message }) => {
				frappe.show_alert({ message: message.message, indicator: message.queued ? "green" : "orange" });
			});
		});
	},
});
