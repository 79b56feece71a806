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
		show_last_run(frm);
		frm.add_custom_button(__("Run now"), () => {
			frappe.call("call_status_crm.jobs.reassignment.run_now").then(({ message }) => {
				frappe.show_alert({
					message: message.message,
					indicator: message.queued ? "green" : "orange",
				});
			});
		});
		// the reports' roll-ups (DESIGN.md §11), recomputed from the calls in the background
		frm.add_custom_button(__("Rebuild Roll-ups"), () => {
			frappe.call("call_status_crm.jobs.rollups.rebuild_now").then(({ message }) => {
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

// The last re-assignment run in words (the stored summary is JSON, for integrations).
function show_last_run(frm) {
	const field = frm.get_field("last_run_summary_html");
	if (!field) return;
	let summary = {};
	try {
		summary = JSON.parse(frm.doc.last_run_summary || "{}") || {};
	} catch (e) {
		summary = {};
	}
	const lines = [];
	if (summary.skipped_run) {
		lines.push(__("Skipped: another run was still going."));
	} else if (frm.doc.last_run_at) {
		lines.push(
			__("{0} of {1} due leads re-assigned.", [summary.reassigned || 0, summary.due || 0])
		);
		const skipped = [
			[summary.skipped_changed, (n) => __("{0} skipped: called or changed meanwhile", [n])],
			[summary.skipped_no_agent, (n) => __("{0} skipped: no agent available", [n])],
			[summary.skipped_do_not_call, (n) => __("{0} skipped: on the Do Not Call list", [n])],
			[summary.failed, (n) => __("{0} failed (see the Error Log)", [n])],
		];
		for (const [count, message] of skipped) {
			if (count) lines.push(message(count));
		}
		if (summary.finished_at) {
			lines.push(
				__("Finished {0}, in {1} s.", [
					frappe.datetime.str_to_user(summary.finished_at.split(".")[0]),
					format_number(summary.seconds || 0, null, 1),
				])
			);
		}
	} else {
		lines.push(__("Re-assignment has not run yet."));
	}
	field.$wrapper.html(
		`<div class="form-group"><div class="clearfix"><label class="control-label">${__(
			"Last Run Summary"
		)}</label></div><div class="text-muted small">${lines
			.map((line) => `<div>${frappe.utils.escape_html(line)}</div>`)
			.join("")}</div></div>`
	);
}
