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

	def test_call_backs_committed_at_once_keep_the_rollups_exact(self):
		"""Call backs of one lead's missed call, of another's, of an unknown caller (lead-less, from two
		connections) and an edit of a missed call, at once: every call-back time ends in the roll-up."""
		from call_status_crm.tests.inbound_cases import new_number
		from call_status_crm.tests.utils import AGENT

		first, second = self.new_lead("CSC Rollup Callback 1"), self.new_lead("CSC Rollup Callback 2")
		phone = new_number()
		frappe.set_user(AGENT)
		missed = {
			key: make_call(lead, "missed", direction="Incoming", call_time=minutes_ago(30), **values).name
			for key, lead, values in (
				("first", first, {}),
				("second", second, {}),
				("unknown", None, {"phone": phone}),
			)
		}
		frappe.db.commit()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Lead Call Log", missed["unknown"], "unknown_caller"), 1)

		def back(lead, minutes, **values):
			return lambda: make_call(lead, "busy", call_time=minutes_ago(minutes), **values)

		def move_second():  # as the app edits a call: the Lead's lock first (a desk save takes the call's)
			from call_status_crm.calls import update_call

			frappe.set_user("Administrator")
			return update_call(missed["second"], {"call_time": minutes_ago(25)}, ignore_permissions=False)

		_names, errors = save_at_once(
			back(first, 10),
			back(first, 5),
			back(second, 20),
			back(None, 8, phone=phone),
			back(None, 3, phone=phone),
			move_second,
		)
		self.assertEqual(errors, [])
		frappe.db.rollback()
		waits = {
			key: frappe.db.get_value("Lead Call Log", name, ["call_time", "called_back_at"])
			for key, name in missed.items()
		}
		# each missed call has its first call back, whichever connection committed first
		key = frappe.db.get_value("Lead Call Log", missed["unknown"], "phone_key")
		for missed_key, where in (
			("first", {"lead": first}),
			("second", {"lead": second}),
			("unknown", {"lead": ("is", "not set"), "phone_key": key}),
		):
			[first_back] = frappe.get_all(
				"Lead Call Log",
				{**where, "direction": "Outgoing"},
				pluck="call_time",
				order_by="call_time",
				limit=1,
			)
			self.assertEqual(waits[missed_key][1], first_back, missed_key)
		day = getdate(minutes_ago(30))
		self.assertEqual(rollups.verify(day, getdate()), [])

	def test_only_a_manager_may_rebuild_from_the_settings(self):
		for client, code in ((self.agent, 403), (self.guest, 403)):
			response = client.post("/api/method/call_status_crm.jobs.rollups.rebuild_now", {})
			with self.subTest(code=code):
				self.assertEqual(response.status_code, code, response.text)
		from frappe.utils.background_jobs import is_job_enqueued

		from call_status_crm.jobs.rollups import JOB_ID

		self.assertFalse(is_job_enqueued(JOB_ID))
