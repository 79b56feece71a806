"""The base of the calling rules' integration tests: the rules in settings, the site's country and zone,
and the clean-up of Calling Rule Events (a refusal's event is committed after its rollback)."""

from unittest.mock import patch

import frappe

from call_status_crm.calling_rule_settings import DAY_FIELDS
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.cases import CallTestCase, CommittedCallTestCase
from call_status_crm.tests.utils import make_lead

SITE_ZONE = "America/New_York"
NEW_YORK_MOBILE = "+1 212 555 0100"
EVENT = "Calling Rule Event"
LINK_CONVERSATIONS = "erpnext.telephony.doctype.call_log.call_log.link_existing_conversations"
ALL_DAY = {"calling_window_start": "00:00:00", "calling_window_end": "23:59:59"}


def rule_values(**values) -> dict:
	"""The calling rules on, 08:00-21:00 Monday to Saturday, Block, no cap, no holidays, then `values`."""
	return {
		"calling_rules_enabled": 1,
		"enforcement": "Block",
		"calling_window_start": "08:00:00",
		"calling_window_end": "21:00:00",
		"max_attempts_per_number_24h": 0,
		"calling_holiday_list": None,
		**{field: int(field != "call_on_sunday") for field in DAY_FIELDS},
		**values,
	}


def delete_events(filters: dict | None = None) -> None:
	frappe.db.delete(EVENT, filters)
	frappe.db.commit()


def events(**filters) -> list[frappe._dict]:
	return frappe.get_all(
		EVENT,
		filters=filters,
		fields=["outcome", "subject", "door", "reasons", "agent", "lead", "call", "next_allowed_at"],
		order_by="creation asc",
	)


class CallingRulesTestCase(CallTestCase):
	"""Rolled back per test, in the site's zone America/New_York and country United States."""

	def setUp(self):
		super().setUp()
		delete_events()
		self.addCleanup(delete_events)
		# ERPNext commits when a Contact with a phone number is made (to link earlier telephony Call Logs to
		# it): a Lead with a mobile number would commit the test's writes, which must roll back
		linker = patch(LINK_CONVERSATIONS, lambda doc, method=None: None)
		linker.start()
		self.addCleanup(linker.stop)
		self.use_country("United States")
		self.use_site_zone(SITE_ZONE)

	def use_site_zone(self, zone: str) -> None:
		frappe.db.set_single_value("System Settings", "time_zone", zone)
		# after the rollback, so the cached System Settings agree with the database again
		self.addCleanup(frappe.clear_document_cache, "System Settings", "System Settings")

	def set_rules(self, window_rules: list[dict] | None = None, **values) -> None:
		frappe.db.set_single_value(SETTINGS, rule_values(**values))
		if window_rules is not None:
			settings = frappe.get_single(SETTINGS)
			settings.set("calling_window_rules", window_rules)
			settings.save()

	def new_lead(self, name: str = "CSC Rules Lead", **values) -> str:
		values.setdefault("mobile_no", NEW_YORK_MOBILE)
		return make_lead(name, **values).name


class CommittedCallingRulesTestCase(CommittedCallTestCase):
	"""For real HTTP requests: the rules are committed (and put back after each test)."""

	def setUp(self):
		super().setUp()
		self.commit_settings(SETTINGS, rule_values())
		delete_events()
		self.addCleanup(delete_events)

	def commit_settings(self, doctype: str, values: dict) -> None:
		before = {field: frappe.db.get_single_value(doctype, field) for field in values}
		frappe.db.set_single_value(doctype, values)
		frappe.db.commit()
		self.addCleanup(lambda: (frappe.db.set_single_value(doctype, before), frappe.db.commit()))
