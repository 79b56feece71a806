// What the Log Call dialog says under its pickers (log_call.js): the Lead's status once the call is saved,
// and, before saving, that a connected call of 0 seconds will count as never connected.

/**
 * @param {Object} args
 * @param {Object} [args.status] - the picked call status (get_call_statuses row)
 * @param {string} [args.now] - the Lead's status now
 * @param {string} [args.becomes] - the Lead status the call sets (the status's own, or the one picked)
 * @param {string[]} args.callable - the Lead statuses a call may set
 * @param {number} [args.duration]
 * @returns {string} HTML
 */
export function effect_html({ status, now, becomes, callable, duration }) {
	if (!status) return "";
	let message;
	let color = "gray";
	if (now && !callable.includes(now)) {
		message = __("The Lead keeps its status: {0} (a call does not change it)", [__(now)]);
	} else if (becomes && becomes !== now) {
		message = __("The Lead becomes: {0}", [__(becomes)]);
		color = "blue";
	} else if (now) {
		message = __("The Lead stays: {0}", [__(now)]);
	} else {
		message = __("The Lead's status does not change");
	}
	let html = pill(message, color, "lead-status-effect");
	if (status.outcome === "Connected" && !cint(duration)) {
		html += pill(
			__("Duration is 0 seconds: this call will count as not connected."),
			"orange",
			"zero-duration-warning"
		);
	}
	return html;
}

function pill(text, color, css_class) {
	return `<p class="${css_class}"><span class="indicator-pill ${color}">${frappe.utils.escape_html(
		text
	)}</span></p>`;
}
