// Lead form: "Calls > Log Call" opens the app's Log Call dialog (call_status_crm.bundle.js).

frappe.ui.form.on("Lead", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_create("Lead Call Log")) return;
		frm.add_custom_button(
			__("Log Call"),
			() =>
				call_status_crm.log_call({
					lead: frm.doc.name,
					lead_name: frm.doc.lead_name || frm.doc.company_name,
					lead_status: frm.doc.status,
					phone: frm.doc.mobile_no || frm.doc.phone,
					campaign: frm.doc.campaign_name,
					on_logged: () => frm.reload_doc(),
				}),
			__("Calls")
		);
		frm.page.set_inner_btn_group_as_primary?.(__("Calls"));
	},
});

// Calling rules (DESIGN.md §8): the lead's local time, and whether it may be called now (else why and
// when next, in the lead's time), from the server's check_call.
frappe.ui.form.on("Lead", {
	onload(frm) {
		const field = frm.fields_dict.call_timezone;
		if (!field?.set_data) return;
		frappe
			.xcall("frappe.core.doctype.user.user.get_timezones")
			.then((r) => field.set_data(r.timezones || []));
	},
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_create("Lead Call Log")) return;
		frappe
			.xcall("call_status_crm.api.check_call", { lead: frm.doc.name }, "GET")
			.then((answer) => {
				if (!answer?.enabled) return;
				frm.dashboard.set_headline_alert(
					call_status_crm.calling_rules_html(answer),
					answer.allowed ? "green" : "orange"
				);
			});
	},
});
