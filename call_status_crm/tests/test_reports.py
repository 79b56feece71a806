"""The four call reports (DESIGN.md §6) on seeded calls: an agent sees only their own calls, also from the
desk with an Employee record; every shared filter narrows every report; bad filters are refused; reports
run on a read replica when the site has one."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days

from call_status_crm import rollups
from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.reports import InvalidReportFilterError
from call_status_crm.tests.report_cases import BRANCH, CAMPAIGN, CallReportsTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, MANAGER, make_employee

REPORTS = {
	"Call Status Summary": {"period": "Daily"},
	"Agent Call Performance": {},
	"Campaign Call Performance": {"group_by": "Campaign"},
	"Missed Call Service Level": {"group_by": "Branch"},
}


class TestCallReports(CallReportsTestCase):
	def test_an_agent_sees_only_their_own_calls(self):
		frappe.set_user(AGENT_2)
		_c, data, *_rest = agent_call_performance.execute(self.filters(agent=AGENT))
		self.assertEqual([(r.agent, r.calls) for r in data], [(AGENT_2, 3)])
		_c, data, *_rest = call_status_summary.execute(self.filters())
		self.assertEqual(sum(r["calls"] for r in data), 3)
		_c, data, *_rest = campaign_call_performance.execute(self.filters())
		self.assertEqual([(r.leads_called, r.calls) for r in data], [(1, 3)])
		_c, data, *_rest = missed_call_service_level.execute(self.filters())
		self.assertEqual([r.missed for r in data], [1])
		frappe.set_user(MANAGER)
		_c, data, *_rest = agent_call_performance.execute(self.filters())
		self.assertEqual(len(data), 2)

	def test_an_agent_with_an_employee_record_runs_every_report_from_the_desk(self):
		"""ERPNext's restricted agent (Employee with Branch and Department, User Permissions on Employee and
		Company, no permission on Branch or Department): Frappe's runner and the filters' searches work, and
		the agent sees exactly their own calls."""
		from frappe.desk.query_report import run
		from frappe.desk.search import search_link

		make_employee(AGENT_2, BRANCH)
		frappe.db.set_value(
			"Lead Call Log",
			{"name": ("in", list(self.calls.values()))},
			"branch",
			BRANCH,
			update_modified=False,
		)
		# that update bypassed the calls' controller, which keeps the roll-ups: recompute them as a bulk path does
		rollups.rebuild(self.day, add_days(self.day, 5))
		self.assertFalse(frappe.has_permission("Branch", "read", user=AGENT_2))
		frappe.set_user(AGENT_2)
		expected = {
			"Call Status Summary": [
				(self.day, 1, 1),
				(add_days(self.day, 1), 1, 0),
				(add_days(self.day, 5), 1, 0),
			],
			"Agent Call Performance": [(AGENT_2, BRANCH, 3)],
			"Campaign Call Performance": [(CAMPAIGN, 1, 3)],
			"Missed Call Service Level": [(BRANCH, 1, 1)],
		}
		for report, extra in REPORTS.items():
			with self.subTest(report=report):
				result = run(report, filters=self.filters(**extra))["result"]
				self.assertEqual([self.row_key(report, row) for row in result], expected[report])
		for doctype in ("User", "Campaign", "Tag", "Call Status"):
			self.assertIsInstance(search_link(doctype, ""), list)

	@staticmethod
	def row_key(report, row):
		if report == "Call Status Summary":
			return (row["period"], row["calls"], row["missed"])
		if report == "Agent Call Performance":
			return (row["agent"], row["branch"], row["calls"])
		if report == "Campaign Call Performance":
			return (row["group_value"], row["leads_called"], row["calls"])
		return (row["group_value"], row["missed"], row["called_back"])

	def test_filter_matrix(self):
		"""Every shared filter narrows every report to the expected number of calls."""
		expected_calls = {
			(): 7,
			(("agent", AGENT),): 4,
			(("direction", "Incoming"),): 2,
			(("direction", "Outgoing"),): 5,
			(("call_status", "called"),): 2,
			(("tag", "csc-hot"),): 2,
			(("branch", "CSC No Such Branch"),): 0,
			(("department", "CSC No Such Department"),): 0,
			(("agent", AGENT_2), ("direction", "Incoming")): 1,
		}
		for extra, calls in expected_calls.items():
			filters = self.filters(**dict(extra))
			with self.subTest(filters=extra):
				_c, data, *_rest = call_status_summary.execute({**filters, "period": "Weekly"})
				self.assertEqual(sum(r["calls"] for r in data), calls)
				_c, data, *_rest = agent_call_performance.execute(filters)
				self.assertEqual(sum(r.calls for r in data), calls)
				_c, data, *_rest = campaign_call_performance.execute(filters)
				self.assertEqual(sum(r.calls for r in data), calls)
				for group_by in ("Day", "Agent", "Branch"):
					missed_call_service_level.execute({**filters, "group_by": group_by})
		_c, data, *_rest = call_status_summary.execute(self.filters(to_date=self.day))
		self.assertEqual(sum(r["calls"] for r in data), 3)

	def test_bad_filters(self):
		with self.assertRaises(InvalidReportFilterError):
			call_status_summary.execute(self.filters(from_date=add_days(self.day, 6), to_date=self.day))
		with self.assertRaises(InvalidReportFilterError):
			call_status_summary.execute(self.filters(period="Hourly"))


class TestReportsOnTheReplica(FrappeTestCase):
	"""Reports declare Frappe's read-replica routing: on a site configured with a replica they run on the
	replica's connection (here a second connection to the same server), and the primary comes back after."""

	def test_every_report_runs_on_the_replica_connection(self):
		from unittest.mock import patch

		from call_status_crm import reports

		reports_to_run = (
			call_status_summary,
			agent_call_performance,
			campaign_call_performance,
			missed_call_service_level,
		)
		primary, seen = frappe.local.db, []  # the connection itself, not the proxy
		prepare = reports.prepare_filters

		def record(filters, report=None):
			seen.append(frappe.local.db)
			return prepare(filters, report)

		conf = {"read_from_replica": 1, "replica_host": frappe.conf.db_host or "127.0.0.1"}
		try:
			with patch.dict(frappe.local.conf, conf), patch.object(reports, "prepare_filters", record):
				for report in reports_to_run:
					with patch.object(report, "prepare_filters", record):
						report.execute({})
					# the next report connects anew (Frappe keeps one replica per request)
					for attribute in ("replica_db", "primary_db"):
						if hasattr(frappe.local, attribute):
							delattr(frappe.local, attribute)
		finally:
			frappe.local.db = primary
		self.assertEqual(len(seen), len(reports_to_run))
		self.assertTrue(all(db is not primary for db in seen))
		self.assertIs(frappe.local.db, primary)
		# without a replica, the same reports read the primary
		seen.clear()
		with patch.object(call_status_summary, "prepare_filters", record):
			call_status_summary.execute({})
		self.assertEqual(seen, [primary])
