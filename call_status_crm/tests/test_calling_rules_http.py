"""Calling rules over real HTTP requests (DESIGN.md §8): every door refuses an outgoing call to a listed
number in Block (417, with the reason, nothing written, the refusal counted) and logs it with a warning in
Warn; inbound calls pass; agents cannot remove entries; Data Import refuses a malformed row naming it."""

import json

import frappe

from call_status_crm.tests.calling_rules_cases import CommittedCallingRulesTestCase, events
from call_status_crm.tests.cases import API, RESOURCE
from call_status_crm.tests.utils import ago, error_text

DNC = "Do Not Call"
NUMBER, KEY = "+1 212 555 0177", "+12125550177"


class TestDoorsOverHttp(CommittedCallingRulesTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Rules HTTP Lead", mobile_no=NUMBER)
		frappe.get_doc({"doctype": DNC, "phone": NUMBER}).insert()
		frappe.db.commit()
		self.addCleanup(lambda: (frappe.db.delete(DNC, {"phone_key": KEY}), frappe.db.commit()))

	def refused(self, send, door: str):
		response = self.assertNothingWritten(send)
		self.assertRefused(response, 417, "Do Not Call")
		frappe.db.rollback()
		self.assertIn(("Refused", door), [(event.outcome, event.door) for event in events(lead=self.lead)])

	def test_log_call(self):
		self.refused(
			lambda: self.post(self.agent, "log_call", lead=self.lead, call_status="busy"), "log_call"
		)

	def test_start_call(self):
		self.refused(
			lambda: self.post(self.agent, "start_call", lead=self.lead, external_id="csc-rules-http-1"),
			"start_call",
		)

	def test_rest_insert(self):
		body = {"lead": self.lead, "call_status": "busy", "direction": "Outgoing", "call_time": ago(1)}
		self.refused(lambda: self.agent.post(RESOURCE, body), "REST")

	def test_desk_form(self):
		doc = {"doctype": "Lead Call Log", "name": "new-lead-call-log-1", "__islocal": 1, "lead": self.lead}
		data = {"doc": json.dumps({**doc, "call_status": "busy", "direction": "Outgoing"}), "action": "Save"}
		self.refused(lambda: self.agent.post("/api/method/frappe.desk.form.save.savedocs", data), "Desk")

	def test_warn_logs_the_call_with_the_warning_in_the_answer(self):
		self.commit_settings("Call Status CRM Settings", {"enforcement": "Warn"})
		response = self.post(self.agent, "log_call", lead=self.lead, call_status="busy")
		self.assertEqual(response.status_code, 200, response.text)
		self.assertIn("Do Not Call", error_text(response))
		[call] = self.calls()
		self.assertEqual(call.broke_calling_rule, 1)
		self.assertEqual(
			[(e.outcome, e.door, e.call) for e in events(lead=self.lead)], [("Warned", "log_call", call.name)]
		)

	def test_warn_lets_every_door_log_the_call(self):
		self.commit_settings("Call Status CRM Settings", {"enforcement": "Warn"})
		rest = {"lead": self.lead, "call_status": "busy", "direction": "Outgoing", "call_time": ago(1)}
		doc = {"doctype": "Lead Call Log", "name": "new-lead-call-log-1", "__islocal": 1, **rest}
		sends = {
			"start_call": lambda: self.post(
				self.agent, "start_call", lead=self.lead, external_id="csc-warn-1"
			),
			"REST": lambda: self.agent.post(RESOURCE, rest),
			"Desk": lambda: self.agent.post(
				"/api/method/frappe.desk.form.save.savedocs", {"doc": json.dumps(doc), "action": "Save"}
			),
		}
		for door, send in sends.items():
			response = send()
			self.assertEqual(response.status_code, 200, f"{door}: {response.text}")
			self.assertIn("Do Not Call", error_text(response), door)
		self.assertEqual([call.broke_calling_rule for call in self.calls()], [1, 1, 1])
		self.assertEqual(sorted(e.door for e in events(lead=self.lead)), ["Desk", "REST", "start_call"])

	def test_a_listed_caller_who_calls_in_is_logged(self):
		response = self.post(
			self.agent, "log_call", lead=self.lead, call_status="missed", direction="Incoming"
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(len(self.calls()), 1)

	def test_check_call(self):
		response = self.agent.get(API + "check_call", {"lead": self.lead})
		self.assertEqual(response.status_code, 200, response.text)
		answer = response.json["message"]
		self.assertEqual(
			(answer["allowed"], answer["next_allowed_at"], answer["timezone"]),
			(False, None, "America/New_York"),
		)
		self.assertIn("dnc", answer["reasons"])
		self.assertEqual(self.plain.get(API + "check_call", {"lead": self.lead}).status_code, 403)

	def test_agents_cannot_remove_an_entry(self):
		response = self.agent.delete(f"/api/resource/{DNC}/{KEY}")
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent.put(f"/api/resource/{DNC}/{KEY}", {"reason": "gone"})
		self.assertEqual(response.status_code, 403, response.text)
		frappe.db.rollback()
		self.assertTrue(frappe.db.exists(DNC, KEY))
		self.assertEqual(self.manager.delete(f"/api/resource/{DNC}/{KEY}").status_code, 202)


class TestDoNotCallImport(CommittedCallingRulesTestCase):
	def test_a_malformed_row_is_refused_naming_it(self):
		csv = "Phone,Scope,Reason\n+1 212 555 0181,Global,opted out\ncall me maybe,Global,typo\n+1 212 555 0182,Global,\n"
		file = frappe.get_doc(
			{"doctype": "File", "file_name": "csc-dnc.csv", "content": csv, "is_private": 1}
		).insert()
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": DNC,
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert()
		frappe.db.commit()
		self.addCleanup(self.delete_import, data_import.name, file.name)
		data_import.start_import()
		frappe.db.rollback()
		entries = frappe.get_all(
			DNC, filters={"phone_key": ("like", "+121255501%")}, fields=["name", "source"]
		)
		self.assertEqual(
			sorted(entries, key=lambda e: e.name),
			[{"name": "+12125550181", "source": "Import"}, {"name": "+12125550182", "source": "Import"}],
		)
		[failed] = frappe.get_all(
			"Data Import Log",
			filters={"data_import": data_import.name, "success": 0},
			fields=["row_indexes", "messages"],
		)
		self.assertEqual(json.loads(failed.row_indexes), [3])
		self.assertIn("call me maybe", failed.messages)
		self.assertIn("is not a phone number", failed.messages)

	def delete_import(self, name: str, file: str):
		frappe.db.delete(DNC, {"phone_key": ("like", "+121255501%")})
		frappe.db.delete("Data Import Log", {"data_import": name})
		frappe.delete_doc("Data Import", name, force=True, ignore_permissions=True)
		frappe.delete_doc("File", file, force=True, ignore_permissions=True)
		frappe.db.commit()
