"""Call intake you can trust (DESIGN.md §1a, §4), what a call may not say: protected Lead statuses hold, a
system Call Status keeps its meaning, and bad input is a clear 4xx with nothing written. Real HTTP
requests through Frappe's WSGI application (each committed, as in production)."""

import frappe

from call_status_crm.tests.cases import API, RESOURCE, IntakeTestCase
from call_status_crm.tests.utils import MANAGER, ago


class TestProtectedAndSystemStatuses(IntakeTestCase):
	def test_a_call_never_sets_a_protected_lead_status(self):
		for status in ("Converted", "Do Not Contact"):
			response = self.assertNothingWritten(
				lambda status=status: self.post(
					self.agent,
					"log_call",
					lead=self.lead,
					call_status="called",
					duration=20,
					lead_status=status,
				)
			)
			self.assertRefused(response, 417, "is a protected Lead status")
		response = self.post(
			self.integration, "log_call", lead=self.lead, call_status="called", lead_status="Converted"
		)
		self.assertRefused(response, 417, "is a protected Lead status")
		choices = self.agent.get(API + "get_lead_status_choices").json["message"]["choices"]
		self.assertIn("Interested", choices)
		self.assertNotIn("Converted", choices)
		status = frappe.get_doc("Call Status", "qualified")
		status.lead_status = "Converted"
		self.assertRaises(frappe.ValidationError, status.save)

	def test_a_system_status_keeps_its_meaning(self):
		frappe.set_user(MANAGER)
		try:
			self.assert_catalogue_fields_locked()
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()

	def assert_catalogue_fields_locked(self):
		for fieldname, value in (("outcome", "Connected"), ("direction", "Any"), ("set_by", "System")):
			status = frappe.get_doc("Call Status", "busy")
			status.set(fieldname, value)
			with self.assertRaisesRegex(frappe.ValidationError, "is fixed by the app"):
				status.save()
		# what admins own still saves
		status = frappe.get_doc("Call Status", "busy")
		status.status_title = "Line busy"
		status.save()
		self.assertEqual(frappe.db.get_value("Call Status", "busy", "status_title"), "Line busy")

	def test_migrate_brings_catalogue_fixes_to_existing_sites(self):
		from call_status_crm.install import ensure_system_call_statuses

		frappe.db.set_value(
			"Call Status", "busy", {"outcome": "Connected", "direction": "Any", "status_title": "Mine"}
		)
		self.assertEqual(ensure_system_call_statuses(), ["busy"])
		self.assertEqual(
			frappe.db.get_value("Call Status", "busy", ["outcome", "direction", "status_title"]),
			("Attempt", "Outgoing", "Mine"),
		)
		self.assertEqual(ensure_system_call_statuses(), [])
		frappe.db.rollback()


class TestBadInput(IntakeTestCase):
	def test_bad_input_is_a_clear_4xx_and_writes_nothing(self):
		cases = (
			({"call_status": "called", "note": "x" * 100_000}, "at most"),
			({"call_status": "busy", "call_time": "0000-00-00 00:00:00"}, "is not a date and time"),
			({"call_status": "busy", "call_time": "1000-01-01"}, "is not a date and time"),
			({"call_status": ["busy"]}, "should be of type"),
		)
		for data, text in cases:
			response = self.assertNothingWritten(
				lambda data=data: self.post(self.agent, "log_call", lead=self.lead, **data)
			)
			self.assertRefused(response, 417, text)
		response = self.agent.post(
			RESOURCE, {"lead": self.lead, "call_status": "busy", "call_time": "1000-01-01"}
		)
		self.assertRefused(response, 417, "is not a date and time")
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		response = self.post(
			self.agent, "schedule_follow_up", call=call, follow_up_at=ago(-60), note="x" * 100_000
		)
		self.assertRefused(response, 417, "at most")
		response = self.agent.get(
			API + "search_call_statuses",
			{
				"doctype": "Call Status",
				"txt": "",
				"searchfield": "name",
				"start": 0,
				"page_len": 5,
				"filters": "nonsense",
			},
		)
		self.assertRefused(response, 417, "Filters must be an object")

	def test_a_refused_report_run_is_a_417_and_no_error_log(self):
		errors = frappe.db.count("Error Log")
		for report, filters, message in (
			("Call Status Summary", {"call_status": ["busy", "called"]}, "Filter"),
			("Call Status Summary", {"call_status": {"a": 1}}, "Filter"),
			("Call Status Summary", {"from_date": "0001-01-01"}, "Filter"),
			("Call Status Summary", {"from_date": "2026-13-45"}, "Filter"),
			# the right types but values no report takes: refused before the runner too
			("Call Status Summary", {"period": "Hourly"}, "Filter"),
			("Campaign Call Performance", {"group_by": "Lead"}, "Filter"),
			("Missed Call Service Level", {"group_by": "Lead"}, "Filter"),
			("Agent Call Performance", {"from_date": "2026-12-03", "to_date": "2026-12-01"}, "is after"),
		):
			response = self.agent.get(
				"/api/method/frappe.desk.query_report.run",
				{"report_name": report, "filters": frappe.as_json(filters)},
			)
			self.assertRefused(response, 417, message)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Error Log"), errors)
		response = self.agent.get(
			"/api/method/frappe.desk.query_report.run",
			{"report_name": "Call Status Summary", "filters": frappe.as_json({"call_status": "busy"})},
		)
		self.assertEqual(response.status_code, 200, response.text)
