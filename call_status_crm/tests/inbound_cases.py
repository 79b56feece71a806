"""Shared setup of the inbound-call tests (DESIGN.md §10): numbers of this run only, the settings they
change (committed, restored), and the clean-up of what they commit."""

import random

import frappe

from call_status_crm.settings import SETTINGS
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import ago, make_user

NO_LEAD_AGENT = "csc.agent.nolead@example.com"  # a Call Agent who may not create Leads


def new_number() -> str:
	"""An Indian mobile number no earlier run used (the tests set the site's country to India)."""
	return f"+91 9{random.randint(100_000_000, 999_999_999)}"


class InboundTestCase(CommittedCallTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(NO_LEAD_AGENT, ["Call Agent"])

	def setUp(self):
		super().setUp()
		self.keys = []
		country = frappe.db.get_default("country")
		if country != "India":
			frappe.db.set_default("country", "India")
			frappe.db.commit()
			self.addCleanup(lambda: (frappe.db.set_default("country", country), frappe.db.commit()))
		for field, value in (("create_lead_for_unknown_callers", 0), ("own_phone_numbers", "")):
			self.set_setting(field, value)

	def tearDown(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for key in self.keys:  # the Leads and calls of this test's numbers, whoever made them
			for lead in frappe.get_all(
				"Lead", or_filters={"mobile_key": key, "phone_key": key}, pluck="name"
			):
				if lead not in self.leads:
					self.leads.append(lead)
			for name in frappe.get_all("Lead Call Log", {"phone_key": key}, pluck="name"):
				frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDown()

	def set_setting(self, field: str, value) -> None:
		self.set_committed(SETTINGS, SETTINGS, field, value)

	def number(self) -> str:
		from call_status_crm.leads import site_phone_key

		number = new_number()
		self.keys.append(site_phone_key(number))
		return number

	def inbound(self, client, phone: str, call_status: str = "missed", **data) -> dict:
		response = self.post(
			client,
			"log_call",
			call_status=call_status,
			direction="Incoming",
			phone=phone,
			call_time=ago(10),
			**data,
		)
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]

	def call(self, name: str) -> frappe._dict:
		frappe.db.rollback()
		return frappe.db.get_value("Lead Call Log", name, ["*"], as_dict=True)

	def leads_with(self, phone: str) -> list[str]:
		from call_status_crm.leads import site_phone_key

		frappe.db.rollback()
		key = site_phone_key(phone)
		return frappe.get_all("Lead", or_filters={"mobile_key": key, "phone_key": key}, pluck="name")
