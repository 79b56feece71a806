# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate, now_datetime

from call_status_crm.core.calls import (
	MAX_DURATION_SECONDS,
	audience_for_source,
	call_name,
	callback_times,
	is_absurd_duration,
	is_in_future,
	phone_digits,
)
from call_status_crm.core.lead_status import is_connected
from call_status_crm.core.statuses import is_visible

MANAGER_ROLES = ("Call Center Manager", "System Manager")


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


class InvalidDurationError(frappe.ValidationError):
	pass


class NoteRequiredError(frappe.ValidationError):
	pass


class FollowUpRequiredError(frappe.ValidationError):
	pass


class FollowUpInPastError(frappe.ValidationError):
	pass


class AgentNotAllowedError(frappe.ValidationError):
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
		source: DF.Literal["Manual", "Dialler", "AI Agent", "Telephony"]
	# end: auto-generated types

	def autoname(self):
		"""CALL-<year>-<number> from a database sequence: unlike a naming series, whose row stays locked
		until commit, a sequence hands out numbers without making concurrent new calls wait."""
		self.name = call_name(next_call_number(), now_datetime().year)

	def validate(self):
		self.validate_call_status_exists()
		self.set_phone_digits()
		self.match_lead_by_phone()
		self.validate_lead_required()
		self.lock_leads()
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

	@property
	def status_doc(self):
		if getattr(self, "_status_doc", None) is None or self._status_doc.name != self.call_status:
			self._status_doc = frappe.get_cached_doc("Call Status", self.call_status)
		return self._status_doc

	def value_changed(self, fieldname: str) -> bool:
		return self.is_new() or self.has_value_changed(fieldname)

	def validate_call_status_exists(self):
		if not self.call_status or not frappe.db.exists("Call Status", self.call_status):
			frappe.throw(
				_("Call status {0} does not exist.").format(frappe.bold(self.call_status or "")),
				exc=UnknownCallStatusError,
				title=_("Unknown Call Status"),
			)

	def set_phone_digits(self):
		self.phone_digits = phone_digits(self.phone) or None

	def match_lead_by_phone(self):
		"""An inbound call with no lead goes to the Lead with that mobile or phone number, else to the
		lead the same number last called about (indexed lookups, never a LIKE over a table)."""
		if self.lead or not self.phone_digits:
			return
		from call_status_crm.integrations.erpnext.lead import find_lead_by_phone

		self.lead = find_lead_by_phone(self.phone)
		if self.lead:
			return
		call = frappe.qb.DocType("Lead Call Log")
		rows = (
			frappe.qb.from_(call)
			.select(call.lead)
			.where(
				(call.phone_digits == self.phone_digits) & call.lead.isnotnull() & (call.name != self.name)
			)
			.orderby(call.call_time, order=frappe.qb.desc)
			.limit(1)
			.run()
		)
		if rows:
			self.lead = rows[0][0]

	def validate_lead_required(self):
		if not self.lead and self.direction != "Incoming":
			frappe.throw(
				_("Lead is required for an outgoing call."), exc=LeadRequiredError, title=_("Missing Lead")
			)
		if not self.lead and not self.phone_digits:
			frappe.throw(
				_("An inbound call needs a Lead or the caller's phone number."),
				exc=LeadRequiredError,
				title=_("Missing Lead"),
			)

	def lock_leads(self):
		"""Take the Lead's row lock before anything is written, so calls for one lead saved at once are
		applied to it one after the other."""
		from call_status_crm.integrations.erpnext.lead import lock_leads

		before = self.get_doc_before_save()
		self._locked_leads = lock_leads([self.lead, before.lead if before else None])

	def locked_lead(self) -> dict | None:
		"""The call's Lead as read under its row lock in `validate` (status, campaign fields)."""
		return getattr(self, "_locked_leads", {}).get(self.lead)

	def validate_agent(self):
		if not self.agent and self.source in ("Manual", "AI Agent"):
			self.agent = frappe.session.user
		allowed = self.flags.ignore_permissions or self.agent == frappe.session.user or is_call_manager()
		if self.agent and not allowed and self.value_changed("agent"):
			frappe.throw(
				_("You can log calls only as yourself, not as {0}.").format(frappe.bold(self.agent)),
				exc=AgentNotAllowedError,
				title=_("Not Allowed"),
			)

	def validate_call_status(self):
		if not (self.value_changed("call_status") or self.value_changed("direction")):
			return
		status = self.status_doc
		# a job closing a call (In-progress → Post processing not completed) is not an agent's pick
		audience = None if self.flags.from_job else audience_for_source(self.source)
		if audience and not is_visible(status.as_dict(), audience, self.direction):
			frappe.throw(
				_("Call status {0} cannot be picked for an {1} call.").format(
					frappe.bold(_(status.status_title)), _(self.direction).lower()
				),
				exc=CallStatusNotAllowedError,
				title=_("Call Status Not Allowed"),
			)
		if status.direction not in ("Any", self.direction):
			frappe.throw(
				_("Call status {0} is for {1} calls only.").format(
					frappe.bold(_(status.status_title)), _(status.direction).lower()
				),
				exc=CallStatusNotAllowedError,
				title=_("Call Status Not Allowed"),
			)

	def set_outcome(self):
		self.outcome = self.status_doc.outcome

	def set_lead_status(self):
		"""The status decides the Lead status; where it sets none, the agent may pick one."""
		status_lead_status = self.status_doc.lead_status
		if (
			not self.is_new()
			and self.has_value_changed("call_status")
			and not self.has_value_changed("lead_status")
		):
			# a new status replaces the lead status the old one gave
			self.lead_status = status_lead_status or None
		if not status_lead_status:
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

	def validate_lead_status(self):
		if self.lead_status and self.value_changed("lead_status"):
			from call_status_crm.integrations.erpnext.lead import validate_lead_status_option

			validate_lead_status_option(self.lead_status, _("Lead Status"), InvalidCallLeadStatusError)

	def validate_call_time(self):
		if not self.call_time:
			self.call_time = now_datetime()
		self.call_date = getdate(self.call_time)
		if self.value_changed("call_time") and is_in_future(get_datetime(self.call_time), now_datetime()):
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
		if not self.status_doc.requires_follow_up:
			return
		if not self.follow_up_at:
			frappe.throw(
				_("Call status {0} needs a follow-up time.").format(
					frappe.bold(_(self.status_doc.status_title))
				),
				exc=FollowUpRequiredError,
				title=_("Follow-up Required"),
			)
		if self.has_value_changed("follow_up_at"):
			self.follow_up_reminded = 0
		if self.value_changed("follow_up_at") and get_datetime(self.follow_up_at) <= now_datetime():
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
		from call_status_crm.integrations.erpnext.lead import get_lead_campaign

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


def is_call_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(MANAGER_ROLES) & set(frappe.get_roles(user)))


def update_callback_times(lead: str, exclude: str | None = None) -> None:
	"""Each missed inbound call of `lead` keeps when the lead was called back (the first outgoing call
	after it), so Missed Call Service Level reads a column instead of searching every missed call's
	call back. `exclude`: a call being deleted."""
	rows = frappe.get_all(
		"Lead Call Log",
		filters={"lead": lead, "name": ("!=", exclude or "")},
		fields=["name", "direction", "outcome", "call_time", "called_back_at"],
	)
	missed = {row.name: row for row in rows if row.direction == "Incoming" and row.outcome == "Missed"}
	if not missed:
		return
	times = callback_times(
		{name: get_datetime(row.call_time) for name, row in missed.items()},
		[get_datetime(row.call_time) for row in rows if row.direction == "Outgoing"],
	)
	for name, called_back_at in times.items():
		current = missed[name].called_back_at
		if (get_datetime(current) if current else None) != called_back_at:
			frappe.db.set_value(
				"Lead Call Log", name, "called_back_at", called_back_at, update_modified=False
			)


def set_all_callback_times() -> None:
	"""`update_callback_times` for every lead in one statement (the patch that fills the column)."""
	frappe.db.sql(
		"""UPDATE `tabLead Call Log` call_log
		JOIN (
			SELECT missed.name, MIN(back.call_time) AS called_back_at
			FROM `tabLead Call Log` missed
			JOIN `tabLead Call Log` back ON back.lead = missed.lead AND back.direction = 'Outgoing'
				AND back.call_time > missed.call_time
			WHERE missed.direction = 'Incoming' AND missed.outcome = 'Missed'
			GROUP BY missed.name
		) first_back ON first_back.name = call_log.name
		SET call_log.called_back_at = first_back.called_back_at"""
	)


NAME_SEQUENCE = ("Lead Call Log", "_name_seq")  # frappe.database.sequence: lead_call_log_name_seq


def next_call_number() -> int:
	from frappe.database.sequence import get_next_val

	try:
		return get_next_val(NAME_SEQUENCE[0], slug=NAME_SEQUENCE[1])
	except Exception as e:
		if frappe.db.is_table_missing(e):
			frappe.throw(
				_("The numbering of calls is not set up on this site: run {0}.").format(
					frappe.bold("bench migrate")
				),
				title=_("Call Numbering Missing"),
			)
		raise


def upsert_call(values: dict, ignore_permissions: bool = False) -> "LeadCallLog":
	"""Insert a call, or update the call with the same `external_id` (integrations resend events).

	The lookup is a plain read: a locking read of a missing key would take a gap lock, and two requests
	for new calls would then deadlock on each other's inserts. When the same new call arrives twice at
	once, the unique index refuses the second insert, which then updates the call the first one made.
	"""
	external_id = values.get("external_id")
	name = external_id and frappe.db.get_value("Lead Call Log", {"external_id": external_id}, "name")
	if name:
		return update_call(name, values, ignore_permissions)
	frappe.db.savepoint("upsert_call")
	try:
		doc = frappe.get_doc({"doctype": "Lead Call Log", **values})
		doc.insert(ignore_permissions=ignore_permissions)
		return doc
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		if not external_id:
			raise
		frappe.db.rollback(save_point="upsert_call")
		frappe.clear_messages()
		# a locking read sees the row the other request committed
		name = frappe.db.get_value("Lead Call Log", {"external_id": external_id}, "name", for_update=True)
		return update_call(name, values, ignore_permissions)


def update_call(name: str, values: dict, ignore_permissions: bool) -> "LeadCallLog":
	doc = frappe.get_doc("Lead Call Log", name, for_update=True)
	doc.update({key: value for key, value in values.items() if key != "external_id"})
	doc.save(ignore_permissions=ignore_permissions)
	return doc


AGENT_REPORT_INDEX = "agent_call_date_index"
OBSOLETE_INDEXES = (
	"agent_call_time_index",
	"agent_report_index",
	"agent_performance_index",
	"call_time_status_index",
	"campaign_call_time_index",
	"lead_direction_call_time_index",
	"missed_call_index",
)


def on_doctype_update():
	"""Indexes the reports and lookups need (DESIGN.md §6): each covers the columns its query reads.
	Reports filter on `call_date` (whole days), so each report's index has it where its query needs it."""
	# Call Status Summary counts per day, status, outcome and connected in index order (no temp table)
	frappe.db.add_index(
		"Lead Call Log", ["call_date", "call_status", "outcome", "is_connected"], "call_date_status_index"
	)
	# Agent Call Performance groups by these three in index order and reads the rest from the index
	frappe.db.add_index(
		"Lead Call Log",
		[
			"agent",
			"branch",
			"department",
			"call_date",
			"outcome",
			"is_connected",
			"duration",
			"follow_up_at",
			"follow_up_status",
		],
		AGENT_REPORT_INDEX,
	)
	# Campaign Call Performance: calls per (campaign, lead) in index order; the leads now Interested are
	# found from the Lead side, then their calls by lead
	frappe.db.add_index(
		"Lead Call Log", ["campaign", "lead", "call_date", "is_connected"], "campaign_lead_index"
	)
	frappe.db.add_index("Lead Call Log", ["lead", "call_date", "campaign"], "lead_call_date_index")
	# Missed Call Service Level reads missed calls only, grouped by day, agent or branch
	frappe.db.add_index(
		"Lead Call Log",
		["outcome", "call_date", "direction", "agent", "branch", "call_time", "called_back_at"],
		"missed_calls_index",
	)
	for index in OBSOLETE_INDEXES:
		if frappe.db.has_index("tabLead Call Log", index):
			frappe.db.sql_ddl(f"ALTER TABLE `tabLead Call Log` DROP INDEX `{index}`")
