import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_to_date, now_datetime

from call_status_crm.jobs import follow_ups, stale_calls
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import AGENT, make_call


class TestStaleCalls(CommittedCallTestCase):
	"""The jobs commit like they do in production: each test deletes its lead afterwards."""

	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Stale Lead")

	def test_in_progress_calls_past_the_timeout_are_closed(self):
		old = make_call(
			self.lead, "in_progress", source="Dialler", call_time=add_to_date(now_datetime(), minutes=-90)
		)
		recent = make_call(
			self.lead, "in_progress", source="Dialler", call_time=add_to_date(now_datetime(), minutes=-20)
		)
		with change_settings("Call Status CRM Settings", {"stale_call_minutes": 60}, commit=True):
			self.assertEqual(stale_calls.run(), {"closed": 1, "failed": 0})
		old.reload()
		recent.reload()
		self.assertEqual((old.call_status, old.outcome), ("post_processing_incomplete", "Failed"))
		self.assertEqual(recent.call_status, "in_progress")
		self.assertEqual(frappe.db.get_value("Lead", self.lead, "last_call_status"), "in_progress")

	def test_timeout_zero_closes_nothing(self):
		make_call(self.lead, "in_progress", source="Dialler", call_time=add_to_date(now_datetime(), hours=-5))
		with change_settings("Call Status CRM Settings", {"stale_call_minutes": 0}, commit=True):
			self.assertEqual(stale_calls.run(), {"closed": 0, "failed": 0})


class TestFollowUpReminders(CommittedCallTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Reminder Lead")

	def notifications(self) -> int:
		return frappe.db.count(
			"Notification Log", {"for_user": AGENT, "document_type": "Lead", "document_name": self.lead}
		)

	def test_due_follow_ups_are_reminded_once(self):
		frappe.set_user(AGENT)
		call = make_call(self.lead, "follow_up", follow_up_at=add_to_date(now_datetime(), minutes=10))
		later = make_call(
			self.lead,
			"follow_up",
			follow_up_at=add_to_date(now_datetime(), days=2),
			call_time=add_to_date(now_datetime(), minutes=-1),
		)
		frappe.set_user("Administrator")
		self.assertEqual(follow_ups.run(), {"reminded": 1})
		self.assertEqual(self.notifications(), 1)
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_reminded"), 1)
		self.assertEqual(frappe.db.get_value("Lead Call Log", later.name, "follow_up_reminded"), 0)
		self.assertEqual(follow_ups.run(), {"reminded": 0})
		self.assertEqual(follow_ups.run(add_to_date(now_datetime(), days=2)), {"reminded": 1})

	def test_closed_follow_ups_are_not_reminded(self):
		frappe.set_user(AGENT)
		call = make_call(self.lead, "follow_up", follow_up_at=add_to_date(now_datetime(), minutes=5))
		frappe.set_user("Administrator")
		frappe.db.set_value("ToDo", call.follow_up, "status", "Closed")
		self.assertEqual(follow_ups.run(), {"reminded": 0})
