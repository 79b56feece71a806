"""The Do Not Call list, the calling rules' settings and the Lead's time zone (DESIGN.md §8): who may
write the list (each tested from the other side), and bad input refused with a clear error, nothing
written."""

import frappe

from call_status_crm import api
from call_status_crm.call_status_crm.doctype.do_not_call.do_not_call import DuplicateDoNotCallError
from call_status_crm.calling_rule_settings import (
	DuplicateCallingWindowRuleError,
	InvalidCallingDaysError,
	InvalidCallingWindowError,
)
from call_status_crm.do_not_call import MalformedNumberError, listed_leads
from call_status_crm.integrations.erpnext.lead_timezone import UnknownTimezoneError, set_all_call_timezones
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.calling_rules_cases import ALL_DAY, CallingRulesTestCase
from call_status_crm.tests.utils import AGENT, AI_AGENT, MANAGER, PLAIN_USER

DNC = "Do Not Call"


def list_number(phone: str, **values):
	return frappe.get_doc({"doctype": DNC, "phone": phone, **values}).insert()


class TestDoNotCallList(CallingRulesTestCase):
	def test_an_agent_lists_a_number_by_its_phone_key(self):
		frappe.set_user(AGENT)
		entry = list_number("(212) 555-0100", reason="asked not to be called")
		self.assertEqual(
			(entry.name, entry.phone_key, entry.scope), ("+12125550100", "+12125550100", "Global")
		)
		self.assertEqual((entry.added_by, entry.source), (AGENT, "Manual"))
		self.assertTrue(entry.added_on)

	def test_a_malformed_number_is_refused_naming_it(self):
		for phone in ("call me maybe", "12345", "+999 1234567"):
			with self.assertRaises(MalformedNumberError) as refused:
				list_number(phone)
			self.assertIn(phone, str(refused.exception))
		self.assertEqual(frappe.db.count(DNC), 0)

	def test_a_number_listed_once_per_scope(self):
		list_number("+1 212 555 0100")
		with self.assertRaises(DuplicateDoNotCallError):
			list_number("212-555-0100")
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": "CSC Rules Campaign"}).insert()
		entry = list_number("212 555 0100", scope="Campaign", campaign=campaign.name)
		self.assertEqual(entry.name, f"+12125550100:{campaign.name}")

	def test_a_campaign_entry_lists_the_number_for_that_campaign_only(self):
		self.set_rules(**ALL_DAY)
		campaign = frappe.get_doc({"doctype": "Campaign", "campaign_name": "CSC Rules Campaign"}).insert()
		list_number("+1 212 555 0199", scope="Campaign", campaign=campaign.name)
		with self.freeze_time("2026-11-23 10:00:00"):
			self.assertEqual(
				api.check_call(phone="+1 212 555 0199", campaign=campaign.name)["reasons"], ["dnc"]
			)
			self.assertTrue(api.check_call(phone="+1 212 555 0199")["allowed"])

	def test_agents_add_but_never_change_or_remove(self):
		for user in (AGENT, AI_AGENT):
			frappe.set_user(user)
			entry = list_number("+1 212 555 0100" if user == AGENT else "+1 212 555 0101")
			with self.assertRaises(frappe.PermissionError):
				frappe.delete_doc(DNC, entry.name)
			entry.reason = "changed my mind"
			with self.assertRaises(frappe.PermissionError):
				entry.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count(DNC), 2)
		frappe.set_user(MANAGER)
		frappe.delete_doc(DNC, "+12125550100")
		self.assertEqual(frappe.db.count(DNC), 1)

	def test_a_user_without_a_call_role_cannot_write_the_list(self):
		frappe.set_user(PLAIN_USER)
		with self.assertRaises(frappe.PermissionError):
			list_number("+1 212 555 0100")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count(DNC), 0)

	def test_listed_leads_are_never_recycled(self):
		listed = self.new_lead("CSC Listed", mobile_no="+1 212 555 0150")
		list_number("+1 212 555 0150")
		opted_out = self.new_lead("CSC Opted Out", mobile_no="+1 212 555 0151")
		frappe.db.set_value("Lead", opted_out, "status", "Do Not Contact")
		free = self.new_lead("CSC Free", mobile_no="+1 212 555 0152")
		self.assertEqual(listed_leads([listed, opted_out, free]), {listed, opted_out})


class TestCallingRuleSettings(CallingRulesTestCase):
	def save_settings(self, **values):
		settings = frappe.get_single(SETTINGS)
		settings.update(values)
		settings.save()

	def test_a_window_must_end_after_it_starts(self):
		with self.assertRaises(InvalidCallingWindowError):
			self.save_settings(calling_window_start="21:00:00", calling_window_end="08:00:00")
		self.assertEqual(str(frappe.db.get_single_value(SETTINGS, "calling_window_start")), "8:00:00")

	def test_calls_need_a_day(self):
		days = {
			f"call_on_{day}": 0
			for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
		}
		with self.assertRaises(InvalidCallingDaysError):
			self.save_settings(**days)

	def test_bad_override_rows(self):
		row = {"country": "United States", "start": "08:00", "end": "20:00"}
		for bad, error in (
			({"end": "07:00"}, InvalidCallingWindowError),
			({"days": "Mon,Funday"}, InvalidCallingDaysError),
			({"country": "Atlantis"}, frappe.LinkValidationError),
		):
			with self.assertRaises(error):
				self.save_settings(calling_window_rules=[{**row, **bad}])
		with self.assertRaises(DuplicateCallingWindowRuleError):
			self.save_settings(calling_window_rules=[row, {**row, "days": "Mon"}])
		self.assertEqual(frappe.get_all("Calling Window Rule", filters={"parent": SETTINGS}), [])

	def test_override_days_are_tidied(self):
		self.save_settings(
			calling_window_rules=[
				{"country": "India", "start": "09:00", "end": "18:00", "days": "fri, monday"}
			]
		)
		self.assertEqual(frappe.get_single(SETTINGS).calling_window_rules[0].days, "Mon,Fri")


class TestLeadTimezone(CallingRulesTestCase):
	def zone(self, lead: str) -> str | None:
		return frappe.db.get_value("Lead", lead, "call_timezone")

	def test_filled_from_the_number_and_follows_it(self):
		lead = self.new_lead(mobile_no="+1 212 555 0100")
		self.assertEqual(self.zone(lead), "America/New_York")
		doc = frappe.get_doc("Lead", lead)
		doc.mobile_no = "+44 20 7946 0958"
		doc.save()
		self.assertEqual(self.zone(lead), "Europe/London")

	def test_an_admins_choice_stays(self):
		doc = frappe.get_doc("Lead", self.new_lead(mobile_no="+1 212 555 0100"))
		doc.call_timezone = "America/Phoenix"
		doc.save()
		doc.mobile_no = "+44 20 7946 0958"
		doc.save()
		self.assertEqual(self.zone(doc.name), "America/Phoenix")

	def test_from_the_country_when_the_number_does_not_tell(self):
		lead = self.new_lead(mobile_no="+1 800 555 0100", country="India")  # toll-free: every US zone
		self.assertEqual(self.zone(lead), "Asia/Kolkata")
		self.assertIsNone(self.zone(self.new_lead("CSC No Zone", mobile_no="+1 888 555 0100")))

	def test_an_unknown_zone_is_refused(self):
		with self.assertRaises(UnknownTimezoneError):
			self.new_lead(call_timezone="Mars/Olympus_Mons")

	def test_the_patch_fills_existing_leads_in_bulk(self):
		leads = [
			self.new_lead(f"CSC Patch {i}", mobile_no=phone)
			for i, phone in enumerate(("+1 212 555 0100", "+44 20 7946 0958"))
		]
		frappe.db.set_value("Lead", {"name": ("in", leads)}, "call_timezone", None)
		self.assertGreaterEqual(set_all_call_timezones(batch_size=1), 2)
		self.assertEqual([self.zone(lead) for lead in leads], ["America/New_York", "Europe/London"])
