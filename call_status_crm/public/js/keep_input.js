// Esc never loses what was typed in a dialog. Frappe closes the open dialog on Esc, also when the Esc was
// meant for a message over it ("Missing Values Required") or for an open date picker, and Bootstrap closes
// a focused modal on Esc as well. A dialog given to `keep_input` closes on Esc only while nothing has been
// entered in it (or when `keep()` says so); its close button still closes it.
frappe.provide("call_status_crm");

/**
 * @param {frappe.ui.Dialog} dialog
 * @param {Function} [keep] - also keep the dialog open on Esc while this returns true
 */
call_status_crm.keep_input = function (dialog, keep = () => false) {
	// Bootstrap's own Esc handling off; Frappe's (below) decides
	dialog.$wrapper.modal({ keyboard: false, show: false });
	dialog.mark_pristine = () => (dialog.pristine = dialog.get_values(true) || {});
	dialog.keeps_input = () => keep() || is_dirty(dialog);
	dialog.mark_pristine();
};

function is_dirty(dialog) {
	const values = dialog.get_values(true) || {};
	const pristine = dialog.pristine || {};
	const keys = new Set([...Object.keys(values), ...Object.keys(pristine)]);
	return [...keys].some((key) => (values[key] ?? "") !== (pristine[key] ?? ""));
}

// Esc closes only the topmost thing, and nothing typed is lost by it. This runs before Frappe's
// handler (jQuery, on the window) and Bootstrap's (on the focused modal), and tells each open dialog that keeps
// input whether Frappe may cancel it on this Esc:
// - a message or another dialog over it: no, the Esc is that one's (Bootstrap or Frappe closes it); one still
//   fading in is closed once shown, as Bootstrap ignores a hide while a modal is in transition;
// - an open date picker in it: no, the Esc closes the picker only (Frappe blurs the input, which hides it);
// - otherwise only while nothing has been entered (or `keep()` says so).
window.addEventListener(
	"keydown",
	(event) => {
		if (event.key !== "Escape") return;
		const kept = (frappe.ui.open_dialogs || []).filter((dialog) => dialog.keeps_input);
		if (!kept.length) return;
		const fading_in = modals_fading_in().filter(
			(modal) => !kept.some((dialog) => dialog.$wrapper[0] === modal)
		);
		const top = frappe.ui.open_dialogs[frappe.ui.open_dialogs.length - 1];
		const covered = fading_in.length > 0 || !top.keeps_input;
		for (const modal of fading_in.slice(-1)) {
			$(modal).one("shown.bs.modal", () => $(modal).modal("hide"));
		}
		for (const dialog of kept) {
			dialog.no_cancel_flag = covered || picker_open_in(dialog) || dialog.keeps_input();
		}
	},
	true
);

// Modals being shown whose fade-in has not ended (not yet in `frappe.ui.open_dialogs`).
function modals_fading_in() {
	return $(".modal.show")
		.toArray()
		.filter((modal) => {
			const bootstrap = $(modal).data("bs.modal");
			return bootstrap?._isShown && bootstrap._isTransitioning;
		});
}

// An air-datepicker (Frappe's Date and Datetime controls) open for an input of the dialog.
function picker_open_in(dialog) {
	const focused = document.activeElement;
	return (
		$(".datepicker.active:visible").length > 0 &&
		!!focused &&
		$.contains(dialog.$wrapper[0], focused) &&
		["Date", "Datetime", "Time"].includes($(focused).attr("data-fieldtype"))
	);
}
