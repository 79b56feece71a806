import frappe
from frappe.tests.utils import FrappeTestCase

from call_status_crm.tests.utils import make_lead, minutes_ago


def make_call_log(call_id: str, lead: str | None, **values):
	doc = frappe.get_doc(
		{
			"doctype": "Call Log",
			"id": call_id,
			"from": "+91 22 4000 0000",
			"to": "+91 98700 11111",
			"type": "Outgoing",
			"status": "Ringing",
			"start_time": minutes_ago(5),
			**values,
		}
	)
	if lead:
		doc.append("links", {"link_doctype": "Lead", "link_name": lead})
	return doc.insert(ignore_permissions=True)


class TestTelephonyBridge(FrappeTestCase):
	def setUp(self):
		self.lead = make_lead("CSC Telephony Lead").name

	def tearDown(self):
		frappe.db.rollback()

	def call_for(self, call_id: str):
		name = frappe.db.get_value("Lead Call Log", {"external_id": call_id}, "name")
		return frappe.get_doc("Lead Call Log", name) if name else None

	def test_call_log_events_upsert_one_lead_call_log(self):
		log = make_call_log("csc-tel-1", self.lead, status="Ringing")
		call = self.call_for("csc-tel-1")
		self.assertEqual(
			(call.call_status, call.source, call.lead, call.direction),
			("in_progress", "Telephony", self.lead, "Outgoing"),
		)

		log.status = "Busy"
		log.save(ignore_permissions=True)
		call = self.call_for("csc-tel-1")
		self.assertEqual((call.call_status, call.lead_status), ("busy", "Not Picked"))
		self.assertEqual(frappe.db.get_value("Lead", self.lead, "status"), "Not Picked")

		log.status = "Completed"
		log.duration = 95
		log.save(ignore_permissions=True)
		call = self.call_for("csc-tel-1")
		self.assertEqual(
			(call.call_status, call.duration, call.is_connected, call.lead_status), ("called", 95, 1, None)
		)
		self.assertEqual(frappe.db.count("Lead Call Log", {"external_id": "csc-tel-1"}), 1)
		lead = frappe.db.get_value(
			"Lead", self.lead, ["call_attempts", "connected_calls", "status"], as_dict=True
		)
		# the call is Called now, not Busy: the Not Picked it gave goes, the Lead is back where it was
		self.assertEqual((lead.call_attempts, lead.connected_calls, lead.status), (1, 1, "Lead"))

	def test_mapping_depends_on_call_type(self):
		make_call_log(
			"csc-tel-in", self.lead, type="Incoming", status="No Answer", **{"from": "+91 98700 11111"}
		)
		make_call_log("csc-tel-out", self.lead, type="Outgoing", status="No Answer")
		self.assertEqual(self.call_for("csc-tel-in").call_status, "missed")
		self.assertEqual(self.call_for("csc-tel-out").call_status, "no_answer")

	def test_an_unmapped_status_or_an_outgoing_call_without_lead_logs_nothing(self):
		settings = frappe.get_single("Call Status CRM Settings")
		settings.telephony_status_map = [
			row for row in settings.telephony_status_map if row.telephony_status != "Queued"
		]
		settings.save()
		make_call_log("csc-tel-queued", self.lead, status="Queued")
		self.assertIsNone(self.call_for("csc-tel-queued"))
		make_call_log("csc-tel-nolead", None, status="Busy", to="+1 555 0199")
		self.assertIsNone(self.call_for("csc-tel-nolead"))

	def test_a_call_the_bridge_cannot_log_is_recorded_and_the_call_log_still_saves(self):
		settings = frappe.get_single("Call Status CRM Settings")
		for row in settings.telephony_status_map:
			if row.telephony_status == "Completed":
				row.call_status = "rescheduled"  # needs a note and a follow-up: the bridge cannot supply them
		settings.save()
		errors_before = frappe.db.count("Error Log")
		make_call_log("csc-tel-bad", self.lead, status="Completed", duration=30)
		self.assertTrue(frappe.db.exists("Call Log", "csc-tel-bad"))
		self.assertIsNone(self.call_for("csc-tel-bad"))
		self.assertEqual(frappe.db.count("Error Log"), errors_before + 1)
