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
