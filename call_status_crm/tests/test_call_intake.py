"""Call intake you can trust (DESIGN.md §1a, §4), who may log what: the user's roles decide what a call may
say (its source and status), and a call on a Lead needs write permission on it. Real HTTP requests
through Frappe's WSGI application (each committed, as in production)."""

import frappe

from call_status_crm.tests.cases import RESOURCE, IntakeTestCase
from call_status_crm.tests.utils import AGENT, AGENT_3, AI_AGENT, ApiClient, ago


class TestAudienceFromRoles(IntakeTestCase):
	def test_an_agent_cannot_claim_another_source_or_a_hidden_status(self):
		for extra in ({"source": "Dialler"}, {"source": "Telephony"}, {"source": "AI Agent"}):
			response = self.assertNothingWritten(
				lambda extra=extra: self.post(
					self.agent, "log_call", lead=self.lead, call_status="canceled", **extra
				)
			)
			self.assertRefused(response, 403, "You may not log calls with source")
		# no source at all: the agent's calls are Manual, so a status hidden from agents is refused
		response = self.assertNothingWritten(
			lambda: self.post(self.agent, "log_call", lead=self.lead, call_status="canceled")
		)
		self.assertRefused(response, 417, "is not offered to you")
		# the same over REST
		response = self.assertNothingWritten(
			lambda: self.agent.post(
				RESOURCE, {"lead": self.lead, "call_status": "busy", "source": "Dialler", "call_time": ago(2)}
			)
		)
		self.assertRefused(response, 403, "You may not log calls with source")
		call = self.log(self.agent, call_status="busy")
		self.assertEqual(self.calls()[0].source, "Manual")
		self.assertEqual(call["call_status"], "busy")

	def test_an_ai_agent_gets_ai_statuses_and_its_own_source(self):
		self.set_committed("Call Status", "voicemail", "show_to_ai_agent", 0)
		response = self.assertNothingWritten(
			lambda: self.post(self.ai, "log_call", lead=self.lead, call_status="voicemail")
		)
		self.assertRefused(response, 417, "is not offered to you")
		response = self.post(self.ai, "log_call", lead=self.lead, call_status="busy", source="Manual")
		self.assertRefused(response, 403, "You may not log calls with source")
		self.assertRefused(response, 403, "You may not log calls with source")
		self.log(self.ai, call_status="busy")
		[call] = self.calls()
		self.assertEqual((call.source, call.agent), ("AI Agent", AI_AGENT))

	def test_an_integration_sets_system_statuses_for_any_agent(self):
		self.log(
			self.integration, call_status="ivr_drop", direction="Incoming", agent=AGENT, external_id="x-1"
		)
		[call] = self.calls()
		self.assertEqual(
			(call.call_status, call.agent, call.source, call.external_id),
			("ivr_drop", AGENT, "Dialler", "x-1"),
		)
		self.assertEqual(self.lead_status(), "Missed")

	def test_an_agents_start_call_may_set_in_progress_on_their_own_call(self):
		response = self.post(self.agent, "start_call", external_id="dial-1", lead=self.lead, call_time=ago(2))
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["external_id"], "dial-1")
		[call] = self.calls()
		self.assertEqual((call.call_status, call.agent, call.source), ("in_progress", AGENT, "Manual"))
		# In-progress is still not theirs to pick by hand
		response = self.post(self.agent, "log_call", lead=self.lead, call_status="in_progress")
		self.assertRefused(response, 417, "is not offered to you")


class TestLeadPermission(IntakeTestCase):
	def test_a_call_needs_write_permission_on_the_lead(self):
		other = self.new_lead("CSC Someone Else's Lead", mobile_no="+91 98765 11111")
		self.restrict(AGENT_3, self.lead)
		agent_3 = ApiClient(AGENT_3)
		self.assertEqual(agent_3.get(f"/api/resource/Lead/{other}").status_code, 403)
		for status in ("disqualified", "called"):
			response = self.assertNothingWritten(
				lambda status=status: self.post(agent_3, "log_call", lead=other, call_status=status), other
			)
			# refused before Frappe's link check, the same answer as for a Lead that does not exist
			self.assertRefused(response, 403, "You may not log calls on Lead")
		response = self.post(agent_3, "log_call", lead=self.lead, call_status="busy", call_time=ago(2))
		self.assertEqual(response.status_code, 200, response.text)

	def test_an_agent_without_lead_write_permission_is_refused(self):
		from call_status_crm.tests.utils import make_user

		no_leads = ApiClient(make_user("csc.no.leads@example.com", ["Call Agent"]))
		response = self.assertNothingWritten(
			lambda: self.post(no_leads, "log_call", lead=self.lead, call_status="disqualified", duration=20)
		)
		self.assertRefused(response, 403, "You may not log calls on Lead")
		response = self.post(
			no_leads, "log_call", direction="Incoming", call_status="missed", phone="98765 44444"
		)
		self.assertEqual(response.status_code, 200, response.text)

	def test_the_lead_check_answers_what_frappes_document_check_answers(self):
		"""`can_write_lead` skips loading the Lead only where Frappe's document check cannot say no."""
		from frappe.share import add_docshare

		from call_status_crm import permissions
		from call_status_crm.tests.utils import make_user

		other = self.new_lead("CSC Shared Lead")
		no_leads = make_user("csc.no.leads@example.com", ["Call Agent"])
		add_docshare("Lead", other, no_leads, write=1, flags={"ignore_share_permission": True})
		frappe.db.commit()
		self.restrict(AGENT_3, self.lead)
		expected = {
			(AGENT, self.lead): True,
			(AGENT, other): True,
			(AGENT_3, self.lead): True,
			(AGENT_3, other): False,  # a User Permission for another Lead
			(no_leads, self.lead): False,  # no role may write Leads
			(no_leads, other): True,  # shared with them
		}
		for (user, lead), allowed in expected.items():
			answers = (
				permissions.can_write_lead(lead, user),
				frappe.has_permission("Lead", "write", doc=lead, user=user),
			)
			self.assertEqual(answers, (allowed, allowed), (user, lead))
		self.assertEqual(
			[permissions.writes_every_lead(user) for user in (AGENT, AGENT_3, no_leads)], [True, False, False]
		)

	def test_an_inbound_number_never_moves_or_discloses_a_lead_the_caller_cannot_write(self):
		other = self.new_lead("CSC Hidden Lead", mobile_no="+91 98765 22222")
		self.restrict(AGENT_3, self.lead)
		agent_3 = ApiClient(AGENT_3)
		response = self.post(
			agent_3, "log_call", direction="Incoming", call_status="missed", phone="+919876522222"
		)
		self.assertEqual(response.status_code, 200, response.text)
		message = response.json["message"]
		self.assertEqual((message["lead"], message["lead_status_now"]), (None, None))
		self.assertNotIn(other, response.text)
		self.assertEqual(self.lead_status(other), "Lead")
		self.assertEqual(self.calls(other), [])
		# the agent who may write it gets the match
		message = self.log(
			self.agent, lead=None, direction="Incoming", call_status="missed", phone="+919876522222"
		)
		self.assertEqual((message["lead"], message["lead_status_now"]), (other, "Missed"))
