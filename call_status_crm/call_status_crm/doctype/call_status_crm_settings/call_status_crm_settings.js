// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Call Status CRM Settings", {
	setup(frm) {
		call_status_crm.lead_status_options().then((options) => {
			frm.fields_dict.recycle_rules.grid.update_docfield_property(
				"lead_status",
				"options",
				[""].concat(options)
			);
			frm.set_df_property("connected_lead_status", "options", [""].concat(options));
		});
		frappe.realtime.on("call_status_crm_reassignment_progress", ({ done, total }) => {
			frm.dashboard.show_progress(
				__("Re-assigning leads"),
				total ? (done * 100) / total : 100,
				`${done} / ${total}`
			);
			if (done >= total) {
				frm.dashboard.hide_progress();
				frm.reload_doc();
			}
		});
	},

	refresh(frm) {
		show_telephony_gaps(frm);
		frm.add_custom_button(__("Run now"), () => {
			frappe.call("call_status_crm.jobs.reassignment.run_now").then(({ message }) => {
				frappe.show_alert({
					message: message.message,
					indicator: message.queued ? "green" : "orange",
				});
			});
		});
	},
});

// What the telephony bridge could not map (DESIGN.md §4): no call is dropped, but the admin should know.
function show_telephony_gaps(frm) {
	const uncovered = frm.doc.__onload?.telephony_uncovered || [];
	const unmapped = frm.doc.__onload?.telephony_unmapped_calls || 0;
	const lines = [];
	if (uncovered.length) {
		lines.push(
			__(
				"No Telephony Status Map row covers these telephony statuses (Status / Type): {0}. Their calls are logged with a fallback status and flagged.",
				[uncovered.map((item) => frappe.utils.escape_html(item)).join(", ")]
			)
		);
	}
	if (unmapped) {
		lines.push(
			__("{0} telephony calls were logged with a fallback status and are flagged as unmapped.", [
				unmapped,
			])
		);
	}
	frm.dashboard.set_headline_alert(lines.join("<br>"), "orange");
}
