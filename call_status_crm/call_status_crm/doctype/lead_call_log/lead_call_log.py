# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import now_datetime

from call_status_crm import call_queue, callbacks, calling_rules, permissions, rollups
from call_status_crm.call_status_crm.doctype.lead_call_log.call_access import CallAccess
from call_status_crm.call_status_crm.doctype.lead_call_log.call_checks import CallChecks
from call_status_crm.call_status_crm.doctype.lead_call_log.call_inbound import CallInbound
from call_status_crm.calls import next_call_number, update_callback_times
from call_status_crm.core.calls import call_name
from call_status_crm.core.lead_status import is_connected
from call_status_crm.follow_up import cancel_follow_up, ensure_follow_up
from call_status_crm.integrations.erpnext.employee import get_agent_details
from call_status_crm.integrations.erpnext.lead import sync_lead
from call_status_crm.leads import (
	find_leads_by_phone,
	get_lead_campaign,
	lead_campaign_fields,
	lock_leads,
	site_phone_key,
)
from call_status_crm.schema import add_call_indexes
from call_status_crm.unknown_callers import is_own_number


class LeadCallLog(CallAccess, CallChecks, CallInbound, Document):
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
		phone_key: DF.Data | None
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

	def _validate_links(self):
		# before Frappe's own link check: a value it cannot read is a clear 417, and a Lead that does not exist
		# is refused like one the user may not write
		self.validate_field_types()
		self.validate_lead_access()
		# the follow-up ToDo is the app's own link, never a client's (`keep_computed_fields`): a resend that
		# waited for the Lead's lock may not see, in its snapshot, a ToDo committed since it began
		follow_up, self.follow_up = self.follow_up, None
		try:
			super()._validate_links()
		finally:
			self.follow_up = follow_up

	def validate(self):
		self.normalize_input()
		self.validate_writer()
		self.keep_computed_fields()
		self.validate_source()
		self.validate_call_status_exists()
		self.validate_note_length()
		self.validate_recording_url()
		self.set_phone_key()
		self.match_lead_by_phone()
		self.create_lead_for_unknown_caller()
		self.validate_lead_required()
		self.set_unknown_caller()
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
		self.set_callback()
		self.set_agent_details()
		self.set_campaign()
		self.set_previous_lead_status()
		self.warn_connected_without_duration()
		self.enforce_calling_rules()

	def on_update(self):
		before = self.get_doc_before_save()
		# first: the roll-ups take this call as it was before the save, before any call-back time changes
		rollups.on_call_change(before, self)
		locked = self.flags.locked_leads or {}
		ensure_follow_up(self)
		calling_rules.after_call(self)
		if self.lead:
			stayed = before and before.lead == self.lead
			self.flags.lead_status_now = sync_lead(
				self.lead, before if stayed else None, self, self.previous_lead_status, locked.get(self.lead)
			)
			update_callback_times(self.lead)
			if not before and (locked.get(self.lead) or {}).get("queue_reserved_by"):
				call_queue.release(self.lead)  # a new call on the lead ends its queue reservation
		if before and before.lead and before.lead != self.lead:
			# moved to another lead: for the old one it is as if the call was deleted
			sync_lead(before.lead, before, None, before.previous_lead_status, locked.get(before.lead))
			update_callback_times(before.lead)
		self.after_inbound_update()

	def on_trash(self):
		rollups.on_call_change(self, None)
		cancel_follow_up(self)
		if self.lead:
			lock_leads([self.lead])
			sync_lead(self.lead, self, None, self.previous_lead_status)
			update_callback_times(self.lead, exclude=self.name)

	@property
	def status_doc(self):
		# kept in flags, which a request body cannot set (Frappe reserves the key), unlike any attribute
		status = self.flags.status_doc
		if status is None or status.name != self.call_status:
			status = self.flags.status_doc = frappe.get_cached_doc("Call Status", self.call_status)
		return status

	def set_callback(self):
		callbacks.set_callback(self)

	def enforce_calling_rules(self):
		calling_rules.enforce(self)

	def value_changed(self, fieldname: str) -> bool:
		return self.is_new() or self.has_value_changed(fieldname)

	def set_phone_key(self):
		self.phone_key = site_phone_key(self.phone) or None

	def match_lead_by_phone(self):
		"""A call with no lead goes to the Lead with that mobile or phone number, else to the lead the same
		number last called about (indexed lookups, never a LIKE over a table). A user is only ever matched
		to a Lead they may write, so the match tells nobody about a Lead they cannot see."""
		self.lead = self.lead or None
		if self.lead or not self.phone_key or is_own_number(self.phone_key):
			return  # the site's own lines are never matched (DESIGN.md §10)
		candidates = find_leads_by_phone(self.phone_key)
		call = frappe.qb.DocType("Lead Call Log")
		rows = (
			frappe.qb.from_(call)
			.select(call.lead)
			.distinct()
			.where((call.phone_key == self.phone_key) & call.lead.isnotnull() & (call.name != self.name))
			.orderby(call.call_time, order=frappe.qb.desc)
			.limit(5)
			.run()
		)
		candidates.extend(row[0] for row in rows if row[0] not in candidates)
		self.lead = next(
			(lead for lead in candidates if self.by_trusted or permissions.can_write_lead(lead)), None
		)

	def check_if_latest(self):
		"""Frappe reads the stored call FOR UPDATE here, before `validate`: the call's Lead (and the Lead it
		had) is locked first, so that every writer locks Lead before call and a desk save never deadlocks
		against a `log_call` on the same lead (which locks the Lead, then the lead's missed calls). New calls
		lock nothing here (`validate` does)."""
		if not self.is_new():
			stored = frappe.db.get_value(self.doctype, self.name, "lead")
			lock_leads([self.lead, stored])
		super().check_if_latest()

	def lock_leads(self):
		"""Take the Lead's row lock before anything is written, so calls for one lead saved at once are
		applied to it one after the other (and every writer locks Lead before call: no deadlock)."""
		before = self.get_doc_before_save()
		self.flags.locked_leads = lock_leads(
			[self.lead, before.lead if before else None],
			(*lead_campaign_fields(), *call_queue.reservation_fields()),
		)

	def locked_lead(self) -> dict | None:
		"""The call's Lead as read under its row lock in `validate` (status, campaign fields)."""
		return (self.flags.locked_leads or {}).get(self.lead)

	def set_outcome(self):
		self.outcome = self.status_doc.outcome

	def set_connected(self):
		self.is_connected = int(is_connected(self.duration))

	def set_agent_details(self):
		if not self.value_changed("agent"):
			return
		self.update(get_agent_details(self.agent))

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


def on_doctype_update():
	add_call_indexes()
