"""The call queue's doors (DESIGN.md §9) from both sides, with committed data: real requests, and two
agents asking at the same moment on two database connections."""

import frappe

from call_status_crm import call_queue
from call_status_crm.core.call_queue import NEVER_CALLED, PERSONAL, PERSONAL_CALLBACK
from call_status_crm.tests.call_queue_cases import CommittedQueueTestCase, assign, callback
from call_status_crm.tests.cases import API
from call_status_crm.tests.utils import AGENT, AGENT_2, SALES_USER, at_once


def reservation(lead: str) -> tuple:
	frappe.db.rollback()
	return tuple(frappe.db.get_value("Lead", lead, ["queue_reserved_by", "queue_reserved_until"]))


def ask(user: str):
	def next_call():
		frappe.set_user(user)
		return call_queue.next_call(user)

	return next_call


class TestCallQueueApi(CommittedQueueTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Queue Api")
		assign(self.lead, AGENT)
		frappe.db.commit()

	def test_agent_gets_next_call_reserved_then_logs_it(self):
		response = self.post(self.agent, "get_next_call")
		self.assertEqual(response.status_code, 200, response.text)
		found = response.json["message"]
		self.assertEqual((found["lead"], found["reason"], found["callback"]), (self.lead, NEVER_CALLED, None))
		self.assertIn("local_time", found)
		self.assertEqual(reservation(self.lead)[0], AGENT)
		logged = self.post(self.agent, "log_call", lead=self.lead, call_status="busy", direction="Outgoing")
		self.assertEqual(logged.status_code, 200, logged.text)
		self.assertEqual(reservation(self.lead), (None, None))
		self.assertEqual(self.post(self.agent, "get_next_call").json["message"], {})

	def test_get_call_queue_and_summary(self):
		response = self.agent.get(API + "get_call_queue", {"limit": 5})
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual([row["lead"] for row in response.json["message"]], [self.lead])
		self.assertEqual(reservation(self.lead), (None, None))  # looking reserves nothing
		summary = self.agent.get(API + "get_call_queue_summary").json["message"]
		self.assertEqual((summary["due"], summary["blocked"]), (1, 0))

	def test_a_manager_may_look_at_an_agents_queue(self):
		response = self.manager.get(API + "get_call_queue", {"agent": AGENT})
		self.assertEqual([row["lead"] for row in response.json["message"]], [self.lead])

	def test_refused_doors_write_nothing(self):
		for client in (self.guest, self.plain, self.client(SALES_USER)):
			self.assertNothingWritten(
				lambda c=client: self.assertIn(self.post(c, "get_next_call").status_code, (401, 403))
			)
			self.assertIn(client.get(API + "get_call_queue").status_code, (401, 403))
			self.assertIn(client.get(API + "get_call_queue_summary").status_code, (401, 403))
			self.assertIn(self.post(client, "skip_call", lead=self.lead).status_code, (401, 403))
			self.assertEqual(reservation(self.lead), (None, None))
		self.assertRefused(
			self.agent.get(API + "get_call_queue", {"agent": AGENT_2}), 403, "your own call queue"
		)
		self.assertRefused(
			self.agent.get(API + "get_call_queue_summary", {"agent": AGENT_2}), 403, "your own call queue"
		)
		self.assertRefused(self.agent.get(API + "get_call_queue", {"limit": 0}), 417, "Limit")
		self.assertRefused(self.agent.get(API + "get_call_queue", {"limit": "ten"}), 417, "Limit")

	def test_skip_another_agents_lead_is_refused(self):
		frappe.set_user(AGENT_2)
		self.assertTrue(call_queue.reserve(self.lead, AGENT_2, frappe.utils.now_datetime()))
		frappe.set_user("Administrator")
		frappe.db.commit()
		held = reservation(self.lead)
		self.assertRefused(self.post(self.agent, "skip_call", lead=self.lead), 403, "another agent")
		self.assertEqual(reservation(self.lead), held)
		self.assertRefused(self.post(self.agent, "skip_call", lead="CRM-LEAD-NOPE-1"), 403, "may not")

	def test_skip_moves_on(self):
		second = self.new_lead("CSC Queue Api Second")
		assign(second, AGENT)
		frappe.db.commit()
		first = self.post(self.agent, "get_next_call").json["message"]["lead"]
		skipped = self.post(self.agent, "skip_call", lead=first)
		self.assertEqual(skipped.status_code, 200, skipped.text)
		self.assertEqual(reservation(first), (None, None))
		following = self.post(self.agent, "get_next_call").json["message"]["lead"]
		self.assertEqual({first, following}, {self.lead, second})

	def test_never_a_lead_the_agent_may_not_write(self):
		"""An Anyone callback on a lead the agent's User Permissions leave out is not theirs to dial."""
		other = self.new_lead("CSC Queue Api Hidden")
		callback(other, AGENT_2, "Anyone", due_minutes_ago=5)
		frappe.db.commit()
		self.restrict(AGENT, self.lead)
		leads = [row["lead"] for row in self.agent.get(API + "get_call_queue").json["message"]]
		self.assertEqual(leads, [self.lead])
		leads_2 = [row["lead"] for row in self.agent_2.get(API + "get_call_queue").json["message"]]
		self.assertEqual(leads_2, [other])


class TestCallQueueConcurrency(CommittedQueueTestCase):
	def test_two_agents_at_once_never_get_the_same_lead(self):
		lead = self.new_lead("CSC Queue Race")
		for agent in (AGENT, AGENT_2):
			assign(lead, agent)
		frappe.db.commit()
		for _round in range(3):
			results = at_once(ask(AGENT), ask(AGENT_2))
			got = [result.get("lead") if isinstance(result, dict) else result for result in results]
			self.assertEqual(sorted(got, key=str), sorted([lead, None], key=str), got)
			frappe.db.rollback()
			frappe.db.set_value("Lead", lead, {"queue_reserved_by": None, "queue_reserved_until": None})
			frappe.db.commit()

	def test_many_leads_two_agents_each_a_different_lead(self):
		leads = [self.new_lead(f"CSC Queue Race {n}") for n in range(3)]
		for lead in leads:
			for agent in (AGENT, AGENT_2):
				assign(lead, agent)
		frappe.db.commit()
		results = at_once(ask(AGENT), ask(AGENT_2))
		got = [result["lead"] for result in results]
		self.assertEqual(len(set(got)), 2, results)
		frappe.db.rollback()
		self.assertEqual(
			{frappe.db.get_value("Lead", lead, "queue_reserved_by") for lead in got}, {AGENT, AGENT_2}
		)

	def test_personal_callback_first_over_http(self):
		lead = self.new_lead("CSC Queue Callback")
		call = callback(lead, AGENT, PERSONAL, due_minutes_ago=3)
		frappe.db.commit()
		found = self.post(self.agent, "get_next_call").json["message"]
		self.assertEqual((found["lead"], found["reason"], found["callback"]), (lead, PERSONAL_CALLBACK, call))
