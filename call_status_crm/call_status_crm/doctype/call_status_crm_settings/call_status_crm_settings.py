# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from call_status_crm import callbacks, calling_rule_settings, unknown_callers
from call_status_crm.core.lead_options import DEFAULT_PROTECTED_LEAD_STATUSES, join_options, split_options
from call_status_crm.core.telephony import DEFAULT_TELEPHONY_STATUS_MAP, row_fits, uncovered
from call_status_crm.leads import validate_lead_status_option as validate_option
from call_status_crm.recycling import update_all_due
from call_status_crm.settings import DEFAULT_CONNECTED_LEAD_STATUS


class InvalidLeadStatusSettingError(frappe.ValidationError):
	pass


class DuplicateSettingRowError(frappe.ValidationError):
	pass


class TelephonyMapDirectionError(frappe.ValidationError):
	pass


class ProtectedRecycleRuleError(frappe.ValidationError):
	pass


class CallStatusCRMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from call_status_crm.call_status_crm.doctype.call_reassignment_agent.call_reassignment_agent import (
			CallReassignmentAgent,
		)
		from call_status_crm.call_status_crm.doctype.call_recycle_rule.call_recycle_rule import (
			CallRecycleRule,
		)
		from call_status_crm.call_status_crm.doctype.telephony_status_map.telephony_status_map import (
			TelephonyStatusMap,
		)

		agent_role: DF.Link | None
		agents: DF.Table[CallReassignmentAgent]
		assign_through_frappe: DF.Check
		auto_reassign_enabled: DF.Check
		batch_size: DF.Int
		call_edit_minutes: DF.Int
		connected_lead_status: DF.Literal[None]
		daily_cap: DF.Int
		default_follow_up_time: DF.Time | None
		defaults_applied: DF.Check
		last_run_at: DF.Datetime | None
		last_run_summary: DF.Code | None
		protected_lead_statuses: DF.SmallText | None
		recycle_rules: DF.Table[CallRecycleRule]
		round_robin_last_agent: DF.Data | None
		same_branch_only: DF.Check
		set_lead_owner: DF.Check
		stale_call_minutes: DF.Int
		strategy: DF.Literal["Round Robin", "Least Open Leads"]
		telephony_status_map: DF.Table[TelephonyStatusMap]
	# end: auto-generated types

	def validate(self):
		self.validate_protected_lead_statuses()
		self.validate_connected_lead_status()
		self.validate_recycle_rules()
		self.validate_telephony_status_map()
		self.set_calling_rule_defaults()
		self.validate_calling_window()
		self.validate_calling_window_rules()
		self.validate_callback_settings()
		self.validate_own_phone_numbers()

	def validate_own_phone_numbers(self):
		unknown_callers.validate_own_phone_numbers(self.own_phone_numbers)

	def validate_callback_settings(self):
		callbacks.validate_settings(self)

	def set_calling_rule_defaults(self):
		calling_rule_settings.apply_defaults(self)

	def validate_calling_window(self):
		calling_rule_settings.validate_calling_window(self)

	def validate_calling_window_rules(self):
		calling_rule_settings.validate_calling_window_rules(self)

	def validate_protected_lead_statuses(self):
		statuses = split_options(self.protected_lead_statuses)
		for status in statuses:
			validate_lead_status_option(status, _("Protected Lead Statuses"))
		self.protected_lead_statuses = join_options(statuses)
		# a call never sets a protected status: no call status may be set up to set one
		setting = frappe.get_all(
			"Call Status", filters={"lead_status": ("in", statuses)}, fields=["status_title", "lead_status"]
		)
		if statuses and setting:
			frappe.throw(
				_("Protected Lead Statuses: call status {0} sets {1}. Change that call status first.").format(
					frappe.bold(_(setting[0].status_title)), frappe.bold(setting[0].lead_status)
				),
				exc=InvalidLeadStatusSettingError,
				title=_("Invalid Lead Status"),
			)

	def validate_connected_lead_status(self):
		if not self.connected_lead_status:
			return
		validate_lead_status_option(self.connected_lead_status, _("Connected Lead Status"))
		if self.connected_lead_status in split_options(self.protected_lead_statuses):
			frappe.throw(
				_("Connected Lead Status {0} is protected: calls never set it.").format(
					frappe.bold(self.connected_lead_status)
				),
				exc=InvalidLeadStatusSettingError,
				title=_("Invalid Lead Status"),
			)

	def validate_recycle_rules(self):
		seen = set()
		protected = set(split_options(self.protected_lead_statuses))
		for row in self.recycle_rules:
			validate_lead_status_option(row.lead_status, _("Recycle Rules row {0}").format(row.idx))
			if row.lead_status in protected:
				frappe.throw(
					_(
						"Recycle Rules row {0}: {1} is a protected Lead status, so its leads are never re-assigned. Remove the rule (or the protection) first."
					).format(row.idx, frappe.bold(row.lead_status)),
					exc=ProtectedRecycleRuleError,
					title=_("Protected Lead Status"),
				)
			if row.lead_status in seen:
				frappe.throw(
					_("Recycle Rules row {0}: Lead Status {1} already has a rule.").format(
						row.idx, frappe.bold(row.lead_status)
					),
					exc=DuplicateSettingRowError,
					title=_("Duplicate Rule"),
				)
			seen.add(row.lead_status)

	def validate_telephony_status_map(self):
		"""Each row names a status its calls may carry (an Incoming row an incoming or any-direction
		status); pairs no row covers still land with a fallback status, flagged on the call."""
		directions = dict(frappe.get_all("Call Status", fields=["name", "direction"], as_list=True))
		seen = set()
		for row in self.telephony_status_map:
			direction = directions.get(row.call_status)
			if not row_fits(row.call_type, direction):
				frappe.throw(
					_(
						"Telephony Status Map row {0}: call status {1} is for {2} calls, so it cannot map {3} calls of type {4}."
					).format(
						row.idx,
						frappe.bold(row.call_status),
						_(direction) if direction else "",
						frappe.bold(row.telephony_status),
						_(row.call_type or "Any"),
					),
					exc=TelephonyMapDirectionError,
					title=_("Invalid Mapping"),
				)
			key = (row.telephony_status, row.call_type or "Any")
			if key in seen:
				frappe.throw(
					_("Telephony Status Map row {0}: {1} ({2}) is already mapped.").format(
						row.idx, frappe.bold(row.telephony_status), row.call_type or "Any"
					),
					exc=DuplicateSettingRowError,
					title=_("Duplicate Mapping"),
				)
			seen.add(key)

	def on_update(self):
		# the rules decide every Lead's re-assignment due time
		if rules_changed(self):
			update_all_due()

	def onload(self):
		missing = uncovered(self.telephony_status_map)
		if missing:
			self.set_onload(
				"telephony_uncovered", [f"{status} / {call_type}" for status, call_type in missing]
			)
		self.set_onload(
			"telephony_unmapped_calls", frappe.db.count("Lead Call Log", {"telephony_unmapped": 1})
		)


def rules_changed(settings) -> bool:
	before = settings.get_doc_before_save()
	if not before:
		return True
	fields = ("lead_status", "delay_minutes", "max_recycles", "active")
	rows = lambda doc: [tuple(row.get(f) for f in fields) for row in doc.recycle_rules]  # noqa: E731
	# a status made protected is never recycled: its leads lose their due time
	protected = lambda doc: set(split_options(doc.protected_lead_statuses))  # noqa: E731
	return rows(before) != rows(settings) or protected(before) != protected(settings)


def validate_lead_status_option(status: str | None, where: str) -> None:
	validate_option(status, where, InvalidLeadStatusSettingError)


def apply_default_settings() -> bool:
	"""Fill the settings with the app's defaults once per site; later migrates leave them to the admin."""
	settings = frappe.get_single("Call Status CRM Settings")
	if settings.defaults_applied:
		return False
	# Frappe fills a new document's Time fields with the current time, whatever their default.
	settings.default_follow_up_time = "10:00:00"
	settings.connected_lead_status = settings.connected_lead_status or DEFAULT_CONNECTED_LEAD_STATUS
	if not settings.protected_lead_statuses:
		settings.protected_lead_statuses = join_options(DEFAULT_PROTECTED_LEAD_STATUSES)
	if not settings.recycle_rules:
		for lead_status in ("Not Picked", "Missed"):
			settings.append(
				"recycle_rules", {"lead_status": lead_status, "delay_minutes": 30, "max_recycles": 3}
			)
	if not settings.telephony_status_map:
		for telephony_status, call_type, call_status in DEFAULT_TELEPHONY_STATUS_MAP:
			settings.append(
				"telephony_status_map",
				{"telephony_status": telephony_status, "call_type": call_type, "call_status": call_status},
			)
	settings.defaults_applied = 1
	settings.flags.ignore_permissions = True
	settings.save()
	return True
