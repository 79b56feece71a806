// Copyright (c) 2026, call_status_crm developers
// For license information, please see license.txt

frappe.ui.form.on("Lead Call Log", {
	setup(frm) {
		frm.set_query("call_status", () => ({
			query: "call_status_crm.api.search_call_statuses",
			filters: status_filters(frm),
		}));
		// (the choices are for whoever may log a call; a reader sees the stored value)
		frm.lead_status_choices = frappe.model.can_create("Lead Call Log")
			? frappe
					.call({ method: "call_status_crm.api.get_lead_status_choices", type: "GET" })
					.then((r) => r.message)
			: Promise.resolve(null);
		set_lead_status_options(frm);
	},

	refresh(frm) {
		if (frm.is_new()) {
			if (frm.doc.lead && !frm.doc.phone) set_phone_from_lead(frm);
			return;
		}
		show_status_badge(frm);
		if (is_missed_inbound(frm.doc) && frm.doc.called_back_at) {
			frm.set_intro(
				__("Called back at {0}.", [frappe.datetime.str_to_user(frm.doc.called_back_at)]),
				"green"
			);
		} else if (
			is_missed_inbound(frm.doc) &&
			frm.doc.lead &&
			frappe.model.can_create("Lead Call Log")
		) {
			frm.add_custom_button(__("Call back"), () => call_back(frm));
		}
		if (frm.doc.unknown_caller) add_unknown_caller_actions(frm);
		show_recording(frm);
		if (frm.doc.follow_up) {
			frm.add_custom_button(__("Follow-up"), () =>
				frappe.set_route("Form", "ToDo", frm.doc.follow_up)
			);
		}
	},

	lead(frm) {
		if (frm.doc.lead && !frm.doc.phone) set_phone_from_lead(frm);
	},

	call_status(frm) {
		if (!frm.doc.call_status) return;
		frappe.db
			.get_value("Call Status", frm.doc.call_status, [
				"lead_status",
				"outcome",
				"requires_note",
				"requires_follow_up",
			])
			.then(({ message }) => {
				if (!message) return;
				frm.call_status_outcome = message.outcome;
				set_lead_status_options(frm);
				frm.set_value("lead_status", message.lead_status || "");
				frm.set_df_property("lead_status", "read_only", message.lead_status ? 1 : 0);
				frm.set_df_property("note", "reqd", message.requires_note);
				frm.set_df_property("follow_up_at", "reqd", message.requires_follow_up);
				if (message.requires_follow_up && !frm.doc.follow_up_at) {
					frappe
						.call("call_status_crm.follow_up.get_default_follow_up_at")
						.then((r) => frm.set_value("follow_up_at", r.message));
				}
			});
	},

	direction(frm) {
		frm.set_value("call_status", "");
	},
});

// The statuses the form offers are the Log Call dialog's: those shown to the user's audience for the call's
// direction. Only a manager or an integration, on a dialler's or telephony call, may pick any status.
function status_filters(frm) {
	const source = frm.doc.source || (frappe.user.has_role("AI Call Agent") ? "AI Agent" : "Manual");
	const trusted = frappe.user.has_role(["Call Center Manager", "System Manager", "Call Integration"]);
	return {
		audience: source === "AI Agent" ? "ai_agent" : "agent",
		direction: frm.doc.direction,
		all: trusted && ["Dialler", "Telephony"].includes(source) ? 1 : 0,
	};
}

// The Lead statuses a call may set; a connected call never makes a lead not-reached (Not Picked, Missed).
function set_lead_status_options(frm) {
	frm.lead_status_choices.then((lead_statuses) => {
		if (!lead_statuses) return;
		const { choices, recycled } = lead_statuses;
		const connected = (frm.call_status_outcome ?? frm.doc.outcome) === "Connected";
		const options = choices.filter((status) => !connected || !recycled.includes(status));
		frm.set_df_property("lead_status", "options", [""].concat(options));
	});
}

// A new call from the Lead ("+ Add Lead Call Log"): the Lead's number, as the Log Call dialog has it.
function set_phone_from_lead(frm) {
	frappe.db.get_value("Lead", frm.doc.lead, ["mobile_no", "phone"]).then(({ message }) => {
		const phone = message?.mobile_no || message?.phone;
		if (phone && !frm.doc.phone) frm.set_value("phone", phone);
	});
}

// The badge is the list's indicator (status title and color): redrawn once the statuses are loaded.
function show_status_badge(frm) {
	const settings = frappe.listview_settings["Lead Call Log"];
	if (!settings?.load_statuses) return;
	settings.load_statuses().then(() => frm.toolbar?.set_indicator());
}

function is_missed_inbound(doc) {
	return doc.direction === "Incoming" && doc.outcome === "Missed";
}

// Log the outgoing call that answers a missed inbound one, in the app's Log Call dialog.
function call_back(frm) {
	frappe.db.get_value("Lead", frm.doc.lead, ["lead_name", "status"]).then(({ message }) => {
		call_status_crm.log_call({
			lead: frm.doc.lead,
			lead_name: message?.lead_name,
			lead_status: message?.status,
			phone: frm.doc.phone,
			direction: "Outgoing",
			campaign: frm.doc.campaign,
			on_logged: () => frm.reload_doc(),
		});
	});
}

// An unknown caller (an inbound call that landed on no Lead, DESIGN.md §10): call the number back (an
// outgoing call to it, prefilled) or make it a Lead, which takes every lead-less call from the number.
function add_unknown_caller_actions(frm) {
	if (frappe.model.can_create("Lead Call Log")) {
		frm.add_custom_button(__("Call back"), () =>
			frappe.new_doc("Lead Call Log", {
				direction: "Outgoing",
				phone: frm.doc.phone,
				campaign: frm.doc.campaign,
			})
		);
	}
	if (frappe.model.can_create("Lead")) {
		frm.add_custom_button(__("Create Lead"), () =>
			frappe.prompt(
				{
					fieldname: "lead_name",
					fieldtype: "Data",
					label: __("Name"),
					default: frm.doc.phone,
					reqd: 1,
					description: __("The Lead gets {0} as its mobile number and every call from it.", [
						frm.doc.phone,
					]),
				},
				({ lead_name }) =>
					frappe
						.call({
							method: "call_status_crm.api.create_lead_from_call",
							args: { call: frm.doc.name, lead_name },
							freeze: true,
						})
						.then((r) => frappe.set_route("Form", "Lead", r.message)),
				__("Create Lead"),
				__("Create")
			)
		);
	}
}

// The recording, played at the top of the call's form: the URL itself, or through the app when the
// provider's credentials are needed (the server says which: __onload.recording_src).
function show_recording(frm) {
	frm.dashboard.parent.find(".csc-recording").closest(".form-dashboard-section").remove();
	const src = frm.doc.__onload?.recording_src;
	if (!src) return;
	const $player = $(`<div class="csc-recording"></div>`).append(
		$(`<audio controls preload="metadata" style="width: 100%"></audio>`).attr("src", src)
	);
	frm.dashboard.add_section($player, __("Recording"));
	frm.dashboard.show();
}
