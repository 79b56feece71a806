// No bare status code in the desk: every Call Status link (lists, Report View, filters, forms) shows the
// status's title, from the titles the boot carries (call_status_crm.desk.boot_session). A status picker's
// second line says what the status is for (direction and outcome) instead of repeating its code.
frappe.provide("call_status_crm");

const STATUS_DOCTYPE = "Call Status";

call_status_crm.call_statuses = {};
for (const status of frappe.boot?.call_statuses || []) {
	call_status_crm.call_statuses[status.name] = status;
	frappe.utils.add_link_title(STATUS_DOCTYPE, status.name, status.title);
}

// "Outgoing · Attempt": what a picker shows under a status's title.
call_status_crm.describe_call_status = function (code) {
	const status = call_status_crm.call_statuses[code];
	if (!status) return "";
	const direction = status.direction === "Any" ? __("Any direction") : __(status.direction);
	return `${direction} · ${__(status.outcome)}`;
};

const ControlLink = frappe.ui.form.ControlLink;
const setup_awesomeplete = ControlLink.prototype.setup_awesomeplete;
ControlLink.prototype.setup_awesomeplete = function (...args) {
	const result = setup_awesomeplete.apply(this, args);
	const awesomplete = this.awesomplete;
	const draw = awesomplete?.item;
	if (!draw) return result;
	const control = this;
	awesomplete.item = function (item, ...rest) {
		if (control.get_options() === STATUS_DOCTYPE) {
			const entry = this.get_item?.(item.value);
			if (entry && !entry.html && call_status_crm.call_statuses[entry.value]) {
				entry.description = call_status_crm.describe_call_status(entry.value);
			}
		}
		return draw.call(this, item, ...rest);
	};
	return result;
};
