# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_to_date, get_datetime, getdate, now_datetime

from call_status_crm import permissions
from call_status_crm.calls import next_call_number, update_callback_times
from call_status_crm.core import access
from call_status_crm.core.calls import (
	LIVE_STATUS,
	MAX_DURATION_SECONDS,
	MAX_NOTE_LENGTH,
	call_name,
	is_absurd_duration,
	is_before_records,
	is_in_future,
	is_note_too_long,
	phone_digits,
)
from call_status_crm.core.lead_status import is_connected
from call_status_crm.core.statuses import is_visible
from call_status_crm.follow_up import cancel_follow_up, ensure_follow_up
from call_status_crm.integrations.erpnext.lead import sync_lead
from call_status_crm.leads import (
	find_leads_by_phone,
	get_lead_campaign,
	lead_campaign_fields,
	lock_leads,
	validate_lead_status_option,
	validate_not_protected,
)
from call_status_crm.settings import (
	get_call_edit_minutes,
	get_connected_lead_status,
	get_recycled_lead_statuses,
)

# Fields the app computes or snapshots: never taken from a client (DESIGN.md §4).
COMPUTED_FIELDS = (
	"follow_up",
	"follow_up_status",
	"follow_up_reminded",
	"branch",
	"department",
	"previous_lead_status",
	"called_back_at",
	"outcome",
	"is_connected",
	"call_date",
	"phone_digits",
	"telephony_status",
	"telephony_unmapped",
)
# What an agent may still change once the edit window is over (a dialler's live call is not over yet).
ALWAYS_EDITABLE_FIELDS = ("note", "follow_up_at")
CORRECTABLE_FIELDS = (
	"lead",
	"direction",
	"phone",
	"call_status",
	"lead_status",
	"call_time",
	"duration",
	"agent",
	"campaign",
	"source",
	"external_id",
	"recording_url",
)


class LeadRequiredError(frappe.ValidationError):
	pass


class UnknownCallStatusError(frappe.ValidationError):
	pass


class CallStatusNotAllowedError(frappe.ValidationError):
	pass


class LeadStatusMismatchError(frappe.ValidationError):
	pass


class InvalidCallLeadStatusError(frappe.ValidationError):
	pass


class CallInFutureError(frappe.ValidationError):
	pass


class InvalidCallTimeError(frappe.ValidationError):
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


class AgentNotAllowedError(frappe.PermissionError):
	pass


class SourceNotAllowedError(frappe.PermissionError):
	pass


class CallEditWindowClosedError(frappe.PermissionError):
	pass


class LeadCallLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		agent: DF.Link | None
		branch: DF.Link | None
		call_status: DF.Link
		call_date: DF.Date | None
		call_time: DF.Datetime
		campaign: DF.Link | None
		department: DF.Link | None
		direction: DF.Literal["Outgoing", "Incoming"]
		duration: DF.Int
		external_id: DF.Data | None
		follow_up: DF.Link | None
		follow_up_at: DF.Datetime | None
		follow_up_reminded: DF.Check
		follow_up_status: DF.Literal["", "Open", "Closed", "Cancelled"]
		is_connected: DF.Check
		lead: DF.Link | None
		lead_name: DF.Data | None
		lead_status: DF.Literal[None]
		note: DF.SmallText | None
		outcome: DF.Literal["", "Connected", "Attempt", "Missed", "Live", "Failed"]
		phone: DF.Data | None
		phone_digits: DF.Data | None
		previous_lead_status: DF.Data | None
		recording_url: DF.Data | None
		source: DF.Literal["", "Manual", "Dialler", "AI Agent", "Telephony"]
		telephony_status: DF.Data | None
		telephony_unmapped: DF.Check
	# end: auto-generated types

	def autoname(self):
		"""CALL-<year>-<number> from a database sequence: unlike a naming series, whose row stays locked
		until commit, a sequence hands out numbers without making concurrent new calls wait."""
		self.name = call_name(next_call_number(), now_datetime().year)

	def validate(self):
		self.validate_writer()
		self.keep_computed_fields()
		self.validate_source()
		self.validate_call_status_exists()
		self.validate_note_length()
		self.set_phone_digits()
		self.match_lead_by_phone()
		self.validate_lead_required()
		self.lock_leads()
		self.validate_lead_permission()
		self.validate_agent()
		self.validate_call_status()
		self.set_outcome()
		self.set_lead_status()
		self.validate_lead_status()
		self.validate_call_time()
		self.validate_duration()
		self.set_connected()
		self.validate_note()
		self.validate_follow_up()
		self.set_agent_details()
		self.set_campaign()
		self.set_previous_lead_status()
		self.warn_connected_without_duration()

	def on_update(self):
		before = self.get_doc_before_save()
		ensure_follow_up(self)
		if self.lead:
			stayed = before and before.lead == self.lead
			sync_lead(self.lead, before if stayed else None, self, self.previous_lead_status)
			update_callback_times(self.lead)
		if before and before.lead and before.lead != self.lead:
			# moved to another lead: for the old one it is as if the call was deleted
			sync_lead(before.lead, before, None, before.previous_lead_status)
			update_callback_times(before.lead)

	def on_trash(self):
		cancel_follow_up(self)
		if self.lead:
			lock_leads([self.lead])
			sync_lead(self.lead, self, None, self.previous_lead_status)
			update_callback_times(self.lead, exclude=self.name)

	@property
	def status_doc(self):
		if getattr(self, "_status_doc", None) is None or self._status_doc.name != self.call_status:
			self._status_doc = frappe.get_cached_doc("Call Status", self.call_status)
		return self._status_doc

	@property
	def by_system(self) -> bool:
		"""Written by the app itself: a job or the telephony bridge (they save with ignore_permissions)."""
		return bool(self.flags.ignore_permissions or self.flags.from_job)

	@property
	def by_trusted(self) -> bool:
		"""The app, an integration (Call Integration) or a manager: any status, source and agent."""
		return self.by_system or permissions.is_trusted()

	def value_changed(self, fieldname: str) -> bool:
		return self.is_new() or self.has_value_changed(fieldname)

	def validate_writer(self):
		"""An agent changes only their own call as stored (not as the request would make it), and only
		within the edit window; after it, a manager (the note and follow-up stay the agent's)."""
		before = self.get_doc_before_save()
		if not before or self.by_trusted:
			return
		if before.agent != frappe.session.user:
			permissions.deny(_("You may only change your own calls."))
		if before.call_status == LIVE_STATUS:
			return
		minutes = get_call_edit_minutes()
		closed = get_datetime(before.creation) < add_to_date(now_datetime(), minutes=-minutes)
		changed = [field for field in CORRECTABLE_FIELDS if self.has_value_changed(field)]
		if closed and changed:
			frappe.throw(
				_(
					"Call {0} was logged more than {1} minutes ago: only a Call Center Manager can change its {2} now (the note stays editable)."
				).format(
					frappe.bold(self.name), minutes, ", ".join(_(self.meta.get_label(f)) for f in changed)
				),
				exc=CallEditWindowClosedError,
				title=_("Call Locked"),
			)

	def keep_computed_fields(self):
		"""What the app computes is never taken from a client: reset to the stored values (none on insert)."""
		if self.by_system:
			return
		before = self.get_doc_before_save()
		for fieldname in COMPUTED_FIELDS:
			self.set(fieldname, before.get(fieldname) if before else None)

	def validate_source(self):
		"""The user's roles decide the source (DESIGN.md §1a): Call Agent → Manual, AI Call Agent → AI
		Agent; integrations, managers, jobs and the bridge may claim any."""
		if self.by_system:
			self.source = self.source or access.DIALLER
			return
		allowed = permissions.allowed_sources()
		if not self.source:
			self.source = permissions.default_source()
		if not self.source or (self.value_changed("source") and self.source not in allowed):
			frappe.throw(
				_("You may not log calls with source {0}: yours may be {1}.").format(
					frappe.bold(_(self.source or "")), ", ".join(_(source) for source in allowed) or _("none")
				),
				exc=SourceNotAllowedError,
				title=_("Not Permitted"),
			)

	def validate_call_status_exists(self):
		if not self.call_status or not frappe.db.exists("Call Status", self.call_status):
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

	def set_phone_digits(self):
		self.phone_digits = phone_digits(self.phone) or None

	def match_lead_by_phone(self):
		"""A call with no lead goes to the Lead with that mobile or phone number, else to the lead the same
		number last called about (indexed lookups, never a LIKE over a table). A user is only ever matched
		to a Lead they may write, so the match tells nobody about a Lead they cannot see."""
		self.lead = self.lead or None
		if self.lead or not self.phone_digits:
			return
		candidates = find_leads_by_phone(self.phone)
		call = frappe.qb.DocType("Lead Call Log")
		rows = (
			frappe.qb.from_(call)
			.select(call.lead)
			.distinct()
			.where(
				(call.phone_digits == self.phone_digits) & call.lead.isnotnull() & (call.name != self.name)
			)
			.orderby(call.call_time, order=frappe.qb.desc)
			.limit(5)
			.run()
		)
		candidates.extend(row[0] for row in rows if row[0] not in candidates)
		self.lead = next(
			(lead for lead in candidates if self.by_trusted or permissions.can_write_lead(lead)), None
		)

	def validate_lead_required(self):
		if not self.lead and self.direction != "Incoming" and self.source != access.TELEPHONY:
			frappe.throw(
				_("Lead is required for an outgoing call."), exc=LeadRequiredError, title=_("Missing Lead")
			)
		if not self.lead and not self.phone_digits:
			frappe.throw(
				_("A call with no Lead needs the phone number it was made with."),
				exc=LeadRequiredError,
				title=_("Missing Lead"),
			)

	def lock_leads(self):
		"""Take the Lead's row lock before anything is written, so calls for one lead saved at once are
		applied to it one after the other (and every writer locks Lead before call: no deadlock)."""
		before = self.get_doc_before_save()
		self._locked_leads = lock_leads(
			[self.lead, before.lead if before else None], tuple(lead_campaign_fields())
		)

	def locked_lead(self) -> dict | None:
		"""The call's Lead as read under its row lock in `validate` (status, campaign fields)."""
		return getattr(self, "_locked_leads", {}).get(self.lead)

	def validate_lead_permission(self):
		"""A call on a Lead needs write permission on it, through Frappe's own check (DESIGN.md §1a)."""
		if self.by_system or permissions.is_integration():
			return
		before = self.get_doc_before_save()
		for lead in {self.lead, before.lead if before else None} - {None, ""}:
			permissions.check_lead_write(lead)

	def validate_agent(self):
		self.agent = self.agent or None
		if not self.agent and self.source in (access.MANUAL, access.AI_AGENT) and not self.by_system:
			self.agent = frappe.session.user
		if self.value_changed("agent") and not self.by_trusted and self.agent != frappe.session.user:
			frappe.throw(
				_("You can log calls only as yourself, not as {0}.").format(frappe.bold(self.agent)),
				exc=AgentNotAllowedError,
				title=_("Not Permitted"),
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
		if audience and not is_visible(status.as_dict(), audience, self.direction):
			frappe.throw(
				_("Call status {0} cannot be picked for an {1} call.").format(
					frappe.bold(_(status.status_title)), _(self.direction)
				),
				exc=CallStatusNotAllowedError,
				title=_("Call Status Not Allowed"),
			)

	def set_outcome(self):
		self.outcome = self.status_doc.outcome

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
		if locked and locked.status in get_recycled_lead_statuses():
			self.lead_status = get_connected_lead_status()

	def validate_lead_status(self):
		if self.lead_status and self.value_changed("lead_status"):
			validate_lead_status_option(self.lead_status, _("Lead Status"), InvalidCallLeadStatusError)
			validate_not_protected(self.lead_status, _("Lead Status"))

	def validate_call_time(self):
		if not self.call_time:
			self.call_time = now_datetime()
		at = get_datetime(self.call_time)
		if at is None or is_before_records(at):
			frappe.throw(
				_("Call Time {0} is not a real call time.").format(frappe.bold(self.call_time)),
				exc=InvalidCallTimeError,
				title=_("Invalid Call Time"),
			)
		self.call_date = getdate(at)
		if self.value_changed("call_time") and is_in_future(at, now_datetime()):
			frappe.throw(
				_("Call Time {0} is in the future.").format(frappe.bold(self.call_time)),
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

	def set_connected(self):
		self.is_connected = int(is_connected(self.duration))

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
		if at is None or at <= now_datetime():
			frappe.throw(
				_("Follow-up time {0} is in the past.").format(frappe.bold(self.follow_up_at)),
				exc=FollowUpInPastError,
				title=_("Invalid Follow-up Time"),
			)

	def set_agent_details(self):
		if not self.value_changed("agent"):
			return
		employee = frappe.db.get_value(
			"Employee", {"user_id": self.agent, "status": "Active"}, ["branch", "department"], as_dict=True
		)
		self.branch = employee.branch if employee else None
		self.department = employee.department if employee else None

	def set_campaign(self):
		if self.campaign or not self.lead or not self.value_changed("lead"):
			return
		self.campaign = get_lead_campaign(self.lead, self.locked_lead())

	def set_previous_lead_status(self):
		if self.lead and self.value_changed("lead"):
			locked = self.locked_lead()
			self.previous_lead_status = (
				locked.status if locked else frappe.db.get_value("Lead", self.lead, "status")
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


def on_doctype_update():
	from call_status_crm.schema import add_call_indexes

	add_call_indexes()
