// The Call Queue (DESIGN.md §9): the agent's next call in one place. The server decides the order and
// reserves the lead for the agent; this page shows the lead (name, number, local time, last calls, why it is
// next), dials it (ERPNext's click-to-call where a telephony provider is set up, else a tel: link), opens the
// Log Call dialog in place, and moves on with Skip and Next. Keys: D dial, L log call, S skip, N next.
const API = "call_status_crm.api.";

frappe.pages["call-queue"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Call Queue"),
		single_column: true,
	});
	wrapper.call_queue = new CallQueuePage(page);
};

frappe.pages["call-queue"].on_page_show = function (wrapper) {
	if (wrapper.call_queue && !wrapper.call_queue.current) wrapper.call_queue.next();
};

class CallQueuePage {
	constructor(page) {
		this.page = page;
		this.current = null;
		this.busy = false;
		this.logged = false;
		this.$body = $(`<div class="csc-call-queue"></div>`).appendTo(page.main);
		this.page.set_primary_action(__("Next"), () => this.next(), "arrow-right");
		this.page.set_secondary_action(__("Skip"), () => this.skip());
		this.bind_keys();
		this.next();
	}

	bind_keys() {
		$(document).on("keydown.call_queue", (e) => {
			if (frappe.get_route_str() !== "call-queue") return;
			if (e.ctrlKey || e.metaKey || e.altKey) return;
			if ($(e.target).is("input, textarea, select, [contenteditable]")) return;
			if ($(".modal.show").length) return; // a dialog is open: its keys are its own
			const key = e.key.toLowerCase();
			const actions = { n: () => this.next(), s: () => this.skip(), l: () => this.log(), d: () => this.dial() };
			if (actions[key]) {
				e.preventDefault();
				actions[key]();
			}
		});
	}

	call(method, args = {}, type = "POST") {
		// a native promise (frappe.call's is jQuery's, which has no finally)
		return Promise.resolve(frappe.call({ method: API + method, args, type })).then((r) => r.message);
	}

	next() {
		if (this.busy) return;
		this.busy = true;
		this.logged = false;
		this.$body.html(`<div class="text-muted p-4">${__("Finding your next call…")}</div>`);
		this.call("get_next_call")
			.then((found) => {
				this.current = found && found.lead ? found : null;
				this.render();
				return this.load_summary();
			})
			.catch(() => this.render_error())
			.finally(() => {
				this.busy = false;
			});
	}

	skip() {
		if (this.busy || !this.current) return;
		this.busy = true;
		this.call("skip_call", { lead: this.current.lead })
			.then(() => {
				this.current = null;
				this.busy = false;
				this.next();
			})
			.catch(() => {
				this.busy = false;
			});
	}

	dial() {
		const current = this.current;
		if (!current || !current.phone) return;
		if (frappe.phone_call?.handler) {
			frappe.phone_call.handler(current.phone); // ERPNext's telephony click-to-call
		} else {
			this.$body.find("a.csc-dial")[0]?.click();
		}
	}

	log() {
		const current = this.current;
		if (!current) return;
		call_status_crm.log_call({
			lead: current.lead,
			lead_name: current.lead_name,
			phone: current.phone,
			on_logged: (call) => {
				this.logged = true;
				this.$body
					.find(".csc-queue-logged")
					.removeClass("hidden")
					.text(__("Call {0} logged. Press Next for your next call.", [call.name]));
				this.page.btn_primary.focus();
			},
		});
	}

	load_summary() {
		return this.call("get_call_queue_summary", {}, "GET").then((summary) => {
			if (!summary) return;
			const parts = [];
			if (summary.blocked) {
				const reasons = Object.entries(summary.blocked_by_reason || {})
					.map(([reason, count]) => `${reason_label(reason)}: ${count}`)
					.join(", ");
				parts.push(__("{0} blocked by the calling rules now ({1})", [summary.blocked, reasons]));
				if (summary.next_opens_at) {
					parts.push(
						__("the first opens at {0}", [frappe.datetime.str_to_user(summary.next_opens_at)])
					);
				}
			}
			parts.unshift(__("{0} due in your queue", [summary.due]));
			this.$body.find(".csc-queue-summary").text(parts.join(" · "));
		});
	}

	render_error() {
		this.current = null;
		this.$body.html(
			`<div class="text-muted p-4">${__("The queue could not be read. Press Next to try again.")}</div>
			<div class="csc-queue-summary text-muted small px-4"></div>`
		);
	}

	render() {
		const c = this.current;
		if (!c) {
			this.$body.html(`
				<div class="p-4">
					<h4>${__("Nothing to call right now")}</h4>
					<p class="text-muted">${__("No callback is due and none of your leads is due. Press Next to look again.")}</p>
					<div class="csc-queue-summary text-muted small"></div>
				</div>`);
			return;
		}
		const esc = frappe.utils.escape_html;
		const phone = c.phone || "";
		const local = c.local_time
			? `${moment.parseZone(c.local_time).format("ddd HH:mm")} (${esc(c.timezone || "")})`
			: "";
		const rules = c.calling_rules || {};
		const rules_line =
			rules.enabled && !rules.allowed
				? `<div class="text-danger">${esc(rules.message || __("Not callable now"))}</div>`
				: "";
		const calls = (c.last_calls || [])
			.map(
				(call) => `<tr>
					<td>${esc(frappe.datetime.str_to_user(call.call_time))}</td>
					<td>${esc(__(call.direction))}</td>
					<td>${esc(call.status_title || call.call_status)}</td>
					<td>${cint(call.duration)} s</td>
					<td>${esc(call.note || "")}</td>
				</tr>`
			)
			.join("");
		this.$body.html(`
			<div class="csc-queue-card p-4" style="max-width: 960px">
				<div class="text-muted small csc-queue-reason">${esc(c.reason_label || "")}</div>
				<h3 class="csc-queue-lead mt-1 mb-2">
					<a href="/app/lead/${encodeURIComponent(c.lead)}">${esc(c.lead_name || c.lead)}</a>
				</h3>
				<div class="d-flex flex-wrap align-items-center" style="gap: 12px">
					<a class="btn btn-primary btn-sm csc-dial ${phone ? "" : "disabled"}"
						href="tel:${esc(phone.replace(/[^\d+]/g, ""))}">${__("Dial")} ${esc(phone)} <kbd>D</kbd></a>
					<button class="btn btn-default btn-sm csc-log">${__("Log Call")} <kbd>L</kbd></button>
					<span class="csc-queue-local">${local ? __("Lead's time: {0}", [local]) : ""}</span>
				</div>
				${rules_line}
				<div class="csc-queue-logged text-success mt-2 hidden"></div>
				<h5 class="mt-4">${__("Last calls")}</h5>
				${
					calls
						? `<table class="table table-sm small"><tbody>${calls}</tbody></table>`
						: `<div class="text-muted small">${__("No calls yet")}</div>`
				}
				<div class="text-muted small mt-3">${__("Keys: D dial, L log call, S skip, N next")}</div>
				<div class="csc-queue-summary text-muted small mt-1"></div>
			</div>`);
		this.$body.find(".csc-log").on("click", () => this.log());
		this.$body.find("a.csc-dial").on("click", (e) => {
			if (frappe.phone_call?.handler) {
				e.preventDefault();
				frappe.phone_call.handler(phone);
			}
		});
	}
}

function reason_label(reason) {
	return (
		{
			dnc: __("Do Not Call"),
			outside_window: __("outside calling hours"),
			holiday: __("holiday"),
			cap_reached: __("call cap reached"),
		}[reason] || reason
	);
}
