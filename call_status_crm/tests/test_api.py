"""The dialler and AI-agent API over real HTTP requests through Frappe's WSGI application (each request
on its own database connection, committed as in production; every test deletes its leads afterwards)."""

import frappe

from call_status_crm.tests.cases import API, CommittedCallTestCase
from call_status_crm.tests.utils import (
	AGENT,
	AGENT_2,
	ApiClient,
	ago,
)


class TestCallAPI(CommittedCallTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC API Lead")

	def test_log_call(self):
		response = self.post(
			self.agent,
			"log_call",
			lead=self.lead,
			call_status="busy",
			call_time=ago(5),
			external_id="csc-api-1",
		)
		self.assertEqual(response.status_code, 200, response.text)
		message = response.json["message"]
		self.assertEqual(
			(message["call_status"], message["lead_status_now"], message["is_connected"]),
			("busy", "Not Picked", False),
		)
		self.assertEqual(message["external_id"], "csc-api-1")
		[call] = self.calls()
		# an agent's calls are Manual, and their ids are theirs alone (scoped to the user)
		self.assertEqual((call.agent, call.source, call.external_id), (AGENT, "Manual", f"{AGENT}:csc-api-1"))

	def test_token_auth(self):
		from frappe.core.doctype.user.user import generate_keys

		secret = generate_keys(AGENT)["api_secret"]
		key = frappe.db.get_value("User", AGENT, "api_key")
		frappe.db.commit()
		client = ApiClient()
		response = client.request(
			"post",
			API + "log_call",
			json={"lead": self.lead, "call_status": "no_answer"},
			headers={"Authorization": f"token {key}:{secret}"},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(self.calls()[0].agent, AGENT)
		response = client.request(
			"post",
			API + "log_call",
			json={"lead": self.lead, "call_status": "no_answer"},
			headers={"Authorization": f"token {key}:wrong"},
		)
		self.assertIn(response.status_code, (401, 403), response.text)
		self.assertEqual(len(self.calls()), 1)

	def assertCallRefused(self, status_code: int, text: str, method: str = "log_call", client=None, **data):
		"""This request is refused with this HTTP status and message, and nothing is written."""
		response = self.assertNothingWritten(lambda: self.post(client or self.agent, method, **data))
		self.assertRefused(response, status_code, text)

	def test_bad_input_is_refused_and_writes_nothing(self):
		lead = self.lead
		# to an agent, a Lead that does not exist is one they may not write; an integration, which writes
		# every Lead, is told it does not exist
		self.assertCallRefused(
			403,
			"You may not log calls on Lead <strong>CSC-NO-SUCH-LEAD</strong>",
			lead="CSC-NO-SUCH-LEAD",
			call_status="busy",
		)
		self.assertCallRefused(
			404,
			"Lead <strong>CSC-NO-SUCH-LEAD</strong> does not exist",
			client=self.integration,
			lead="CSC-NO-SUCH-LEAD",
			call_status="busy",
		)
		self.assertCallRefused(
			417, "Call status <strong>no_such</strong> does not exist", lead=lead, call_status="no_such"
		)
		self.assertCallRefused(
			417, "is not offered to you", lead=lead, call_status="canceled", source="Manual"
		)
		self.assertCallRefused(
			403, "You may not log calls with source", lead=lead, call_status="busy", source="Dialler"
		)
		self.assertCallRefused(
			417, "is for Incoming calls only", lead=lead, call_status="missed", direction="Outgoing"
		)
		self.assertCallRefused(417, "Duration cannot be negative", lead=lead, call_status="busy", duration=-5)
		self.assertCallRefused(417, "longer than a day", lead=lead, call_status="called", duration=90000)
		self.assertCallRefused(
			417, "is not a date and time", lead=lead, call_status="busy", call_time="yesterday-ish 25:99"
		)
		self.assertCallRefused(417, "is in the future", lead=lead, call_status="busy", call_time=ago(-120))
		self.assertCallRefused(
			417, "needs a note", lead=lead, call_status="rescheduled", follow_up_at=ago(-600)
		)
		self.assertCallRefused(417, "needs a follow-up time", lead=lead, call_status="follow_up")
		self.assertCallRefused(
			417,
			"Direction <strong>Sideways</strong> is not valid",
			lead=lead,
			call_status="busy",
			direction="Sideways",
		)
		self.assertCallRefused(
			404, "No call with external ID", "end_call", external_id="csc-never-started", call_status="busy"
		)

	def test_permissions(self):
		response = self.post(
			self.agent,
			"log_call",
			lead=self.lead,
			call_status="busy",
			external_id="csc-api-mine",
			call_time=ago(3),
		)
		self.assertEqual(response.status_code, 200, response.text)
		name = response.json["message"]["name"]
		# agent 2 can neither change agent 1's call through any endpoint nor read it: the same external
		# id from agent 2 names agent 2's own call (ids are scoped to their user)
		for method, data in (
			("log_call", {"lead": self.lead, "call_status": "qualified", "call_time": ago(2)}),
			("end_call", {"call_status": "called", "duration": 30}),
			("start_call", {"lead": self.lead}),
		):
			response = self.post(self.agent_2, method, external_id="csc-api-mine", **data)
			self.assertNotEqual(response.json.get("message", {}).get("name"), name, response.text)
		self.assertCallRefused(
			403,
			"is not one of your calls",
			"schedule_follow_up",
			client=self.agent_2,
			call=name,
			follow_up_at=ago(-600),
		)
		response = self.agent_2.get(f"/api/resource/Lead Call Log/{name}")
		self.assertEqual(response.status_code, 403, response.text)
		mine = frappe.get_doc("Lead Call Log", name)
		self.assertEqual((mine.call_status, mine.agent, mine.duration), ("busy", AGENT, 0))
		self.assertEqual(
			frappe.db.count("Lead Call Log", {"external_id": f"{AGENT_2}:csc-api-mine", "agent": AGENT_2}), 1
		)
		# Guest and a user without a call role get nothing
		for client in (self.guest, self.plain):
			self.assertCallRefused(403, "ermission", client=client, lead=self.lead, call_status="busy")
			response = client.get(API + "get_call_statuses", {"audience": "agent"})
			self.assertEqual(response.status_code, 403, response.text)

	def test_ai_agent_visibility(self):
		self.set_committed("Call Status", "voicemail", "show_to_ai_agent", 0)
		response = self.agent.get(
			API + "get_call_statuses", {"audience": "ai_agent", "direction": "Outgoing"}
		)
		codes = [row["code"] for row in response.json["message"]]
		self.assertNotIn("voicemail", codes)
		self.assertIn("busy", codes)
		self.assertCallRefused(
			417, "is not offered to you", client=self.ai, lead=self.lead, call_status="voicemail"
		)
		response = self.post(self.agent, "log_call", lead=self.lead, call_status="voicemail")
		self.assertEqual(response.status_code, 200, response.text)

	def test_the_same_external_id_100_times_is_one_call(self):
		for _ in range(100):
			response = self.post(
				self.agent,
				"log_call",
				lead=self.lead,
				call_status="called",
				duration=42,
				call_time=ago(5),
				lead_status="Interested",
				external_id="csc-api-repeat",
			)
			self.assertEqual(response.status_code, 200, response.text)
		calls = self.calls()
		self.assertEqual(len(calls), 1)
		self.assertEqual((calls[0].call_status, calls[0].duration), ("called", 42))
		self.assertEqual(self.lead_status(), "Interested")
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Lead", self.lead, ["call_attempts", "connected_calls"]), (1, 1))

	def test_start_then_end(self):
		response = self.post(
			self.agent, "start_call", external_id="csc-api-flow", lead=self.lead, call_time=ago(4)
		)
		self.assertEqual(response.json["message"]["call_status"], "in_progress")
		self.assertEqual(self.lead_status(), "Lead")
		response = self.post(self.agent, "end_call", external_id="csc-api-flow", call_status="busy")
		self.assertEqual(response.status_code, 200, response.text)
		[call] = self.calls()
		self.assertEqual(call.call_status, "busy")
		self.assertEqual(self.lead_status(), "Not Picked")

	def test_events_out_of_order_make_one_correct_call(self):
		# the end arrives first, then a duplicate end, then the start
		for _ in range(2):
			response = self.post(
				self.agent,
				"end_call",
				external_id="csc-api-ooo",
				call_status="qualified",
				duration=61,
				lead=self.lead,
				call_time=ago(6),
			)
			self.assertEqual(response.status_code, 200, response.text)
		response = self.post(
			self.agent, "start_call", external_id="csc-api-ooo", lead=self.lead, call_time=ago(6)
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["call_status"], "qualified")
		[call] = self.calls()
		self.assertEqual((call.call_status, call.duration, call.is_connected), ("qualified", 61, 1))
		self.assertEqual(self.lead_status(), "Interested")

	def test_schedule_follow_up(self):
		response = self.post(
			self.agent, "log_call", lead=self.lead, call_status="called", duration=20, call_time=ago(2)
		)
		name = response.json["message"]["name"]
		response = self.post(
			self.agent, "schedule_follow_up", call=name, follow_up_at=ago(-24 * 60), note="Send prices"
		)
		self.assertEqual(response.status_code, 200, response.text)
		[call] = self.calls()
		todo = frappe.get_doc("ToDo", call.follow_up)
		self.assertEqual((todo.allocated_to, todo.reference_name, todo.status), (AGENT, self.lead, "Open"))
		self.assertCallRefused(
			417, "is not a date and time", "schedule_follow_up", call=name, follow_up_at="soon"
		)
		# to an agent, a call that does not exist looks like a call that is not theirs
		self.assertCallRefused(
			403, "is not one of your calls", "schedule_follow_up", call="CALL-NO-SUCH", follow_up_at=ago(-60)
		)
