"""The rules a call's values must meet (DESIGN.md §3, §4): status, lead status, times, duration, note
and follow-up. A mixin of the Lead Call Log controller; each failure is a clear, translated error."""

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime, getdate, now_datetime

from call_status_crm.call_input import InvalidCallInputError, check_external_id, parse_datetime
from call_status_crm.core import access
from call_status_crm.core.calls import (
	LIVE_STATUS,
	MAX_DURATION_SECONDS,
	MAX_NOTE_LENGTH,
	is_absurd_duration,
	is_in_future,
	is_note_too_long,
	whole_seconds,
)
from call_status_crm.core.statuses import is_visible
from call_status_crm.leads import validate_lead_status_option, validate_not_protected
from call_status_crm.recycling import get_rules
from call_status_crm.settings import get_connected_lead_status
from call_status_crm.unknown_callers import is_unknown_call_back

# Fields whose value must be text (a dict or list in a request body is refused, not stored or crashed on)
TEXT_FIELD_TYPES = ("Data", "Small Text", "Text", "Long Text", "Link", "Select", "Code")


class LeadRequiredError(frappe.ValidationError):
	pass


class UnknownCallStatusError(frappe.ValidationError):
	pass


class CallStatusNotAllowedError(frappe.ValidationError):
	pass


class CallStatusNotOfferedError(CallStatusNotAllowedError):
	pass


class LeadStatusMismatchError(frappe.ValidationError):
	pass


class InvalidCallLeadStatusError(frappe.ValidationError):
	pass


class CallInFutureError(frappe.ValidationError):
	pass


class InvalidDurationError(frappe.ValidationError):
	pass


class NoteRequiredError(frappe.ValidationError):
	pass


class NoteTooLongError(frappe.ValidationError):
	pass


class FollowUpRequiredError(frappe.ValidationError):
	pass


class FollowUpInPastError(frappe.ValidationError):
	pass


class CallChecks:
	"""Validation steps of a Lead Call Log (the controller's `validate` lists them in order)."""

	def validate_field_types(self):
		"""Text fields hold text (a JSON number in a Data field, a phone say, is taken as its text), or a
		clear 417: a list or an object in a request body is neither stored nor crashed on."""
		for df in self.meta.fields:
			value = self.get(df.fieldname)
			if value is None or isinstance(value, str) or df.fieldtype not in TEXT_FIELD_TYPES:
				continue
			if isinstance(value, int | float) and not isinstance(value, bool) and df.fieldtype == "Data":
				self.set(df.fieldname, str(value))  # a phone number sent as a JSON number
				continue
			frappe.throw(
				_("{0} must be text.").format(frappe.bold(_(df.label))),
				exc=InvalidCallInputError,
				title=_("Invalid Value"),
			)

	def normalize_input(self):
		"""What a client sent, as the types the checks and the database expect, or a clear 417: times are
		full dates and times (with a zone: turned into the site's time), the duration is whole seconds. Runs
		first in `validate`, so no later step compares or stores a raw value."""
		for fieldname in ("call_time", "follow_up_at"):
			if self.get(fieldname):
				self.set(fieldname, parse_datetime(self.get(fieldname), _(self.meta.get_label(fieldname))))
			else:
				self.set(fieldname, None)
		seconds = whole_seconds(self.duration if self.duration not in (None, "") else 0)
		if seconds is None:
			frappe.throw(
				_("Duration {0} is not a whole number of seconds.").format(
					frappe.bold(str(self.duration)[:40])
				),
				exc=InvalidDurationError,
				title=_("Invalid Duration"),
			)
		self.duration = seconds
		if not self.by_system and self.value_changed("external_id"):
			check_external_id(self.external_id)

	def validate_call_status_exists(self):
		try:
			exists = bool(self.call_status and self.status_doc)  # the cached Call Status
		except frappe.DoesNotExistError:
			frappe.clear_last_message()
			exists = False
		if not exists:
			frappe.throw(
				_("Call status {0} does not exist.").format(frappe.bold(self.call_status or "")),
				exc=UnknownCallStatusError,
				title=_("Unknown Call Status"),
			)

	def validate_note_length(self):
		if is_note_too_long(self.note):
			frappe.throw(
				_("The note has {0} characters: at most {1} are kept.").format(
					len(self.note), MAX_NOTE_LENGTH
				),
				exc=NoteTooLongError,
				title=_("Note Too Long"),
			)

	def validate_lead_required(self):
		if (
			not self.lead
			and self.direction != "Incoming"
			and self.source != access.TELEPHONY
			and not is_unknown_call_back(self)  # a call back to an unknown caller (DESIGN.md §10)
		):
			frappe.throw(
				_("Lead is required for an outgoing call."), exc=LeadRequiredError, title=_("Missing Lead")
			)
		if not self.lead and not self.phone_key:
			frappe.throw(
				_("A call with no Lead needs the phone number it was made with."),
				exc=LeadRequiredError,
				title=_("Missing Lead"),
			)

	def validate_call_status(self):
		if not (self.value_changed("call_status") or self.value_changed("direction")):
			return
		status = self.status_doc
		if status.direction not in ("Any", self.direction):
			frappe.throw(
				_("Call status {0} is for {1} calls only.").format(
					frappe.bold(_(status.status_title)), _(status.direction)
				),
				exc=CallStatusNotAllowedError,
				title=_("Call Status Not Allowed"),
			)
		# an agent's own dialler may mark its call live (start_call); nothing else hidden
		live_start = self.flags.live_start and self.call_status == LIVE_STATUS
		audience = None if self.by_trusted or live_start else access.status_audience(self.source)
		if audience and not is_visible(status.as_dict(), audience, None):
			# hidden from this audience (a manager may have hidden it since the dialog opened)
			frappe.throw(
				_(
					"Call status {0} is not offered to you (a manager may have hidden it): pick another."
				).format(frappe.bold(_(status.status_title))),
				exc=CallStatusNotOfferedError,
				title=_("Call Status Not Offered"),
			)

	def set_lead_status(self):
		"""The status decides the Lead status; where it sets none, the agent may pick one, and a reached
		lead in a recycled status moves to the settings' Connected Lead Status (DESIGN.md §4)."""
		status_lead_status = self.status_doc.lead_status
		if (
			not self.is_new()
			and self.has_value_changed("call_status")
			and not self.has_value_changed("lead_status")
		):
			# a new status replaces the lead status the old one gave
			self.lead_status = status_lead_status or None
		if not status_lead_status:
			self.set_connected_lead_status()
			return
		if not self.lead_status:
			self.lead_status = status_lead_status
		elif self.lead_status != status_lead_status and (
			self.value_changed("call_status") or self.value_changed("lead_status")
		):
			frappe.throw(
				_("Call status {0} sets the Lead status {1}, not {2}.").format(
					frappe.bold(_(self.status_doc.status_title)),
					frappe.bold(_(status_lead_status)),
					frappe.bold(_(self.lead_status)),
				),
				exc=LeadStatusMismatchError,
				title=_("Lead Status Mismatch"),
			)

	def set_connected_lead_status(self):
		"""A reached lead never stays not-reached: a Connected call that sets no lead status moves a lead
		out of a recycled status (Not Picked, Missed, …)."""
		if (
			self.lead_status
			or self.status_doc.outcome != "Connected"
			or not self.value_changed("call_status")
		):
			return
		locked = self.locked_lead()
		if locked and locked.status in get_rules():  # a recycled ("not reached") status
			self.lead_status = get_connected_lead_status()

	def validate_lead_status(self):
		if self.lead_status and self.value_changed("lead_status"):
			validate_lead_status_option(self.lead_status, _("Lead Status"), InvalidCallLeadStatusError)
			validate_not_protected(self.lead_status, _("Lead Status"))

	def validate_call_time(self):
		"""A call happened: not in the future (`normalize_input` has made it a real date and time)."""
		if not self.call_time:
			self.call_time = now_datetime()
		at = get_datetime(self.call_time)
		self.call_date = getdate(at)
		if self.value_changed("call_time") and is_in_future(at, now_datetime()):
			frappe.throw(
				_("Call Time {0} is in the future.").format(frappe.bold(format_datetime(at))),
				exc=CallInFutureError,
				title=_("Invalid Call Time"),
			)

	def validate_duration(self):
		if (self.duration or 0) < 0:
			frappe.throw(
				_("Duration cannot be negative."), exc=InvalidDurationError, title=_("Invalid Duration")
			)
		if is_absurd_duration(self.duration):
			frappe.throw(
				_("Duration {0} seconds is longer than a day ({1} seconds).").format(
					frappe.bold(self.duration), MAX_DURATION_SECONDS
				),
				exc=InvalidDurationError,
				title=_("Invalid Duration"),
			)

	def validate_note(self):
		if self.status_doc.requires_note and not (self.note or "").strip():
			frappe.throw(
				_("Call status {0} needs a note.").format(frappe.bold(_(self.status_doc.status_title))),
				exc=NoteRequiredError,
				title=_("Note Required"),
			)

	def validate_follow_up(self):
		"""A follow-up time is required where the status says so, and never in the past when set or moved."""
		if self.status_doc.requires_follow_up and not self.follow_up_at:
			frappe.throw(
				_("Call status {0} needs a follow-up time.").format(
					frappe.bold(_(self.status_doc.status_title))
				),
				exc=FollowUpRequiredError,
				title=_("Follow-up Required"),
			)
		if not self.follow_up_at or not self.value_changed("follow_up_at"):
			return
		self.follow_up_reminded = 0
		at = get_datetime(self.follow_up_at)
		if at <= now_datetime():
			frappe.throw(
				_("Follow-up time {0} is in the past.").format(frappe.bold(format_datetime(at))),
				exc=FollowUpInPastError,
				title=_("Invalid Follow-up Time"),
			)

	def warn_connected_without_duration(self):
		if self.status_doc.outcome == "Connected" and not self.duration:
			frappe.msgprint(
				_(
					"Call status {0} means the lead picked up, but the duration is 0 seconds: reports will show this call as not connected."
				).format(frappe.bold(_(self.status_doc.status_title))),
				indicator="orange",
				title=_("Duration is 0"),
				alert=True,
			)
