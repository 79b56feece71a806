// Lead form: "Log Call" opens a dialog with the statuses agents may pick for the chosen direction.

frappe.ui.form.on("Lead", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_create("Lead Call Log")) return;
		frm.add_custom_button(__("Log Call"), () => call_status_crm_log_call(frm), __("Calls"));
		frm.page.set_inner_btn_group_as_primary?.(__("Calls"));
	},
});

function call_status_crm_log_call(frm, defaults = {}) {
	let statuses = [];
	const lead_statuses = (frappe.meta.get_docfield("Lead", "status", frm.doc.name)?.options || "")
		.split("\n")
		.filter(Boolean);

	const dialog = new frappe.ui.Dialog({
		title: __("Log Call with {0}", [frm.doc.lead_name || frm.doc.name]),
		fields: [
			{
				fieldname: "direction",
				fieldtype: "Select",
				label: __("Direction"),
				options: [
					{ value: "Outgoing", label: __("Outgoing") },
					{ value: "Incoming", label: __("Incoming") },
				],
				default: defaults.direction || "Outgoing",
				reqd: 1,
				change: () => load_statuses(),
			},
			{
				fieldname: "call_status",
				fieldtype: "Select",
				label: __("Call Status"),
				reqd: 1,
				change: () => on_status_change(),
			},
			{
				fieldname: "lead_status",
				fieldtype: "Select",
				label: __("Lead Status"),
				options: [""].concat(lead_statuses),
				hidden: 1,
				description: __("This call status leaves the Lead's status as it is unless you pick one."),
			},
			{ fieldtype: "Column Break" },
			{
				fieldname: "call_time",
				fieldtype: "Datetime",
				label: __("Call Time"),
				default: frappe.datetime.now_datetime(),
				reqd: 1,
			},
			{
				fieldname: "duration",
				fieldtype: "Int",
				label: __("Duration (Seconds)"),
				default: 0,
				non_negative: 1,
			},
			{
				fieldname: "phone",
				fieldtype: "Data",
				options: "Phone",
				label: __("Phone"),
				default: defaults.phone || frm.doc.mobile_no || frm.doc.phone,
			},
			{ fieldtype: "Section Break" },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
			{
				fieldname: "follow_up_at",
				fieldtype: "Datetime",
				label: __("Follow-up At"),
				hidden: 1,
				description: __("A follow-up is created for you on this lead."),
			},
		],
		primary_action_label: __("Save Call"),
		primary_action(values) {
			dialog.disable_primary_action();
			frappe
				.call({
					method: "frappe.client.insert",
					args: {
						doc: {
							doctype: "Lead Call Log",
							lead: frm.doc.name,
							source: "Manual",
							...values,
						},
					},
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					frappe.show_alert({
						message: __("Call {0} logged", [r.message.name]),
						indicator: "green",
					});
					frm.reload_doc();
				})
				.finally(() => dialog.enable_primary_action());
		},
	});

	function load_statuses() {
		frappe
			.call("call_status_crm.api.get_call_statuses", {
				audience: "agent",
				direction: dialog.get_value("direction"),
			})
			.then((r) => {
				statuses = r.message || [];
				const field = dialog.get_field("call_status");
				field.df.options = [""].concat(
					statuses.map((s) => ({ value: s.code, label: s.status_title }))
				);
				field.refresh();
				if (!statuses.find((s) => s.code === dialog.get_value("call_status"))) {
					dialog.set_value("call_status", "");
				}
				on_status_change();
			});
	}

	function on_status_change() {
		const status = statuses.find((s) => s.code === dialog.get_value("call_status"));
		const sets_lead_status = !!status?.lead_status;
		dialog.set_df_property("lead_status", "hidden", !status || sets_lead_status);
		dialog.set_value("lead_status", sets_lead_status ? status.lead_status : "");
		dialog.set_df_property("note", "reqd", status?.requires_note ? 1 : 0);
		const needs_follow_up = !!status?.requires_follow_up;
		dialog.set_df_property("follow_up_at", "hidden", !needs_follow_up);
		dialog.set_df_property("follow_up_at", "reqd", needs_follow_up ? 1 : 0);
		if (needs_follow_up && !dialog.get_value("follow_up_at")) {
			frappe
				.call("call_status_crm.follow_up.get_default_follow_up_at")
				.then((r) => dialog.set_value("follow_up_at", r.message));
		}
		if (!needs_follow_up) dialog.set_value("follow_up_at", "");
	}

	dialog.show();
	load_statuses();
	return dialog;
}
