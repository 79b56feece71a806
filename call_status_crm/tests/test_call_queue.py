"""The call queue's order, what the calling rules block, reservations and skips (DESIGN.md §9), on the
database: the service `call_queue` as an agent's requests call it."""

from datetime import timezone

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from call_status_crm import call_queue
from call_status_crm.core.call_queue import (
	ANYONE,
	ANYONE_CALLBACK,
	NEVER_CALLED,
	PERSONAL,
	PERSONAL_CALLBACK,
	RECYCLED,
)
from call_status_crm.do_not_call import add_number
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.call_queue_cases import QueueTestCase, assign, busy_lead, callback, configure
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, make_lead


def queue_of(user: str, limit: int = 20) -> list[tuple[str, str]]:
	return [(c.lead, c.reason) for c in call_queue.build_queue(user, limit).offered]


class TestCallQueueOrder(QueueTestCase):
	def setUp(self):
		super().setUp()
		self.never = make_lead("CSC Queue Never").name
		assign(self.never, AGENT)
		self.recycled = busy_lead("CSC Queue Recycled", AGENT, minutes_ago=40)
		assign(self.recycled, AGENT)
		self.older = busy_lead("CSC Queue Older", AGENT, minutes_ago=300)
		assign(self.older, AGENT)
		self.fresh = busy_lead("CSC Queue Fresh", AGENT, minutes_ago=10)  # its 30 minutes are not over
		assign(self.fresh, AGENT)
		self.personal_lead = make_lead("CSC Queue Personal").name
		self.personal = callback(self.personal_lead, AGENT, PERSONAL, due_minutes_ago=5)
		self.anyone_lead = make_lead("CSC Queue Anyone").name
		self.anyone = callback(self.anyone_lead, AGENT_2, ANYONE, due_minutes_ago=10)
		self.other_lead = make_lead("CSC Queue Other's").name
		self.other = callback(self.other_lead, AGENT_2, PERSONAL, due_minutes_ago=15)
		self.later_lead = make_lead("CSC Queue Later").name
		callback(self.later_lead, AGENT, PERSONAL, due_minutes_ago=-30)  # due in 30 minutes

	def test_callbacks_then_anyone_then_assigned_by_last_contact(self):
		self.assertEqual(
			queue_of(AGENT),
			[
				(self.personal_lead, PERSONAL_CALLBACK),
				(self.anyone_lead, ANYONE_CALLBACK),
				(self.never, NEVER_CALLED),
				(self.older, RECYCLED),
				(self.recycled, RECYCLED),
			],
		)

	def test_another_agents_personal_callback_is_theirs_alone(self):
		self.assertEqual(
			queue_of(AGENT_2),
			[(self.other_lead, PERSONAL_CALLBACK), (self.anyone_lead, ANYONE_CALLBACK)],
		)
		self.assertEqual(queue_of(AGENT_3), [(self.anyone_lead, ANYONE_CALLBACK)])

	def test_anyone_callbacks_only_for_the_pool(self):
		configure(agents=(AGENT, AGENT_2))
		self.assertEqual(queue_of(AGENT_3), [])

	def test_a_callback_is_done_once_the_lead_is_called_again(self):
		frappe.set_user(AGENT)
		frappe.get_doc(
			{
				"doctype": "Lead Call Log",
				"lead": self.personal_lead,
				"call_status": "busy",
				"direction": "Outgoing",
				"call_time": now_datetime(),
			}
		).insert()
		frappe.set_user("Administrator")
		self.assertNotIn(self.personal_lead, [lead for lead, _reason in queue_of(AGENT)])

	def test_exhausted_and_protected_leads_are_not_due(self):
		frappe.db.set_value("Lead", self.older, "recycle_due_at", None)  # its recycles are used up
		frappe.db.set_value("Lead", self.never, "status", "Converted")
		leads = [lead for lead, _reason in queue_of(AGENT)]
		self.assertNotIn(self.older, leads)
		self.assertNotIn(self.never, leads)
		self.assertIn(self.recycled, leads)

	def test_limit(self):
		self.assertEqual(len(queue_of(AGENT, limit=2)), 2)


class TestCallQueueRules(QueueTestCase):
	def setUp(self):
		super().setUp()
		self.open = make_lead("CSC Queue Open", call_timezone="UTC").name
		self.listed = make_lead("CSC Queue Listed", call_timezone="UTC", phone="+1 212 555 0188").name
		for lead in (self.open, self.listed):
			assign(lead, AGENT)
		add_number("+1 212 555 0188", "Manual")

	def set_rules(self, **values):
		frappe.db.set_single_value(
			SETTINGS,
			{
				"calling_rules_enabled": 1,
				"enforcement": "Block",
				"calling_window_start": "00:00:00",
				"calling_window_end": "23:59:59",
				"max_attempts_per_number_24h": 0,
				"calling_holiday_list": None,
				**{f"call_on_{day}": 1 for day in DAYS},
				**values,
			},
		)

	def test_blocked_leads_are_skipped_and_counted(self):
		self.set_rules()
		queue = call_queue.build_queue(AGENT, 10)
		self.assertEqual([c.lead for c in queue.offered], [self.open])
		self.assertEqual((queue.blocked, queue.blocked_by_reason), (1, {"dnc": 1}))
		self.assertIsNone(queue.next_opens_at)  # a listed number never opens

	def test_outside_the_window_says_when_it_opens(self):
		self.set_rules(**{f"call_on_{DAYS[utc_weekday()]}": 0})
		queue = call_queue.build_queue(AGENT, 10)
		self.assertEqual(queue.offered, [])
		self.assertEqual(queue.blocked_by_reason, {"outside_window": 2, "dnc": 1})
		self.assertGreater(get_datetime(queue.next_opens_at), now_datetime())


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def utc_weekday() -> int:
	from datetime import datetime

	return datetime.now(timezone.utc).weekday()


class TestReservations(QueueTestCase):
	def test_reserve_release_and_skip(self):
		lead = make_lead("CSC Queue Reserved").name
		assign(lead, AGENT)
		assign(lead, AGENT_2)
		now = now_datetime()
		self.assertTrue(call_queue.reserve(lead, AGENT, now))
		self.assertTrue(call_queue.reserve(lead, AGENT, now))  # one's own again: renewed
		self.assertFalse(call_queue.reserve(lead, AGENT_2, now))
		self.assertEqual(queue_of(AGENT_2), [])  # held by another agent: not offered
		self.assertTrue(call_queue.reserve(lead, AGENT_2, add_to_date(now, minutes=6)))  # the hold ran out
		call_queue.release(lead, AGENT)  # not AGENT's any more: nothing changes
		self.assertEqual(frappe.db.get_value("Lead", lead, "queue_reserved_by"), AGENT_2)
		call_queue.skip(lead, AGENT_2)
		self.assertIsNone(frappe.db.get_value("Lead", lead, "queue_reserved_by"))
		self.assertEqual(queue_of(AGENT_2), [])  # skipped: out of their queue for a while
		self.assertEqual(queue_of(AGENT), [(lead, NEVER_CALLED)])  # never out of anyone else's
		frappe.cache.delete_value(call_queue.skip_key(AGENT_2))

	def test_next_call_reserves_and_a_logged_call_releases(self):
		lead = make_lead("CSC Queue Next").name
		assign(lead, AGENT)
		frappe.set_user(AGENT)
		found = call_queue.next_call(AGENT)
		self.assertEqual((found["lead"], found["reason"], found["callback"]), (lead, NEVER_CALLED, None))
		self.assertEqual(frappe.db.get_value("Lead", lead, "queue_reserved_by"), AGENT)
		frappe.get_doc(
			{"doctype": "Lead Call Log", "lead": lead, "call_status": "busy", "direction": "Outgoing"}
		).insert()
		self.assertIsNone(frappe.db.get_value("Lead", lead, "queue_reserved_by"))
		self.assertEqual(call_queue.next_call(AGENT), {})  # Not Picked just now: nothing is due
