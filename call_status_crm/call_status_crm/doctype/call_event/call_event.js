// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Call Event", {
	refresh(frm) {
		if (["Pending", "Failed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Retry now"), () =>
				frappe
					.call({
						method: "call_status_crm.api.retry_call_event",
						args: { name: frm.doc.name },
						freeze: true,
					})
					.then((r) => {
						const result = r.message || {};
						frappe.show_alert({
							message:
								result.status === "Applied"
									? __("Applied to call {0}", [result.call])
									: __("Still failing: {0}", [result.error || ""]),
							indicator: result.status === "Applied" ? "green" : "orange",
						});
						frm.reload_doc();
					})
			);
		}
		if (frm.doc.call) {
			frm.add_custom_button(__("Call"), () => frappe.set_route("Form", "Lead Call Log", frm.doc.call));
		}
	},
});
