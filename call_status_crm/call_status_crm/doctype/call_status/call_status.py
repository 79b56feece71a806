# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Max

from call_status_crm.core.statuses import CATALOGUE_FIELDS, CODE_MAX_LENGTH, is_valid_code
from call_status_crm.leads import validate_lead_status_option, validate_not_protected

SORT_STEP = 10


class InvalidCallStatusCodeError(frappe.ValidationError):
	pass


class CallStatusCodeLockedError(frappe.ValidationError):
	pass


class SystemCallStatusError(frappe.ValidationError):
	pass


class CallStatusDeleteError(frappe.ValidationError):
	pass


class CallStatusInUseError(frappe.LinkExistsError):
	pass


class InvalidLeadStatusError(frappe.ValidationError):
	pass


class CallStatus(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		code: DF.Data
		description: DF.SmallText | None
		direction: DF.Literal["Any", "Outgoing", "Incoming"]
		indicator_color: DF.Literal[
			"Blue", "Cyan", "Gray", "Green", "Orange", "Pink", "Purple", "Red", "Yellow"
		]
		is_system: DF.Check
		lead_status: DF.Literal[None]
		outcome: DF.Literal["Connected", "Attempt", "Missed", "Live", "Failed"]
		requires_follow_up: DF.Check
		requires_note: DF.Check
		set_by: DF.Literal["Agent", "System"]
		show_to_agent: DF.Check
		show_to_ai_agent: DF.Check
		sort_order: DF.Int
		status_title: DF.Data
	# end: auto-generated types

	def before_insert(self):
		self.set_default_sort_order()

	def validate(self):
		self.validate_code()
		self.validate_locked_fields()
		self.validate_lead_status()

	def set_default_sort_order(self):
		"""A new status with no sort order goes after the last one (in steps of 10, as the catalogue), so it
		never jumps ahead of the statuses agents already know."""
		if self.sort_order or self.flags.from_catalogue:
			return
		status = frappe.qb.DocType("Call Status")
		last = frappe.qb.from_(status).select(Max(status.sort_order)).run()[0][0] or 0
		self.sort_order = (int(last) // SORT_STEP + 1) * SORT_STEP

	def validate_code(self):
		if not is_valid_code(self.code):
			frappe.throw(
				_(
					"Code {0} is not valid: use lower case letters, digits and underscores, starting with a letter (at most {1} characters)."
				).format(frappe.bold(self.code or ""), CODE_MAX_LENGTH),
				exc=InvalidCallStatusCodeError,
				title=_("Invalid Code"),
			)

	def validate_locked_fields(self):
		if self.is_new():
			if self.is_system and not self.flags.from_catalogue:
				frappe.throw(
					_("System call statuses are shipped by the app. Create a custom status instead."),
					exc=SystemCallStatusError,
					title=_("Not Allowed"),
				)
			return

		before = self.get_doc_before_save()
		if not before:
			return
		if self.code != before.code or self.code != self.name:
			frappe.throw(
				_("The code of call status {0} cannot be changed.").format(frappe.bold(self.name)),
				exc=CallStatusCodeLockedError,
				title=_("Code Locked"),
			)
		if self.is_system != before.is_system:
			frappe.throw(
				_("Whether call status {0} is a system status cannot be changed.").format(
					frappe.bold(self.name)
				),
				exc=SystemCallStatusError,
				title=_("Not Allowed"),
			)
		if not self.is_system or self.flags.from_catalogue:
			return
		# a system status keeps its meaning: reports count by its outcome and direction
		for fieldname in CATALOGUE_FIELDS:
			if self.has_value_changed(fieldname):
				frappe.throw(
					_("The {0} of system call status {1} is fixed by the app.").format(
						_(self.meta.get_label(fieldname)), frappe.bold(_(self.status_title))
					),
					exc=SystemCallStatusError,
					title=_("Not Allowed"),
				)

	def validate_lead_status(self):
		if self.lead_status:
			validate_lead_status_option(self.lead_status, _("Lead Status"), InvalidLeadStatusError)
			validate_not_protected(self.lead_status, _("Lead Status"))

	def on_update(self):
		clear_desk_titles()

	def after_delete(self):
		clear_desk_titles()

	def before_rename(self, old, new, merge=False):
		frappe.throw(
			_("Call status {0} cannot be renamed: its code is fixed when it is created.").format(
				frappe.bold(old)
			),
			exc=CallStatusCodeLockedError,
			title=_("Code Locked"),
		)

	def on_trash(self):
		if self.is_system:
			frappe.throw(
				_("{0} is a system call status and cannot be deleted. Hide it from agents instead.").format(
					frappe.bold(self.status_title)
				),
				exc=CallStatusDeleteError,
				title=_("Cannot Delete"),
			)
		if frappe.db.exists("DocType", "Lead Call Log") and frappe.db.exists(
			"Lead Call Log", {"call_status": self.name}
		):
			frappe.throw(
				_(
					"Call status {0} is used by calls and cannot be deleted. Hide it from agents instead."
				).format(frappe.bold(self.status_title)),
				exc=CallStatusInUseError,
				title=_("Cannot Delete"),
			)


def clear_desk_titles() -> None:
	"""The desk reads every status's title from its boot (`desk.boot_session`): a change reaches each user
	at their next page load."""
	frappe.cache.delete_key("bootinfo")
