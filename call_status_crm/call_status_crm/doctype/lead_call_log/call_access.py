"""Who may write a call and what (DESIGN.md §1a): the user's roles decide the source, the statuses and
the agent; an agent changes only their own call (as stored) within the edit window; what the app
computes is never taken from a client. A mixin of the Lead Call Log controller."""

import frappe
from frappe import _
from frappe.utils import add_to_date, get_datetime, now_datetime

from call_status_crm import permissions
from call_status_crm.core import access
from call_status_crm.core.calls import LIVE_STATUS
from call_status_crm.settings import get_call_edit_minutes

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
	"phone_key",
	"telephony_status",
	"telephony_unmapped",
	"broke_calling_rule",
	"callback_escalated_at",
)
# What only a manager may change once the edit window is over (the note and follow-up stay the agent's).
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


class AgentNotAllowedError(frappe.PermissionError):
	pass


class SourceNotAllowedError(frappe.PermissionError):
	pass


class CallEditWindowClosedError(frappe.PermissionError):
	pass


class CallAccess:
	"""Access steps of a Lead Call Log (the controller's `validate` runs them first)."""

	@property
	def by_system(self) -> bool:
		"""Written by the app itself: a job or the telephony bridge (they save with ignore_permissions)."""
		return bool(self.flags.ignore_permissions or self.flags.from_job)

	@property
	def by_trusted(self) -> bool:
		"""The app, an integration (Call Integration) or a manager: any status, source and agent."""
		return self.by_system or permissions.is_trusted()

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
					frappe.bold(_(self.source) if self.source else ""),
					", ".join(_(source) for source in allowed) or _("none"),
				),
				exc=SourceNotAllowedError,
				title=_("Not Permitted"),
			)

	def validate_lead_access(self):
		"""A call on a Lead needs write permission on it, through Frappe's own check (DESIGN.md §1a). Run
		before Frappe's link and permission checks, which would answer a Lead that does not exist (417) and
		one the user may not write (403) differently: here both get the same 403."""
		if not self.lead or self.by_system or permissions.is_integration():
			return
		permissions.check_lead_write(self.lead)
		self.flags.lead_write_checked = self.lead

	def validate_lead_permission(self):
		"""The Lead a call leaves (and one matched by phone, which is only ever a writable one) needs the
		same write permission."""
		if self.by_system or permissions.is_integration():
			return
		before = self.get_doc_before_save()
		for lead in {self.lead, before.lead if before else None} - {None, "", self.flags.lead_write_checked}:
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
