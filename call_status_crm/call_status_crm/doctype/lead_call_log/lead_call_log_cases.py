# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Shared by the Lead Call Log tests: a Lead's call fields as stored, and a test case that starts with a
new Lead."""

import frappe

from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import make_lead


def lead_state(lead: str) -> dict:
	return frappe.db.get_value(
		"Lead",
		lead,
		["status", "last_call_status", "call_attempts", "connected_calls", "last_call_time"],
		as_dict=True,
	)


class LeadCallLogTestCase(CallTestCase):
	"""Each test starts as Administrator with a new Lead (`self.lead`); all is rolled back after."""

	def setUp(self):
		super().setUp()
		self.lead = make_lead().name
