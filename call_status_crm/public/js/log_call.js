// The Log Call dialog (DESIGN.md §7), shared by the Lead form ("Calls > Log Call") and the Lead Call
// Log form ("Call back"). It offers only the statuses agents may pick for the direction, says which
// Lead status the call will set, and keeps the agent's input whenever the server refuses the call.
import { effect_html } from "./log_call_effect";

frappe.provide("call_status_crm");

const DIRECTIONS = ["Outgoing", "Incoming"];

/**
 * Open the Log Call dialog.
 * @param {Object} opts
 * @param {string} opts.lead - the Lead's name (required)
 * @param {string} [opts.lead_name] - shown in the title
 * @param {string} [opts.lead_status] - the Lead's current status (read from the Lead when not given)
 * @param {string} [opts.phone]
 * @param {string} [opts.direction] - "Outgoing" (default) or "Incoming"
 * @param {string} [opts.campaign]
 * @param {Function} [opts.on_logged] - called with the saved Lead Call Log
 * @returns {LogCallDialog}
 */
call_status_crm.log_call = function (opts = {}) {
	const dialog = new LogCallDialog(opts);
	dialog.show();
	return dialog;
};

class LogCallDialog {
	constructor(opts) {
		this.opts = Object.assign({ direction: "Outgoing" }, opts);
		this.statuses = [];
		this.choices = { choices: [], recycled: [], connected_lead_status: "" };
		this.lead_status_now = opts.lead_status || "";
		this.saving = false;
		this.saved = false;
		this.guarded = false;
	}

	make() {
		const opts = this.opts;
		this.dialog = new frappe.ui.Dialog({
			title: __("Log Call with {0}", [opts.lead_name || opts.lead]),
			fields: [
				{
					fieldname: "direction",
					fieldtype: "Select",
					label: __("Direction"),
					options: DIRECTIONS.map((value) => ({ value, label: __(value) })),
					default: DIRECTIONS.includes(opts.direction) ? opts.direction : "Outgoing",
					reqd: 1,
					change: () => this.load_statuses(),
				},
				{
					fieldname: "call_status",
					fieldtype: "Select",
					label: __("Call Status"),
					reqd: 1,
					change: () => this.on_status_change(),
				},
				{
					fieldname: "lead_status",
					fieldtype: "Select",
					label: __("Lead Status"),
					// Drawn visible with its options, hidden right after: a Select first drawn later
					// would show no options once a value had been set on it (Frappe v15).
					// a reached lead is never made not-reached: no recycled status (Not Picked, Missed)
					options: [{ value: "", label: "" }].concat(
						this.connected_choices().map((value) => ({ value, label: __(value) }))
					),
					description: __("The call reached the Lead: pick what the Lead becomes."),
					change: () => this.show_effect(),
				},
				{ fieldname: "lead_status_effect", fieldtype: "HTML" },
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
					change: () => this.show_effect(),
				},
				{
					fieldname: "phone",
					fieldtype: "Data",
					options: "Phone",
					label: __("Phone"),
					default: opts.phone || "",
				},
				{
					fieldname: "campaign",
					fieldtype: "Data",
					label: __("Campaign"),
					read_only: 1,
					hidden: opts.campaign ? 0 : 1,
					default: opts.campaign || "",
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
				{
					fieldname: "callback_type",
					fieldtype: "Select",
					label: __("Callback Type"),
					hidden: 1,
					options: ["Personal", "Anyone"].map((value) => ({ value, label: __(value) })),
					default: "Personal",
					description: __(
						"Personal: only you call back. Anyone: any agent may (a Personal callback not dialled in time becomes Anyone)."
					),
				},
			],
			primary_action_label: __("Save Call"),
			primary_action: (values) => this.save(values),
		});
		this.dialog.set_df_property("lead_status", "hidden", 1);
		// Esc on an error message must not close the dialog under it and lose the agent's input.
		this.dialog.onhide = () => {
			if (this.guarded && !this.saved) setTimeout(() => this.dialog.show(), 0);
		};
		// nor Esc anywhere else (a required-field message, an open date picker) once something is typed
		call_status_crm.keep_input(this.dialog, () => this.guarded);
		// the 0-second warning follows the typing (not the blur, which would move the Save button)
		this.dialog.get_field("duration").$input.on("input", () => this.show_effect());
	}

	connected_choices() {
		return this.choices.choices.filter((value) => !this.choices.recycled.includes(value));
	}

	show() {
		return this.load_choices().then(() => {
			this.make();
			this.dialog.show();
			return this.load_statuses().then(() => this.dialog.mark_pristine());
		});
	}

	load_choices() {
		const lead_status = this.lead_status_now
			? Promise.resolve()
			: frappe.db.get_value("Lead", this.opts.lead, "status").then(({ message }) => {
					this.lead_status_now = message?.status || "";
			  });
		const choices = frappe
			.call({ method: "call_status_crm.api.get_lead_status_choices", type: "GET" })
			.then((r) => Object.assign(this.choices, r.message || {}));
		return Promise.all([lead_status, choices]);
	}

	load_statuses() {
		const direction = this.dialog.get_value("direction");
		return frappe
			.call({
				method: "call_status_crm.api.get_call_statuses",
				type: "GET",
				args: { audience: "agent", direction },
			})
			.then((r) => {
				if (direction !== this.dialog.get_value("direction")) return;
				this.statuses = r.message || [];
				const field = this.dialog.get_field("call_status");
				field.df.options = [{ value: "", label: "" }].concat(
					this.statuses.map((s) => ({ value: s.code, label: s.status_title }))
				);
				field.refresh();
				if (!this.get_status()) this.dialog.set_value("call_status", "");
				this.on_status_change();
			});
	}

	get_status() {
		const code = this.dialog.get_value("call_status");
		return this.statuses.find((s) => s.code === code);
	}

	asks_lead_status(status) {
		return !!status && status.outcome === "Connected" && !status.lead_status;
	}

	on_status_change() {
		const dialog = this.dialog;
		const status = this.get_status();
		const asks = this.asks_lead_status(status);
		dialog.set_df_property("lead_status", "hidden", asks ? 0 : 1);
		if (!asks) {
			if (dialog.get_value("lead_status")) dialog.set_value("lead_status", "");
		} else if (
			!dialog.get_value("lead_status") &&
			this.choices.recycled.includes(this.lead_status_now) &&
			this.choices.choices.includes(this.choices.connected_lead_status)
		) {
			// A reached lead never stays not-reached (DESIGN.md §4): the server does the same.
			dialog.set_value("lead_status", this.choices.connected_lead_status);
		}
		dialog.set_df_property("note", "reqd", status?.requires_note ? 1 : 0);

		const needs_follow_up = !!status?.requires_follow_up;
		dialog.set_df_property("follow_up_at", "hidden", needs_follow_up ? 0 : 1);
		dialog.set_df_property("follow_up_at", "reqd", needs_follow_up ? 1 : 0);
		if (needs_follow_up && !dialog.get_value("follow_up_at")) {
			frappe.call({
				method: "call_status_crm.follow_up.get_default_follow_up_at",
				callback: (r) => {
					if (this.get_status()?.requires_follow_up && !dialog.get_value("follow_up_at")) {
						dialog.set_value("follow_up_at", r.message);
					}
				},
			});
		}
		if (!needs_follow_up) dialog.set_value("follow_up_at", "");
		dialog.set_df_property("callback_type", "hidden", needs_follow_up ? 0 : 1);
		if (needs_follow_up) dialog.set_value("callback_type", status.default_callback_type || "Personal");
		this.show_effect();
	}

	// Under the pickers: what the Lead's status will be once this call is saved, and a warning before saving
	// a connected call of 0 seconds (it counts as never connected).
	show_effect() {
		const status = this.get_status();
		this.dialog.get_field("lead_status_effect").$wrapper.html(
			effect_html({
				status,
				now: this.lead_status_now,
				becomes:
					status?.lead_status ||
					(this.asks_lead_status(status) ? this.dialog.get_value("lead_status") : ""),
				callable: this.choices.choices,
				duration: this.dialog.get_field("duration").$input.val(),
			})
		);
	}

	save(values) {
		if (this.saving) return;
		this.saving = true;
		this.dialog.disable_primary_action();
		const status = this.get_status();
		const doc = {
			doctype: "Lead Call Log",
			lead: this.opts.lead,
			direction: values.direction,
			call_status: values.call_status,
			lead_status: this.asks_lead_status(status) ? values.lead_status || null : null,
			call_time: values.call_time,
			duration: values.duration || 0,
			phone: values.phone || null,
			note: values.note || null,
			follow_up_at: status?.requires_follow_up ? values.follow_up_at : null,
			callback_type: status?.requires_follow_up ? values.callback_type || null : null,
		};
		if (values.campaign) doc.campaign = values.campaign;

		frappe.call({
			method: "frappe.client.insert",
			args: { doc },
			freeze: true,
			callback: (r) => this.on_saved(r.message),
			error: () => this.on_refused(),
			always: () => {
				this.saving = false;
				if (!this.saved) this.dialog.enable_primary_action();
			},
		});
	}

	on_saved(call) {
		this.saved = true;
		this.dialog.hide();
		frappe.show_alert({ message: __("Call {0} logged", [call.name]), indicator: "green" });
		this.opts.on_logged?.(call);
	}

	// Frappe has shown the server's message: keep the dialog (and what the agent typed) under it.
	on_refused() {
		this.saving = false;
		this.dialog.enable_primary_action();
		// a status hidden meanwhile (or any other change) is no longer offered: the list is the server's
		this.load_statuses();
		const message = frappe.msg_dialog;
		const showing = message?.$wrapper?.data("bs.modal")?._isShown;
		if (!showing) return;
		this.guarded = true;
		this.dialog.no_cancel_flag = true;
		message.$wrapper.one("hidden.bs.modal", () => {
			// After the Esc that closed the message has been handled everywhere.
			setTimeout(() => {
				this.guarded = false;
				this.dialog.no_cancel_flag = false;
				if (!this.dialog.display) this.dialog.show();
			}, 0);
		});
	}
}

// Calling rules (DESIGN.md §8): before the agent dials, the dialog says why an outgoing call is not
// allowed now and when it next is (in the lead's time). The server refuses it anyway in Block mode.
const make_log_call_dialog = LogCallDialog.prototype.make;
LogCallDialog.prototype.make = function () {
	make_log_call_dialog.call(this);
	show_calling_rules(this.dialog, this.opts);
};

function show_calling_rules(dialog, opts) {
	if (!opts.lead && !opts.phone) return;
	const $alert = $(`<div class="alert alert-warning small hide"></div>`).prependTo(dialog.$body);
	const show = () => {
		if (dialog.get_value("direction") !== "Outgoing") return $alert.addClass("hide");
		const args = opts.lead ? { lead: opts.lead } : { phone: opts.phone };
		if (opts.campaign) args.campaign = opts.campaign;
		frappe.xcall("call_status_crm.api.check_call", args, "GET").then((answer) => {
			const refused = answer?.enabled && !answer.allowed;
			$alert.toggleClass("hide", !refused);
			if (refused) $alert.html(call_status_crm.calling_rules_html(answer));
		});
	};
	dialog.fields_dict.direction?.$input?.on("change", show);
	show();
}

// "Local time: 23-11-2026 09:15 (America/New_York). May be called now." / "… Not now: <why and when>."
call_status_crm.calling_rules_html = function (answer) {
	const local = answer.local_time || "";
	const when = `${frappe.datetime.str_to_user(local.slice(0, 10))} ${local.slice(11, 16)}`;
	const here = __("Local time: {0} ({1}).", [when, frappe.utils.escape_html(answer.timezone)]);
	const verdict = answer.allowed ? __("May be called now.") : __("Not now: {0}", [answer.message]);
	return `${here} ${verdict}`;
};
