"""Shared by the reassignment job's tests: its settings, leads due for reassignment, what the job wrote,
and a test case that restores all of it after each test."""

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, cleanup_leads, make_call, make_lead

SETTINGS = "Call Status CRM Settings"


def configure(agents=(AGENT, AGENT_2, AGENT_3), **values):
	settings = frappe.get_single(SETTINGS)
	settings.update(
		{
			"auto_reassign_enabled": 1,
			"strategy": "Round Robin",
			"daily_cap": 0,
			"same_branch_only": 0,
			"set_lead_owner": 0,
			"round_robin_last_agent": None,
			"assign_through_frappe": 0,
			**values,
		}
	)
	settings.set("agents", [{"user": user} for user in agents])
	settings.set(
		"recycle_rules",
		[
			{"lead_status": "Not Picked", "delay_minutes": 30, "max_recycles": 3, "active": 1},
			{"lead_status": "Missed", "delay_minutes": 30, "max_recycles": 3, "active": 1},
		],
	)
	settings.save()
	frappe.db.set_single_value(SETTINGS, "round_robin_last_agent", None)


CREATED_LEADS: list[str] = []


def not_picked_lead(name: str, agent: str = AGENT, minutes_ago: int = 40) -> str:
	"""A lead whose last call (by `agent`, `minutes_ago`) was Busy: status Not Picked. The job commits
	per batch, so every lead made here is deleted again by `cleanup_leads` after the test."""
	lead = make_lead(name).name
	CREATED_LEADS.append(lead)
	frappe.set_user(agent)
	make_call(lead, "busy", call_time=add_to_date(now_datetime(), minutes=-minutes_ago))
	frappe.set_user("Administrator")
	return lead


def open_assignees(lead: str) -> list[str]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lead", "reference_name": lead, "status": "Open"},
		pluck="allocated_to",
	)


def reassignments(lead: str) -> list[tuple]:
	return [
		tuple(row)
		for row in frappe.get_all(
			"Lead Reassignment",
			filters={"lead": lead},
			fields=["from_agent", "to_agent", "lead_status", "recycle_number"],
			order_by="creation",
			as_list=True,
		)
	]


class ReassignmentTestCase(CallTestCase):
	"""`run()` is called directly here; it commits per batch like it does in production, so each test
	deletes its leads and restores the settings afterwards."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cleanup_leads(frappe.get_all("Lead", filters={"lead_name": ("like", "CSC %")}, pluck="name"))

	def setUp(self):
		super().setUp()
		configure()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		cleanup_leads(CREATED_LEADS)
		CREATED_LEADS.clear()
		configure(auto_reassign_enabled=0)
		frappe.db.commit()
