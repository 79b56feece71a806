"""What a reassignment run writes and how runs are guarded: a call logged after selection wins, the same
records as Frappe's `assign_to`, a cancelled follow-up, a failing lead isolated from its batch, the lock,
the scheduler's deduplicated job, and two real RQ workers at once."""

import json
import subprocess
import sys
from unittest.mock import patch

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import add_to_date, get_bench_path, now_datetime

from call_status_crm import recycling
from call_status_crm.jobs import reassignment
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.reassignment_cases import (
	SETTINGS,
	ReassignmentTestCase,
	configure,
	not_picked_lead,
	open_assignees,
	reassignments,
)
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, cleanup_leads, make_call


class TestReassignmentJobRuns(ReassignmentTestCase):
	def test_a_call_logged_after_selection_wins(self):
		lead = not_picked_lead("CSC Race Lead")
		settings = frappe.get_single(SETTINGS)
		[candidate] = recycling.get_candidates([lead], settings)
		picker = recycling.make_picker(settings, now_datetime())
		# the agent calls again between selection and assignment
		frappe.set_user(AGENT)
		make_call(lead, "no_answer", call_time=add_to_date(now_datetime(), minutes=-1))
		frappe.set_user("Administrator")
		self.assertEqual(
			reassignment.reassign_batch([candidate], picker, settings, now_datetime())[lead],
			"skipped_changed",
		)
		self.assertEqual(open_assignees(lead), [])
		self.assertEqual(reassignments(lead), [])

	def test_writes_what_frappes_assign_to_writes(self):
		"""The batch writer, and the setting that assigns through Frappe's own `assign_to`, against a twin
		lead re-assigned by hand with `assign_to`: the same ToDos, `_assign`, timeline lines and
		notifications (names aside)."""
		configure(agents=(AGENT, AGENT_2))
		description = _("Re-assigned lead ({0}): please call again").format(_("Not Picked"))
		lead, twin = not_picked_lead("CSC Bulk Lead"), not_picked_lead("CSC Twin Lead")
		for name in (lead, twin):
			assign_to.add({"assign_to": [AGENT], "doctype": "Lead", "name": name, "description": "first"})
		frappe.db.commit()
		assign_to.remove("Lead", twin, AGENT)
		assign_to.add({"assign_to": [AGENT_2], "doctype": "Lead", "name": twin, "description": description})
		frappe.db.commit()
		# the twin is now assigned to AGENT_2 as well, so the job leaves it alone (never the current agent)
		self.assertEqual(reassignment.run()["reassigned"], 1)
		# the same through Frappe's assign_to, a lead at a time
		configure(agents=(AGENT, AGENT_2), assign_through_frappe=1)
		by_frappe = not_picked_lead("CSC Frappe Lead")
		assign_to.add({"assign_to": [AGENT], "doctype": "Lead", "name": by_frappe, "description": "first"})
		frappe.db.commit()
		self.assertEqual(reassignment.run()["reassigned"], 1)

		def written(name):
			lead_name = frappe.db.get_value("Lead", name, "lead_name")
			todos = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Lead", "reference_name": name},
				fields=["status", "priority", "date", "allocated_to", "description", "assigned_by"],
				order_by="creation, status",
			)
			comments = frappe.get_all(
				"Comment",
				filters={
					"reference_doctype": "Lead",
					"reference_name": name,
					"comment_type": ("in", ("Assigned", "Assignment Completed")),
				},
				fields=["comment_type", "comment_email", "content"],
				order_by="creation, comment_type",
			)
			notifications = frappe.get_all(
				"Notification Log",
				filters={"document_type": "Lead", "document_name": name},
				fields=["for_user", "from_user", "type", "subject", "email_content", "read"],
				order_by="creation, for_user",
			)
			for row in notifications:
				row.subject = row.subject.replace(lead_name, "<title>")

			def rows(found):  # rows written in one statement share their creation time: compare as sets
				return sorted((dict(row) for row in found), key=lambda row: [str(v) for v in row.values()])

			return (
				rows(todos),
				json.loads(frappe.db.get_value("Lead", name, "_assign")),
				rows(comments),
				rows(notifications),
			)

		self.assertEqual(written(lead), written(twin))
		self.assertEqual(written(by_frappe), written(twin))
		self.assertEqual(written(lead)[1], [AGENT_2])
		self.assertEqual([row["status"] for row in written(lead)[0]], ["Cancelled", "Open"])
		self.assertEqual(
			len(written(lead)[3]), 3
		)  # assigned to AGENT, removed from AGENT, assigned to AGENT_2
		assignment = frappe.db.get_value("Lead Reassignment", {"lead": lead}, "assignment")
		self.assertEqual(
			frappe.db.get_value("ToDo", assignment, ["allocated_to", "status"]), (AGENT_2, "Open")
		)

	def test_a_cancelled_follow_up_shows_on_its_call(self):
		lead = not_picked_lead("CSC Follow Lead")
		frappe.set_user(AGENT)
		call = make_call(
			lead,
			"busy",
			call_time=add_to_date(now_datetime(), minutes=-35),
			follow_up_at=add_to_date(now_datetime(), days=1),
		)
		frappe.set_user("Administrator")
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_status"), "Open")
		self.assertEqual(reassignment.run()["reassigned"], 1)
		self.assertEqual(frappe.db.get_value("Lead Call Log", call.name, "follow_up_status"), "Cancelled")
		self.assertEqual(open_assignees(lead), [AGENT_2])

	def test_a_failing_lead_is_logged_and_the_rest_of_its_batch_goes_through(self):
		leads = [not_picked_lead(f"CSC Batch Lead {i}", minutes_ago=50 - i) for i in range(3)]
		frappe.db.commit()
		real_insert = reassignment.insert

		def failing_insert(doctype, now, values, names=None):
			if doctype == "Lead Reassignment" and leads[1] in values["lead"]:
				raise frappe.ValidationError("simulated failure")
			return real_insert(doctype, now, values, names)

		with patch.object(reassignment, "insert", failing_insert):
			summary = reassignment.run()
		self.assertEqual((summary["reassigned"], summary["failed"]), (2, 1))
		self.assertEqual([len(reassignments(lead)) for lead in leads], [1, 0, 1])
		# nothing of the failed lead is half-written; round robin went on as if it had not been picked
		self.assertEqual(open_assignees(leads[1]), [])
		self.assertEqual([open_assignees(leads[0]), open_assignees(leads[2])], [[AGENT_2], [AGENT_3]])
		self.assertTrue(frappe.db.exists("Error Log", {"reference_name": leads[1]}))
		frappe.db.delete("Error Log", {"reference_name": leads[1]})
		frappe.db.commit()

	def test_a_run_holding_the_lock_keeps_a_second_run_out(self):
		lead = not_picked_lead("CSC Lock Lead")
		frappe.db.commit()
		with self.secondary_connection():
			self.assertTrue(reassignment.acquire_lock())
			try:
				with self.primary_connection():
					self.assertEqual(reassignment.run()["reassigned"], 0)
					self.assertEqual(reassignments(lead), [])
			finally:
				reassignment.release_lock()
		self.assertEqual(reassignment.run()["reassigned"], 1)

	def test_scheduler_dispatches_one_deduplicated_job_only_when_enabled(self):
		from frappe.utils.background_jobs import get_queue, is_job_enqueued

		queue = get_queue("long")
		job_id = f"{frappe.local.site}::{reassignment.JOB_ID}"

		def delete_job():
			if job := queue.fetch_job(job_id):
				job.delete()

		delete_job()
		self.addCleanup(delete_job)
		configure(auto_reassign_enabled=0)
		reassignment.enqueue()
		self.assertFalse(is_job_enqueued(reassignment.JOB_ID))
		configure(auto_reassign_enabled=1)
		reassignment.enqueue()
		reassignment.enqueue()
		self.assertTrue(is_job_enqueued(reassignment.JOB_ID))
		self.assertEqual([job.id for job in queue.get_jobs()].count(job_id), 1)


class TestReassignmentThroughWorkers(CallTestCase):
	"""Runs through real RQ workers on the bench's Redis: two overlapping runs never double-assign."""

	def test_two_workers_running_at_once_assign_each_lead_once(self):
		from frappe.utils.background_jobs import get_queue

		configure()
		leads = [not_picked_lead(f"CSC Worker Lead {i}", minutes_ago=40 + i) for i in range(6)]
		frappe.db.commit()
		self.addCleanup(cleanup_leads, list(leads))
		self.addCleanup(lambda: (configure(auto_reassign_enabled=0), frappe.db.commit()))

		queue = get_queue("long")
		for job_id in (reassignment.JOB_ID, reassignment.JOB_ID):
			frappe.enqueue(reassignment.__name__ + ".run", queue="long", job_id=job_id, deduplicate=True)
		jobs = [job for job in queue.get_jobs() if job.id.endswith(reassignment.JOB_ID)]
		self.assertEqual(len(jobs), 1, "the deduplicated dispatch queued one job")
		# a second run queued under another id (as "Run now" racing the scheduler could) must not double-assign
		frappe.enqueue(reassignment.__name__ + ".run", queue="long", job_id="csc-test-second-run")

		sites = get_bench_path() + "/sites"
		worker = [
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"worker",
			"--queue",
			"long",
			"--burst",
		]
		workers = [
			subprocess.Popen(worker, cwd=sites, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
			for _ in range(2)
		]
		outputs = [w.communicate(timeout=300)[0].decode() for w in workers]
		for w, out in zip(workers, outputs, strict=True):
			self.assertEqual(w.returncode, 0, out)

		frappe.db.rollback()  # a fresh snapshot: see what the workers committed
		for lead in leads:
			self.assertEqual(len(reassignments(lead)), 1, lead)
			self.assertEqual(len(open_assignees(lead)), 1, lead)
		self.assertEqual(frappe.db.exists("Error Log", {"reference_name": ("in", leads)}), None)
