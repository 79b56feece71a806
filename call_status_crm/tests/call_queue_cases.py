"""Shared by the call queue's and callbacks' tests: the settings they read, leads assigned to agents,
callbacks made due, and two agents asking at the same moment on two database connections."""

from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.settings import SETTINGS
from call_status_crm.tests.cases import CallTestCase, CommittedCallTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, make_call, make_lead

LINK_CONVERSATIONS = "erpnext.telephony.doctype.call_log.call_log.link_existing_conversations"
QUEUE_SETTINGS = {
	"calling_rules_enabled": 0,
	"callback_grace_minutes": 60,
	"max_open_callbacks_per_agent": 0,
	"queue_reservation_minutes": 5,
	"agent_role": "Call Agent",
}
RECYCLE_RULES = [
	{"lead_status": "Not Picked", "delay_minutes": 30, "max_recycles": 3, "active": 1},
	{"lead_status": "Missed", "delay_minutes": 30, "max_recycles": 3, "active": 1},
]


def configure(agents=(AGENT, AGENT_2, AGENT_3), **values) -> None:
	"""The queue's settings: calling rules off, grace 60, no cap, the pool and the recycle rules."""
	settings = frappe.get_single(SETTINGS)
	settings.update({**QUEUE_SETTINGS, **values})
	settings.set("agents", [{"user": user} for user in agents])
	settings.set("recycle_rules", RECYCLE_RULES)
	settings.save()


def snapshot_settings() -> dict:
	settings = frappe.get_single(SETTINGS)
	return {
		**{field: settings.get(field) for field in (*QUEUE_SETTINGS, "auto_reassign_enabled")},
		"agents": [row.user for row in settings.agents],
		"recycle_rules": [
			{field: row.get(field) for field in ("lead_status", "delay_minutes", "max_recycles", "active")}
			for row in settings.recycle_rules
		],
	}


def restore_settings(before: dict) -> None:
	settings = frappe.get_single(SETTINGS)
	settings.update({key: value for key, value in before.items() if key not in ("agents", "recycle_rules")})
	settings.set("agents", [{"user": user} for user in before["agents"]])
	settings.set("recycle_rules", before["recycle_rules"])
	settings.save()
	frappe.db.commit()


def assign(lead: str, user: str) -> str:
	"""An open assignment (ToDo) of the lead to the agent, as Frappe's Assign To makes."""
	return (
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": "Lead",
				"reference_name": lead,
				"description": "CSC queue test",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def callback(lead: str, agent: str, kind: str | None, due_minutes_ago: int = 5, **values) -> str:
	"""A Follow up call by `agent` with a callback of `kind`, then made due `due_minutes_ago` (a follow-up
	cannot be set in the past: the time is moved in the database, as the clock would)."""
	frappe.set_user(agent)
	call = make_call(
		lead,
		"follow_up",
		duration=30,
		follow_up_at=add_to_date(now_datetime(), hours=2),
		callback_type=kind,
		**values,
	)
	frappe.set_user("Administrator")
	frappe.db.set_value(
		"Lead Call Log",
		call.name,
		"follow_up_at",
		add_to_date(now_datetime(), minutes=-due_minutes_ago),
		update_modified=False,
	)
	return call.name


def busy_lead(name: str, agent: str, minutes_ago: int) -> str:
	"""A lead whose last call (Busy, by `agent`) was `minutes_ago`: Not Picked."""
	lead = make_lead(name).name
	frappe.set_user(agent)
	make_call(lead, "busy", call_time=add_to_date(now_datetime(), minutes=-minutes_ago))
	frappe.set_user("Administrator")
	return lead


class QueueTestCase(CallTestCase):
	"""Rolled back per test, with the queue's settings and no Contact linking (ERPNext commits then)."""

	def setUp(self):
		super().setUp()
		linker = patch(LINK_CONVERSATIONS, lambda doc, method=None: None)
		linker.start()
		self.addCleanup(linker.stop)
		configure()


class CommittedQueueTestCase(CommittedCallTestCase):
	"""For requests and threads: the settings are committed, and put back after each test."""

	def setUp(self):
		super().setUp()
		before = snapshot_settings()
		self.addCleanup(restore_settings, before)
		configure()
		frappe.db.commit()

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.delete("ToDo", {"description": "CSC queue test"})
		for user in (AGENT, AGENT_2, AGENT_3):
			frappe.cache.delete_value(f"call_status_crm:call_queue_skips:{user}")
		super().tearDown()
