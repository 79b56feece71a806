# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Inbound Lead Call Logs: matched to their Lead by phone number (read with the site's country, keys kept
in step and filled by the patch), and a missed call marked when the lead is called back."""

import frappe
from frappe.utils import get_datetime

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log_cases import LeadCallLogTestCase
from call_status_crm.calls import set_all_callback_times
from call_status_crm.leads import set_all_phone_keys, site_phone_key
from call_status_crm.patches.v1_1 import set_e164_phone_keys
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import make_call, make_lead, minutes_ago


class TestLeadCallLogPhones(LeadCallLogTestCase):
	def test_inbound_call_without_lead_matches_by_phone(self):
		self.use_country("India")
		make_call(self.lead, "busy", phone="+91 98765 43210", call_time=minutes_ago(60))
		inbound = make_call(None, "missed", direction="Incoming", phone="098765-43210", source="Telephony")
		self.assertEqual((inbound.lead, inbound.phone_key), (self.lead, "+919876543210"))
		unknown = make_call(None, "missed", direction="Incoming", phone="+1 555 0100", source="Telephony")
		self.assertIsNone(unknown.lead)

	def test_a_missed_call_keeps_when_the_lead_was_called_back(self):
		def called_back(name):
			value = frappe.db.get_value("Lead Call Log", name, "called_back_at")
			return get_datetime(value) if value else None

		missed = make_call(self.lead, "missed", direction="Incoming", call_time=minutes_ago(120))
		earlier = make_call(self.lead, "busy", call_time=minutes_ago(180))  # before the missed call
		self.assertIsNone(called_back(missed.name))
		late = make_call(self.lead, "busy", call_time=minutes_ago(30))
		self.assertEqual(called_back(missed.name), get_datetime(late.call_time))
		soon = make_call(self.lead, "called", duration=40, call_time=minutes_ago(100))
		self.assertEqual(called_back(missed.name), get_datetime(soon.call_time))
		frappe.delete_doc("Lead Call Log", soon.name)
		self.assertEqual(called_back(missed.name), get_datetime(late.call_time))
		frappe.delete_doc("Lead Call Log", late.name)
		self.assertIsNone(called_back(missed.name))
		self.assertIsNone(called_back(earlier.name))  # only missed inbound calls carry it

		again = make_call(self.lead, "no_answer", call_time=minutes_ago(60))
		frappe.db.set_value("Lead Call Log", missed.name, "called_back_at", None)
		set_all_callback_times()  # the patch that fills the column on existing sites
		self.assertEqual(called_back(missed.name), get_datetime(again.call_time))

	def test_inbound_call_matches_the_lead_by_its_own_number(self):
		self.use_country("India")
		lead = make_lead("CSC Phone Lead", mobile_no="98765-11223")
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+919876511223")
		for written in ("+91 98765 11223", "0091 98765 11223", "919876511223", "098765 11223"):
			inbound = make_call(None, "missed", direction="Incoming", phone=written, source="Telephony")
			self.assertEqual((inbound.lead, inbound.phone_key), (lead.name, "+919876511223"), written)
		# a key is kept in step when the number changes, and filled for leads saved before the app had it
		lead.reload()
		lead.mobile_no = "+44 20 7946 0000"
		lead.save()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+442079460000")
		frappe.db.set_value("Lead", lead.name, "mobile_key", None)
		set_all_phone_keys()
		self.assertEqual(frappe.db.get_value("Lead", lead.name, "mobile_key"), "+442079460000")
		self.assertEqual(
			make_call(
				None, "missed", direction="Incoming", phone="+44 20 7946 0000", source="Telephony"
			).lead,
			lead.name,
		)

	def test_national_numbers_are_read_with_the_sites_country(self):
		lead = make_lead("CSC London Lead", mobile_no="+44 20 7946 0001")
		self.use_country("India")
		national = make_call(None, "missed", direction="Incoming", phone="020 7946 0001", source="Telephony")
		self.assertEqual((national.lead, national.phone_key), (None, "+912079460001"))
		self.use_country("United Kingdom")
		national = make_call(None, "missed", direction="Incoming", phone="020 7946 0001", source="Telephony")
		self.assertEqual((national.lead, national.phone_key), (lead.name, "+442079460001"))

	def test_the_patch_fills_every_calls_phone_key(self):
		self.use_country("India")
		call = make_call(self.lead, "busy", phone="098765 00001")
		frappe.db.set_value(
			"Lead Call Log", call.name, "phone_key", "9876500001"
		)  # as an old release kept it
		set_all_phone_keys()
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "phone_key"), "+919876500001")


class TestPhoneKeyPatch(CommittedCallTestCase):
	"""The v1.1 patch on a site an earlier release left: old keys on Leads and calls, and the calls'
	`phone_digits` column (DDL commits, so this test commits and cleans up)."""

	def tearDown(self):
		if frappe.db.has_column("Lead Call Log", set_e164_phone_keys.OLD_COLUMN):
			frappe.db.sql_ddl(
				f"ALTER TABLE `tabLead Call Log` DROP COLUMN `{set_e164_phone_keys.OLD_COLUMN}`"
			)
			frappe.cache.hdel("table_columns", "tabLead Call Log")
		super().tearDown()

	def test_the_patch_rekeys_leads_and_calls_and_drops_the_old_column(self):
		lead = self.new_lead("CSC Old Keys Lead", mobile_no="098765 00002")
		call = make_call(lead, "busy", phone="098765 00001")
		frappe.db.set_value("Lead", lead, "mobile_key", "9876500002", update_modified=False)
		frappe.db.set_value("Lead Call Log", call.name, "phone_key", None, update_modified=False)
		frappe.db.sql_ddl("ALTER TABLE `tabLead Call Log` ADD COLUMN `phone_digits` varchar(32)")
		frappe.cache.hdel("table_columns", "tabLead Call Log")
		self.assertTrue(frappe.db.has_column("Lead Call Log", "phone_digits"))

		set_e164_phone_keys.execute()
		frappe.db.commit()
		self.assertFalse(frappe.db.has_column("Lead Call Log", "phone_digits"))
		self.assertEqual(
			(
				frappe.db.get_value("Lead", lead, "mobile_key"),
				frappe.db.get_value("Lead Call Log", call.name, "phone_key"),
			),
			(site_phone_key("098765 00002"), site_phone_key("098765 00001")),
		)
		self.assertTrue(site_phone_key("098765 00001").startswith("+"))  # the site has a country
