# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""A Lead Call Log that breaks a rule (unknown or disallowed status, missing note or follow-up, bad duration
or time, wrong Lead status, no lead) is refused with its own error and writes nothing; a dialler may log
the system statuses hidden from agents."""

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.call_status_crm.doctype.lead_call_log.call_checks import (
	CallInFutureError,
	CallStatusNotAllowedError,
	FollowUpInPastError,
	FollowUpRequiredError,
	InvalidCallLeadStatusError,
	InvalidDurationError,
	LeadRequiredError,
	LeadStatusMismatchError,
	NoteRequiredError,
	UnknownCallStatusError,
)
from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log_cases import (
	LeadCallLogTestCase,
	lead_state,
)
from call_status_crm.tests.utils import AGENT, make_call, minutes_ago


class TestLeadCallLogValidation(LeadCallLogTestCase):
	def assertRejected(self, exc, **values):
		"""The call is refused with exactly this error, and nothing is written."""
		before_calls = frappe.db.count("Lead Call Log")
		before_lead = lead_state(self.lead)
		values.setdefault("lead", self.lead)
		call_status = values.pop("call_status", "busy")
		with self.assertRaises(exc):
			make_call(values.pop("lead"), call_status, **values)
		self.assertEqual(frappe.db.count("Lead Call Log"), before_calls)
		self.assertEqual(lead_state(self.lead), before_lead)

	def test_validation_errors_write_nothing(self):
		self.assertRejected(UnknownCallStatusError, call_status="no_such_status")
		frappe.set_user(AGENT)
		self.assertRejected(CallStatusNotAllowedError, call_status="in_progress")  # hidden from agents
		frappe.set_user("Administrator")
		self.assertRejected(CallStatusNotAllowedError, call_status="missed", direction="Outgoing")
		self.assertRejected(
			NoteRequiredError, call_status="rescheduled", follow_up_at=add_to_date(None, days=1)
		)
		self.assertRejected(FollowUpRequiredError, call_status="follow_up")
		self.assertRejected(FollowUpInPastError, call_status="follow_up", follow_up_at=minutes_ago(1))
		self.assertRejected(InvalidDurationError, duration=-1)
		self.assertRejected(InvalidDurationError, duration=24 * 3600 + 1)
		self.assertRejected(CallInFutureError, call_time=add_to_date(now_datetime(), hours=1))
		self.assertRejected(InvalidCallLeadStatusError, call_status="called", lead_status="Bogus")
		self.assertRejected(LeadStatusMismatchError, call_status="busy", lead_status="Interested")
		self.assertRejected(LeadRequiredError, lead=None)
		self.assertRejected(LeadRequiredError, lead=None, direction="Incoming")

	def test_dialler_may_log_hidden_system_statuses(self):
		call = make_call(self.lead, "in_progress", source="Dialler")
		self.assertEqual((call.outcome, call.lead_status), ("Live", None))
		self.assertEqual(lead_state(self.lead).status, "Lead")
