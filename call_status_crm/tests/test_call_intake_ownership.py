"""Call intake you can trust (DESIGN.md §1a, §4), whose call it is: ownership cannot be taken over, computed
fields never come from a client, an update by external id changes only what it says, the edit window
holds, and follow-ups are scheduled only on one's own calls and never in the past. Real HTTP requests
through Frappe's WSGI application (each committed, as in production)."""

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.tests.cases import RESOURCE, IntakeTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, ago


class TestOwnership(IntakeTestCase):
	def test_another_agent_cannot_take_a_call_over(self):
		mine = self.log(self.agent, call_status="follow_up", follow_up_at=ago(-24 * 60), external_id="a-call")
		name = mine["name"]
		todo = self.calls()[0].follow_up
		# REST PUT naming yourself the agent: checked against the call as stored
		response = self.agent_2.put(f"{RESOURCE}/{name}", {"agent": AGENT_2, "note": "mine now"})
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent_2.post(
			"/api/method/frappe.client.set_value",
			{"doctype": "Lead Call Log", "name": name, "fieldname": "agent", "value": AGENT_2},
		)
		self.assertIn(response.status_code, (403, 404), response.text)
		self.assertNotIn("follow_up", response.text)
		# the same external id from another agent is that agent's own call, not A's
		theirs = self.log(self.agent_2, call_status="busy", external_id="a-call", call_time=ago(1))
		self.assertNotEqual(theirs["name"], name)
		self.assertEqual(theirs["external_id"], "a-call")
		response = self.post(self.agent_2, "end_call", external_id="a-call", call_status="called", duration=5)
		self.assertEqual(response.json["message"]["name"], theirs["name"])
		frappe.db.rollback()
		call = frappe.get_doc("Lead Call Log", name)
		self.assertEqual((call.agent, call.call_status, call.note), (AGENT, "follow_up", None))
		self.assertEqual(frappe.db.get_value("ToDo", todo, "allocated_to"), AGENT)
		# a manager may move the call to another agent
		response = self.manager.put(f"{RESOURCE}/{name}", {"agent": AGENT_2})
		self.assertEqual(response.status_code, 200, response.text)

	def test_computed_fields_are_never_taken_from_a_client(self):
		if not frappe.db.exists("Branch", "CSC Forged Branch"):
			frappe.get_doc({"doctype": "Branch", "branch": "CSC Forged Branch"}).insert(
				ignore_permissions=True
			)
			frappe.db.commit()
		mine = self.log(self.agent, call_status="follow_up", follow_up_at=ago(-24 * 60))
		a_todo = self.calls()[0].follow_up
		forged = {
			"branch": "CSC Forged Branch",
			"follow_up_status": "Closed",
			"previous_lead_status": "Converted",
			"called_back_at": ago(1),
			"outcome": "Connected",
			"is_connected": 1,
			"call_date": "2001-01-01",
		}
		response = self.agent_2.post(
			RESOURCE,
			{"lead": self.lead, "call_status": "busy", "call_time": ago(2), "follow_up": a_todo, **forged},
		)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		theirs = frappe.get_doc("Lead Call Log", response.json["data"]["name"])
		self.assertEqual(
			[
				theirs.get(f)
				for f in ("follow_up", "branch", "department", "follow_up_status", "called_back_at")
			],
			[None, None, None, None, None],
		)
		self.assertEqual(
			(theirs.outcome, theirs.is_connected, theirs.previous_lead_status), ("Attempt", 0, "Followups")
		)
		self.assertEqual(frappe.db.get_value("ToDo", a_todo, ["allocated_to", "status"]), (AGENT, "Open"))
		# and on an update of one's own call
		response = self.agent.put(f"{RESOURCE}/{mine['name']}", {"note": "ok", **forged})
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		call = frappe.get_doc("Lead Call Log", mine["name"])
		self.assertEqual(
			(call.follow_up_status, call.previous_lead_status, call.called_back_at), ("Open", "Lead", None)
		)
		self.assertEqual(call.note, "ok")

	def test_an_update_by_external_id_changes_only_what_it_says(self):
		self.log(self.integration, call_status="called", duration=42, external_id="ext-1", source="Telephony")
		self.log(self.integration, call_status="called", note="resent", external_id="ext-1")
		self.post(self.integration, "end_call", external_id="ext-1", call_status="called", note="ended")
		[call] = self.calls()
		self.assertEqual(
			(call.duration, call.is_connected, call.source, call.note), (42, 1, "Telephony", "ended")
		)

	def test_the_edit_window(self):
		call = self.log(self.agent, call_status="busy")["name"]
		frappe.db.set_value("Lead Call Log", call, "creation", add_to_date(now_datetime(), minutes=-31))
		frappe.db.commit()
		response = self.agent.put(f"{RESOURCE}/{call}", {"call_status": "no_answer"})
		self.assertRefused(response, 403, "only a Call Center Manager can change")
		response = self.agent.put(f"{RESOURCE}/{call}", {"note": "they asked for Tuesday"})
		self.assertEqual(response.status_code, 200, response.text)
		response = self.manager.put(f"{RESOURCE}/{call}", {"call_status": "no_answer"})
		self.assertEqual(response.status_code, 200, response.text)


class TestFollowUps(IntakeTestCase):
	def test_permission_first_then_existence(self):
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		for name in (call, "CALL-2026-99999"):
			response = self.post(self.agent_2, "schedule_follow_up", call=name, follow_up_at=ago(-60))
			self.assertRefused(response, 403, "is not one of your calls")
		response = self.post(
			self.manager, "schedule_follow_up", call="CALL-2026-99999", follow_up_at=ago(-60)
		)
		self.assertRefused(response, 404, "does not exist")
		response = self.agent_2.get(
			"/api/method/call_status_crm.follow_up.get_default_follow_up_at", {"agent": AGENT}
		)
		self.assertEqual(response.status_code, 403, response.text)

	def test_a_past_follow_up_is_refused_whenever_it_is_set(self):
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		response = self.post(self.agent, "schedule_follow_up", call=call, follow_up_at=ago(60))
		self.assertRefused(response, 417, "is in the past")
		self.assertEqual(frappe.db.count("ToDo", {"reference_name": self.lead}), 0)
		response = self.post(self.agent, "schedule_follow_up", call=call, follow_up_at="0000-00-00 00:00:00")
		self.assertRefused(response, 417, "is not a date and time")
