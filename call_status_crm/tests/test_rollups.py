"""Roll-ups (DESIGN.md §11): every report gives the same rows from the roll-ups as from the calls, across
filters and groupings; edits, deletes and moved calls keep the roll-ups exact; a rebuild equals what the
changes built; `verify` names the rows that differ."""

import datetime

import frappe
from frappe.utils import add_days, add_to_date

from call_status_crm import dashboard, rollups
from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.core.rollups import METRICS
from call_status_crm.rollup_reports import calls_by_status as rollup_reports_calls_by_status
from call_status_crm.rollup_reports import from_calls
from call_status_crm.tests.report_cases import CAMPAIGN, CallReportsTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, AGENT_3, make_call, make_employee, make_lead

OTHER_CAMPAIGN = "CSC Rollup Campaign"
OTHER_BRANCH = "CSC Rollup Branch"
REPORTS = {
	"Call Status Summary": (call_status_summary.execute, "period", ("Daily", "Weekly", "Monthly")),
	"Agent Call Performance": (agent_call_performance.execute, None, (None,)),
	"Campaign Call Performance": (campaign_call_performance.execute, "group_by", ("Campaign", "Tag")),
	"Missed Call Service Level": (missed_call_service_level.execute, "group_by", ("Day", "Agent", "Branch")),
}


def at(day, hour: float) -> datetime.datetime:
	return add_to_date(datetime.datetime.combine(day, datetime.time()), hours=hour)


def stored_rows() -> tuple[list, list]:
	rollups.flush()  # what this transaction changed (written just before a commit)
	daily = frappe.db.sql(
		f"""SELECT grain, day, agent, branch, department, campaign, direction, call_status, outcome,
		{", ".join(METRICS)} FROM `{rollups.DAILY}` ORDER BY row_key"""
	)
	leads = frappe.db.sql(f"SELECT * FROM `{rollups.LEADS}` ORDER BY row_key")
	return list(daily), list(leads)


class TestRollups(CallReportsTestCase):
	"""The seven calls of `CallReportsTestCase` and five more: another campaign, no campaign, another agent
	with a branch, and a lead called before, inside and after a range (a lead row whose first and last calls
	lie on either side of the range)."""

	def setUp(self):
		super().setUp()
		frappe.flags.call_reports_from_calls = False
		self.first, self.last = add_days(self.day, -3), add_days(self.day, 12)
		# what other tests committed on this site counts too: start from a rebuild (rolled back after)
		rollups.rebuild(add_days(self.first, -30), add_days(self.last, 30))
		if not frappe.db.exists("Campaign", OTHER_CAMPAIGN):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": OTHER_CAMPAIGN}).insert()
		make_employee(AGENT_3, OTHER_BRANCH)
		l1, _l2, l3 = self.leads
		spread = make_lead("CSC Rollup Spread Lead").name
		for lead, status, agent, day, hour, values in (
			(l1, "called", AGENT_3, self.day, 15, {"campaign": OTHER_CAMPAIGN, "duration": 45}),
			(l3, "busy", AGENT_3, add_days(self.day, 2), 9, {"campaign": OTHER_CAMPAIGN}),
			(spread, "qualified", AGENT, add_days(self.day, -2), 9, {"duration": 10}),
			(spread, "busy", AGENT_2, add_days(self.day, 1), 16, {}),
			(spread, "no_answer", AGENT_2, add_days(self.day, 9), 16, {}),
		):
			make_call(lead, status, agent=agent, call_time=at(day, hour), **values)
		# a call with no campaign (the spread lead has none)
		self.assertIsNone(frappe.db.get_value("Lead Call Log", {"lead": spread}, "campaign"))
		rollups.flush()  # the roll-ups are written just before a commit: as if committed

	def tearDown(self):
		frappe.flags.call_reports_from_calls = False
		super().tearDown()

	def ranges(self):
		day = self.day
		return (
			(self.first, self.last),
			(day, add_days(day, 5)),
			(add_days(day, 1), add_days(day, 4)),  # the spread lead: called before, inside and after
			(add_days(day, 2), add_days(day, 4)),  # … and here before and after only
			(add_days(day, 6), add_days(day, 8)),  # no calls at all
		)

	def filter_sets(self):
		return (
			{},
			{"campaign": CAMPAIGN},
			{"campaign": OTHER_CAMPAIGN},
			{"agent": AGENT},
			{"agent": AGENT_3, "campaign": OTHER_CAMPAIGN},
			{"branch": OTHER_BRANCH},
			{"direction": "Incoming"},
			{"call_status": "busy"},
			{"tag": "csc-hot"},
		)

	def assertSameReports(self, user: str = "Administrator", ranges=None, filter_sets=None):
		checked = 0
		for from_date, to_date in ranges or self.ranges():
			for extra in filter_sets or self.filter_sets():
				for report, (execute, choice, values) in REPORTS.items():
					for value in values:
						filters = {"from_date": from_date, "to_date": to_date, **extra}
						if choice:
							filters[choice] = value
						frappe.set_user(user)
						try:
							expected = from_calls(lambda f=filters, e=execute: e(dict(f)))
							actual = execute(dict(filters))
						finally:
							frappe.set_user("Administrator")
						with self.subTest(report=report, filters=filters, user=user):
							self.assertEqual(actual, expected)
						checked += 1
		return checked

	def test_every_report_gives_the_same_rows_from_the_rollups_as_from_the_calls(self):
		# the matrix has rows to compare: not every report is empty
		rows = agent_call_performance.execute({"from_date": self.first, "to_date": self.last})[1]
		self.assertEqual(
			{(row.agent, row.calls) for row in rows if row.agent in (AGENT, AGENT_2, AGENT_3)},
			{(AGENT, 5), (AGENT_2, 5), (AGENT_3, 2)},
		)
		self.assertEqual(self.assertSameReports(), 5 * 9 * 9)

	def test_an_agent_sees_the_same_own_rows_from_the_rollups(self):
		self.assertSameReports(user=AGENT)
		rows = agent_call_performance.execute({"from_date": self.first, "to_date": self.last})[1]
		frappe.set_user(AGENT)
		own = agent_call_performance.execute({"from_date": self.first, "to_date": self.last})[1]
		self.assertEqual([row.agent for row in own], [AGENT])
		self.assertEqual(own[0], next(row for row in rows if row.agent == AGENT))

	def test_campaign_leads_come_from_the_lead_rollup(self):
		"""Leads called and picked up per campaign, exact where a lead's first and last calls lie on either
		side of the range."""
		day = self.day

		def leads(from_date, to_date):
			data = campaign_call_performance.execute(
				{"from_date": from_date, "to_date": to_date, "group_by": "Campaign"}
			)[1]
			return {row.group_value: (row.leads_called, row.leads_picked_up, row.calls) for row in data}

		not_set = "Not set"
		self.assertEqual(leads(add_days(day, 1), add_days(day, 4))[not_set], (1, 0, 1))
		self.assertNotIn(not_set, leads(add_days(day, 2), add_days(day, 4)))
		self.assertEqual(leads(add_days(day, -2), add_days(day, 9))[not_set], (1, 1, 3))
		self.assertEqual(leads(add_days(day, 2), add_days(day, 4))[OTHER_CAMPAIGN], (1, 0, 1))

	def test_edits_deletes_and_moved_calls_keep_the_rollups_exact(self):
		self.assertEqual(rollups.verify(self.first, self.last), [])
		other = make_lead("CSC Rollup Other Lead").name
		call = frappe.get_doc("Lead Call Log", self.calls["busy"])
		for change in (
			{"call_status": "called", "duration": 75},  # status, outcome, connected, talk time
			{"duration": 0},
			{"agent": AGENT_3},  # another agent: another branch
			{"campaign": OTHER_CAMPAIGN},
			{"call_time": at(add_days(self.day, 3), 10)},  # another day
			{"lead": other},  # moved to another lead
			{"follow_up_at": add_days(frappe.utils.now_datetime(), 2), "call_status": "follow_up"},
			{"note": "only the note"},
		):
			call.reload()
			call.update(change)
			call.save()
			with self.subTest(change=change):
				self.assertEqual(rollups.verify(self.first, self.last), [])
				self.assertSameReports(ranges=self.ranges()[:1], filter_sets=self.filter_sets()[:5])
		frappe.delete_doc("Lead Call Log", call.name)
		frappe.delete_doc("Lead Call Log", self.calls["missed_l2"])
		self.assertEqual(rollups.verify(self.first, self.last), [])
		self.assertSameReports()

	def test_a_rebuild_equals_what_the_changes_built(self):
		frappe.delete_doc("Lead Call Log", self.calls["called"])
		incremental = stored_rows()
		result = rollups.rebuild(add_days(self.first, -30), add_days(self.last, 30))
		self.assertEqual(stored_rows(), incremental)
		self.assertEqual(result["days"], (self.last - self.first).days + 61)
		# a rebuild of a few days leaves the others as they were
		rollups.rebuild(self.day, add_days(self.day, 1))
		self.assertEqual(stored_rows(), incremental)

	def test_verify_names_the_rows_that_differ(self):
		frappe.db.sql(
			f"""UPDATE `{rollups.DAILY}` SET calls = calls + 2
			WHERE grain = 'C' AND day = %s AND campaign = %s AND call_status = 'busy'""",
			(self.day, CAMPAIGN),
		)
		frappe.db.sql(f"DELETE FROM `{rollups.LEADS}` WHERE lead = %s", self.leads[2])
		rows = rollups.verify(self.first, self.last)
		daily = [row for row in rows if row["table"] == "daily"]
		self.assertEqual(
			[(r["grain"], r["day"], r["campaign"], r["call_status"]) for r in daily],
			[("C", self.day, CAMPAIGN, "busy")],
		)
		self.assertEqual((daily[0]["expected"]["calls"], daily[0]["actual"]["calls"]), (1, 3))
		leads = [row for row in rows if row["table"] == "lead"]
		self.assertEqual(
			sorted((r["lead"], r["campaign"], r["actual"]) for r in leads),
			sorted([(self.leads[2], CAMPAIGN, None), (self.leads[2], OTHER_CAMPAIGN, None)]),
		)
		self.assertEqual({r["expected"]["calls"] for r in leads}, {2, 1})
		rollups.rebuild(self.first, self.last)
		self.assertEqual(rollups.verify(self.first, self.last), [])

	def test_the_workspace_widgets_count_the_same_from_the_rollups(self):
		today = frappe.utils.getdate()
		lead = make_lead("CSC Rollup Today Lead").name
		make_call(lead, "called", agent=AGENT, duration=20, call_time=add_to_date(None, minutes=-5))
		make_call(lead, "busy", agent=AGENT_2, call_time=add_to_date(None, minutes=-4))
		rollups.rebuild(frappe.utils.get_first_day(today), today)
		for user in ("Administrator", AGENT):
			frappe.set_user(user)
			with self.subTest(user=user):
				self.assertIsNotNone(dashboard.rollup_scope())
				self.assertEqual(
					dashboard.get_calls_by_status(), from_calls(lambda: dashboard.get_calls_by_status())
				)
				self.assertEqual(
					dashboard.get_connect_rate_today(), from_calls(lambda: dashboard.get_connect_rate_today())
				)
		frappe.set_user("Administrator")
		self.assertTrue({"called", "busy"} <= set(rollup_reports_calls_by_status(today, today)))

	def test_a_renamed_campaign_and_a_merged_lead_keep_the_rollups_exact(self):
		renamed = frappe.rename_doc("Campaign", OTHER_CAMPAIGN, "CSC Rollup Renamed", force=True)
		self.assertEqual(frappe.db.count("Lead Call Log", {"campaign": renamed}), 2)
		self.assertEqual(rollups.verify(self.first, self.last), [])
		l1, l2, _l3 = self.leads
		frappe.rename_doc("Lead", l2, l1, merge=True, force=True)
		self.assertEqual(rollups.verify(self.first, self.last), [])
		self.assertSameReports(ranges=self.ranges()[:1], filter_sets=self.filter_sets()[:3])

	def test_a_call_undone_by_a_rollback_to_a_savepoint_counts_for_nothing(self):
		"""The roll-ups are written just before the commit, from the calls as they are then: what a job
		rolled back to a savepoint (as the stale-call job does per call) is not counted."""
		before = stored_rows()
		frappe.db.savepoint("csc_rollup")
		make_call(self.leads[0], "busy", agent=AGENT, call_time=at(self.day, 17), campaign=CAMPAIGN)
		call = frappe.get_doc("Lead Call Log", self.calls["called"])
		call.duration = 500
		call.save()
		frappe.db.rollback(save_point="csc_rollup")
		self.assertEqual(stored_rows(), before)
		self.assertEqual(rollups.verify(self.first, self.last), [])
