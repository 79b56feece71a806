"""The reassignment job (`run()`, called directly): which recycled leads are due, and which agent each
goes to (round robin, least open leads, daily cap, never back to the current agent)."""

import json

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.jobs import reassignment
from call_status_crm.tests.reassignment_cases import (
	CREATED_LEADS,
	SETTINGS,
	ReassignmentTestCase,
	configure,
	not_picked_lead,
	open_assignees,
	reassignments,
)
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, make_call, make_lead


class TestReassignmentJob(ReassignmentTestCase):
	def test_a_due_lead_goes_to_another_agent(self):
		lead = not_picked_lead("CSC Recycle Lead")
		summary = reassignment.run()
		self.assertEqual((summary["reassigned"], summary["due"]), (1, 1))
		self.assertEqual(open_assignees(lead), [AGENT_2])
		self.assertEqual(reassignments(lead), [(AGENT, AGENT_2, "Not Picked", 1)])
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_doctype": "Lead", "reference_name": lead, "content": ("like", "%Re-assigned%")},
			)
		)
		self.assertEqual(frappe.db.get_value("Lead", lead, "status"), "Not Picked")
		last_run = json.loads(frappe.db.get_single_value(SETTINGS, "last_run_summary"))
		self.assertEqual(last_run["reassigned"], 1)

	def test_a_lead_is_not_due_before_its_delay(self):
		lead = not_picked_lead("CSC Fresh Lead", minutes_ago=10)
		now = now_datetime()
		self.assertEqual(reassignment.run(now)["reassigned"], 0)
		self.assertEqual(open_assignees(lead), [])
		# and it is once the delay (30 minutes from its last call) is over
		self.assertEqual(reassignment.run(add_to_date(now, minutes=21))["reassigned"], 1)
		self.assertEqual(open_assignees(lead), [AGENT_2])

	def test_other_statuses_and_inactive_rules_are_left_alone(self):
		lead = make_lead("CSC Interested Lead").name
		make_call(lead, "qualified", duration=30, call_time=add_to_date(now_datetime(), hours=-5))
		missed = make_lead("CSC Missed Lead").name
		CREATED_LEADS.extend([lead, missed])
		make_call(missed, "missed", direction="Incoming", call_time=add_to_date(now_datetime(), hours=-5))
		settings = frappe.get_single(SETTINGS)
		settings.recycle_rules[1].active = 0
		settings.save()
		due = not_picked_lead("CSC Due Lead")  # the job does run: this one goes
		summary = reassignment.run()
		self.assertEqual((summary["reassigned"], summary["examined"]), (1, 1))
		self.assertEqual(open_assignees(due), [AGENT_2])
		self.assertEqual((open_assignees(lead), open_assignees(missed)), ([], []))
		self.assertEqual(frappe.db.get_value("Lead", missed, "recycle_due_at"), None)

	def test_delay_counts_from_the_last_reassignment_and_maximum_recycles_hold(self):
		settings = frappe.get_single(SETTINGS)
		settings.recycle_rules[0].max_recycles = 2
		settings.save()
		lead = not_picked_lead("CSC Twice Lead")
		now = now_datetime()
		self.assertEqual(reassignment.run(now)["reassigned"], 1)
		self.assertEqual(reassignment.run(add_to_date(now, minutes=20))["reassigned"], 0)
		self.assertEqual(reassignment.run(add_to_date(now, minutes=31))["reassigned"], 1)
		self.assertEqual(reassignment.run(add_to_date(now, minutes=120))["reassigned"], 0)
		rows = reassignments(lead)
		self.assertEqual([(row[1], row[3]) for row in rows], [(AGENT_2, 1), (AGENT_3, 2)])
		self.assertEqual(rows[1][0], AGENT_2)
		self.assertEqual(open_assignees(lead), [AGENT_3])

	def test_never_back_to_the_current_agent(self):
		configure(agents=(AGENT, AGENT_2))
		lead = not_picked_lead("CSC Two Agents Lead")
		now = now_datetime()
		self.assertEqual(reassignment.run(now)["reassigned"], 1)  # AGENT called it: AGENT_2 gets it
		# AGENT_2 is assigned and AGENT was the last caller: nobody else is left
		summary = reassignment.run(add_to_date(now, minutes=31))
		self.assertEqual((summary["reassigned"], summary["skipped_no_agent"]), (0, 1))
		self.assertEqual(open_assignees(lead), [AGENT_2])

	def test_round_robin_continues_across_runs(self):
		configure(agents=(AGENT_2, AGENT_3, AGENT))
		first = not_picked_lead("CSC RR 1", agent=AGENT, minutes_ago=50)
		second = not_picked_lead("CSC RR 2", agent=AGENT, minutes_ago=45)
		self.assertEqual(reassignment.run()["reassigned"], 2)
		self.assertEqual((open_assignees(first), open_assignees(second)), ([AGENT_2], [AGENT_3]))
		self.assertEqual(frappe.db.get_single_value(SETTINGS, "round_robin_last_agent"), AGENT_3)
		third = not_picked_lead("CSC RR 3", agent=AGENT_3, minutes_ago=40)
		self.assertEqual(reassignment.run()["reassigned"], 1)
		# agents go round in name order (AGENT_2, AGENT_3, AGENT): after AGENT_3 comes AGENT
		self.assertEqual(open_assignees(third), [AGENT])

	def test_least_open_leads(self):
		configure(strategy="Least Open Leads")
		for i in range(2):
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": AGENT_2,
					"reference_type": "Lead",
					"reference_name": make_lead(f"CSC Busy {i}").name,
					"description": "open",
				}
			).insert()
		lead = not_picked_lead("CSC Least Lead")
		self.assertEqual(reassignment.run()["reassigned"], 1)
		self.assertEqual(open_assignees(lead), [AGENT_3])

	def test_daily_cap(self):
		configure(agents=(AGENT, AGENT_2), daily_cap=1)
		first = not_picked_lead("CSC Cap 1", minutes_ago=50)
		second = not_picked_lead("CSC Cap 2", minutes_ago=45)
		summary = reassignment.run()
		self.assertEqual((summary["reassigned"], summary["skipped_no_agent"]), (1, 1))
		self.assertEqual((open_assignees(first), open_assignees(second)), ([AGENT_2], []))

	def test_set_lead_owner(self):
		configure(set_lead_owner=1)
		lead = not_picked_lead("CSC Owner Lead")
		reassignment.run()
		self.assertEqual(frappe.db.get_value("Lead", lead, "lead_owner"), AGENT_2)

	def test_a_lead_on_the_do_not_call_list_is_never_recycled(self):
		listed = make_lead("CSC Listed Lead", mobile_no="+1 212 555 0187").name
		CREATED_LEADS.append(listed)
		frappe.set_user(AGENT)
		make_call(listed, "busy", call_time=add_to_date(now_datetime(), minutes=-40))
		frappe.set_user("Administrator")
		entry = frappe.get_doc(
			{"doctype": "Do Not Call", "phone": "+1 212 555 0187", "reason": "Asked"}
		).insert()
		self.addCleanup(lambda: (frappe.db.delete("Do Not Call", entry.name), frappe.db.commit()))
		due = not_picked_lead("CSC Unlisted Lead")
		summary = reassignment.run()
		self.assertEqual((summary["reassigned"], summary["skipped_do_not_call"]), (1, 1))
		self.assertEqual(reassignments(listed), [])
		self.assertEqual(len(reassignments(due)), 1)
