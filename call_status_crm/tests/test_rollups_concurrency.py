"""Roll-ups under concurrent calls (DESIGN.md §11): calls committed at once from several database
connections, on the same roll-up rows and the same lead, lose no update and do not deadlock; the settings'
rebuild button is refused to whoever may not use it."""

import frappe
from frappe.utils import add_days, getdate

from call_status_crm import rollups
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import make_call, minutes_ago, save_at_once

CAMPAIGN = "CSC Rollup Concurrency"


def campaign_row(day) -> tuple:
	"""(calls, connected) of the campaign's roll-up rows of the day, as committed."""
	frappe.db.rollback()
	calls, connected = frappe.db.sql(
		f"""SELECT SUM(calls), SUM(connected) FROM `{rollups.DAILY}`
		WHERE grain = 'C' AND day = %s AND campaign = %s""",
		(day, CAMPAIGN),
	)[0]
	return int(calls or 0), int(connected or 0)


class TestRollupsConcurrency(CommittedCallTestCase):
	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Campaign", CAMPAIGN):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN}).insert()
			frappe.db.commit()

	def test_calls_committed_at_once_add_up_without_deadlock(self):
		leads = [self.new_lead(f"CSC Rollup Concurrent {i}") for i in range(4)]
		day = getdate(minutes_ago(3))
		before = campaign_row(day)

		def log(lead, status, duration):
			return lambda: make_call(
				lead, status, campaign=CAMPAIGN, call_time=minutes_ago(3), duration=duration
			)

		# six connections: the same campaign rows, two of them on one lead (its lead row too)
		names, errors = save_at_once(
			log(leads[0], "called", 30),
			log(leads[0], "busy", 0),
			log(leads[1], "called", 40),
			log(leads[2], "busy", 0),
			log(leads[3], "called", 50),
			log(leads[3], "no_answer", 0),
		)
		self.assertEqual(errors, [])
		self.assertEqual(len(names), 6)
		self.assertEqual(campaign_row(day), (before[0] + 6, before[1] + 3))
		self.assertEqual(rollups.verify(add_days(day, -1), day), [])
		# edits and deletes (a locking read of their leads' calls) at once with new calls on the leads
		# next to them in the calls' lead index
		first = frappe.db.get_value("Lead Call Log", {"lead": leads[0], "call_status": "called"})
		second = frappe.db.get_value("Lead Call Log", {"lead": leads[1], "call_status": "called"})

		def as_admin(save):
			def run():
				frappe.set_user("Administrator")
				return save()

			return run

		_names, errors = save_at_once(
			as_admin(lambda: frappe.get_doc("Lead Call Log", first).update({"duration": 0}).save()),
			as_admin(lambda: frappe.delete_doc("Lead Call Log", second) or frappe._dict(name=second)),
			log(leads[2], "called", 20),
			log(leads[3], "busy", 0),
		)
		self.assertEqual(errors, [])
		self.assertEqual(campaign_row(day), (before[0] + 7, before[1] + 2))
		self.assertEqual(rollups.verify(add_days(day, -1), day), [])

	def test_only_a_manager_may_rebuild_from_the_settings(self):
		for client, code in ((self.agent, 403), (self.guest, 403)):
			response = client.post("/api/method/call_status_crm.jobs.rollups.rebuild_now", {})
			with self.subTest(code=code):
				self.assertEqual(response.status_code, code, response.text)
		from frappe.utils.background_jobs import is_job_enqueued

		from call_status_crm.jobs.rollups import JOB_ID

		self.assertFalse(is_job_enqueued(JOB_ID))
