"""Exact rows of the four call reports on seeded calls (DESIGN.md §6)."""

import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.dashboard import get_calls_by_status, get_connect_rate_today
from call_status_crm.reports import INDICATOR_HEX, InvalidReportFilterError
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, MANAGER, make_call, make_lead

CAMPAIGN = "CSC Report Campaign"
BRANCH = "CSC Report Branch"
REPORTS = {
	"Call Status Summary": {"period": "Daily"},
	"Agent Call Performance": {},
	"Campaign Call Performance": {"group_by": "Campaign"},
	"Missed Call Service Level": {"group_by": "Branch"},
}


def make_employee(user: str, branch: str) -> str:
	"""The user's Employee record (Company, Branch, Department) with the User Permissions ERPNext gives such
	a user (Employee and Company, for all doctypes)."""
	company = frappe.get_all("Company", pluck="name", order_by="creation asc", limit=1)[0]
	if not frappe.db.exists("Branch", branch):
		frappe.get_doc({"doctype": "Branch", "branch": branch}).insert()
	department = frappe.db.get_value("Department", {"department_name": "CSC Calls", "company": company})
	if not department:
		department = (
			frappe.get_doc({"doctype": "Department", "department_name": "CSC Calls", "company": company})
			.insert()
			.name
		)
	employee = frappe.db.get_value("Employee", {"user_id": user}) or (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": user.split("@")[0],
				"gender": "Female",
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"branch": branch,
				"department": department,
				"user_id": user,
			}
		)
		.insert()
		.name
	)
	for allow, value in (("Employee", employee), ("Company", company)):
		if not frappe.db.exists("User Permission", {"user": user, "allow": allow, "for_value": value}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}
			).insert()
	return employee


def last_wednesday_before(days: int) -> datetime.date:
	day = getdate(add_days(now_datetime(), -days))
	return add_days(day, -((day.weekday() - 2) % 7))


class TestCallReports(CallTestCase):
	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Campaign", CAMPAIGN):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN}).insert()
		self.day = last_wednesday_before(14)
		self.leads = [make_lead(f"CSC Report Lead {i}").name for i in range(3)]
		l1, l2, l3 = self.leads
		self.calls = {}
		for key, lead, status, agent, hour, day_offset, values in (
			("busy", l1, "busy", AGENT, 10, 0, {}),
			("called", l1, "called", AGENT, 11, 0, {"duration": 120, "lead_status": "Interested"}),
			("missed_l2", l2, "missed", AGENT_2, 12, 0, {"direction": "Incoming"}),
			("callback_l2", l2, "no_answer", AGENT_2, 9, 1, {}),
			("missed_l3", l3, "missed", AGENT, 10, 1, {"direction": "Incoming"}),
			("callback_l3", l3, "called", AGENT, 10.5, 1, {"duration": 30}),
			(
				"follow_up",
				l2,
				"follow_up",
				AGENT_2,
				14,
				5,
				{"duration": 60, "follow_up_at": add_days(now_datetime(), 3)},
			),
		):
			call_time = add_to_date(
				datetime.datetime.combine(add_days(self.day, day_offset), datetime.time()), hours=hour
			)
			self.calls[key] = make_call(
				lead, status, agent=agent, campaign=CAMPAIGN, call_time=call_time, **values
			).name
		add_tag("csc-hot", "Lead Call Log", self.calls["busy"])
		add_tag("csc-hot", "Lead Call Log", self.calls["called"])
		add_tag("csc-cold", "Lead Call Log", self.calls["callback_l2"])

	def filters(self, **extra):
		return {"from_date": self.day, "to_date": add_days(self.day, 5), "campaign": CAMPAIGN, **extra}

	def test_call_status_summary_daily(self):
		columns, data, _message, chart, summary = call_status_summary.execute(self.filters(period="Daily"))
		status_columns = [c["fieldname"] for c in columns if c["fieldname"].startswith("status_")]
		self.assertEqual(
			status_columns,
			["status_called", "status_busy", "status_no_answer", "status_missed", "status_follow_up"],
		)
		self.assertEqual(
			[
				(
					row["period"],
					row["status_called"],
					row["status_busy"],
					row["status_no_answer"],
					row["status_missed"],
					row["status_follow_up"],
					row["calls"],
					row["attempts"],
					row["connected"],
					row["missed"],
					row["connect_rate"],
				)
				for row in data
			],
			[
				(self.day, 1, 1, 0, 1, 0, 3, 1, 1, 1, 33.3),
				(add_days(self.day, 1), 1, 0, 1, 1, 0, 3, 1, 1, 1, 33.3),
				(add_days(self.day, 5), 0, 0, 0, 0, 1, 1, 0, 1, 0, 100.0),
			],
		)
		# the chart: one dataset per status, titled and colored as the status is
		self.assertEqual(
			[(d["name"], d["values"]) for d in chart["data"]["datasets"]],
			[
				("Called", [1, 1, 0]),
				("Busy", [1, 0, 0]),
				("No Answer", [0, 1, 0]),
				("Missed", [1, 1, 0]),
				("Follow up", [0, 0, 1]),
			],
		)
		self.assertEqual(chart["colors"], ["#59ba8b", "#e86c13", "#e86c13", "#e03636", "#9c45e3"])
		# the status "Missed" and the calls of every missed outcome are two columns, labelled apart
		self.assertEqual(
			[c["label"] for c in columns],
			[
				"Day",
				"Called",
				"Busy",
				"No Answer",
				"Missed",
				"Follow up",
				"Calls",
				"Attempts",
				"Connected",
				"All Missed",
				"Connect Rate",
			],
		)
		self.assertEqual(
			[(s["label"], s["value"]) for s in summary],
			[("Calls", 7), ("Attempts", 2), ("Connected", 3), ("Connect Rate", 42.9), ("All Missed", 2)],
		)

	def test_chart_colors_follow_the_status_indicator_color(self):
		frappe.db.set_value("Call Status", "busy", {"indicator_color": "Cyan", "status_title": "Line busy"})
		_c, _d, _m, chart, _s = call_status_summary.execute(self.filters())
		self.assertEqual(chart["data"]["datasets"][1]["name"], "Line busy")
		self.assertEqual(chart["colors"][1], INDICATOR_HEX["Cyan"])

	def test_call_status_summary_weeks_start_on_the_sites_first_day(self):
		with change_settings("System Settings", {"first_day_of_the_week": "Monday"}):
			_c, data, *_rest = call_status_summary.execute(self.filters(period="Weekly"))
			self.assertEqual(
				[(r["period"], r["calls"]) for r in data],
				[(add_days(self.day, -2), 6), (add_days(self.day, 5), 1)],
			)
		with change_settings("System Settings", {"first_day_of_the_week": "Sunday"}):
			_c, data, *_rest = call_status_summary.execute(self.filters(period="Weekly"))
			self.assertEqual(
				[(r["period"], r["calls"]) for r in data],
				[(add_days(self.day, -3), 6), (add_days(self.day, 4), 1)],
			)
		_c, data, *_rest = call_status_summary.execute(self.filters(period="Monthly"))
		self.assertEqual(sum(r["calls"] for r in data), 7)
		self.assertTrue(all(r["period"].day == 1 for r in data))

	def test_agent_call_performance(self):
		_c, data, _m, chart, summary = agent_call_performance.execute(self.filters())
		self.assertEqual(
			[
				(
					r.agent,
					r.calls,
					r.attempts,
					r.connected,
					r.connect_rate,
					r.talk_time,
					r.average_duration,
					r.zero_duration,
					r.follow_ups,
					r.overdue_follow_ups,
					r.missed,
				)
				for r in data
			],
			[
				(AGENT, 4, 1, 2, 50.0, 150, 75.0, 2, 0, 0, 1),
				(AGENT_2, 3, 1, 1, 33.3, 60, 60.0, 2, 1, 0, 1),
			],
		)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [4, 3])
		self.assertEqual(
			[
				(c["fieldname"], c["label"], c["fieldtype"])
				for c in _c
				if c["fieldname"] in ("branch", "department", "missed")
			],
			[
				("branch", "Branch", "Data"),
				("department", "Department", "Data"),
				("missed", "All Missed", "Int"),
			],
		)
		self.assertEqual([s["value"] for s in summary], [2, 7, 42.9, 210])
		# the follow-up's time passes with its ToDo still open: it is overdue
		frappe.db.set_value(
			"Lead Call Log", self.calls["follow_up"], "follow_up_at", add_days(now_datetime(), -1)
		)
		_c, data, *_rest = agent_call_performance.execute(self.filters())
		self.assertEqual([(r.agent, r.overdue_follow_ups) for r in data], [(AGENT, 0), (AGENT_2, 1)])

	def test_campaign_call_performance_by_campaign_and_by_tag(self):
		_c, data, *_rest = campaign_call_performance.execute(self.filters(group_by="Campaign"))
		self.assertEqual(
			[
				(
					r.group_value,
					r.leads_called,
					r.leads_picked_up,
					r.pick_up_rate,
					r.calls,
					r.calls_per_lead,
					r.connected,
					r.connect_rate,
					r.leads_interested,
				)
				for r in data
			],
			[(CAMPAIGN, 3, 3, 100.0, 7, 2.33, 3, 42.9, 1)],
		)
		_c, data, *_rest = campaign_call_performance.execute(self.filters(group_by="Tag"))
		self.assertEqual(
			[
				(r.group_value, r.leads_called, r.leads_picked_up, r.calls, r.connected, r.leads_interested)
				for r in data
			],
			[("csc-hot", 1, 1, 2, 1, 1), ("csc-cold", 1, 0, 1, 0, 0)],
		)

	def test_missed_call_service_level(self):
		_c, data, _m, _chart, summary = missed_call_service_level.execute(self.filters(group_by="Day"))
		self.assertEqual(
			[
				(
					r.group_value,
					r.missed,
					r.called_back,
					r.not_called_back,
					r.callback_rate,
					r.average_minutes,
					r.service_level,
				)
				for r in data
			],
			[(self.day, 1, 1, 0, 100.0, 1260.0, 0.0), (add_days(self.day, 1), 1, 1, 0, 100.0, 30.0, 100.0)],
		)
		self.assertEqual([s["value"] for s in summary], [2, 100.0, 50.0])
		_c, data, *_rest = missed_call_service_level.execute(self.filters(group_by="Agent"))
		# ordered by agent in the database's collation (utf8mb4_unicode_ci puts "@" before "2")
		self.assertEqual(
			[(r.group_value, r.missed, r.average_minutes) for r in data],
			[(AGENT, 1, 30.0), (AGENT_2, 1, 1260.0)],
		)

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
		with self.assertRaises(frappe.ValidationError):
			call_status_summary.execute(self.filters(period="Hourly"))


class TestCallCenterWorkspace(CallTestCase):
	def test_workspace_has_the_cards_the_chart_and_the_reports(self):
		workspace = frappe.get_doc("Workspace", "Call Center")
		self.assertEqual(
			[card.number_card_name for card in workspace.number_cards],
			["Calls Today", "Connect Rate Today", "Missed Today"],
		)
		self.assertEqual([chart.chart_name for chart in workspace.charts], ["Calls by Status"])
		links = {shortcut.link_to for shortcut in workspace.shortcuts}
		for report in (
			"Call Status Summary",
			"Agent Call Performance",
			"Campaign Call Performance",
			"Missed Call Service Level",
		):
			self.assertIn(report, links)

	def test_number_cards_count_todays_calls_of_the_user(self):
		from frappe.desk.doctype.number_card.number_card import get_result

		from call_status_crm.tests.utils import AGENT_3

		# at noon: a call a second ago is today's (and this month's) whenever the test runs
		with self.freeze_time(f"{today()} 12:00:00"):
			lead = make_lead("CSC Card Lead").name
			frappe.set_user(AGENT_3)
			just_now = add_to_date(now_datetime(), seconds=-1)
			make_call(lead, "called", duration=50, call_time=just_now)
			make_call(lead, "busy", call_time=just_now)
			make_call(lead, "missed", direction="Incoming", call_time=just_now)
			calls_today = frappe.get_doc("Number Card", "Calls Today")
			missed_today = frappe.get_doc("Number Card", "Missed Today")
			self.assertEqual(get_result(calls_today, calls_today.filters_json), 3)
			self.assertEqual(get_result(missed_today, missed_today.filters_json), 1)
			self.assertEqual(get_connect_rate_today(), {"value": 33.3, "fieldtype": "Percent"})
			chart = get_calls_by_status(chart_name="Calls by Status")
			self.assertEqual(chart["labels"], ["Called", "Busy", "Missed"])
			self.assertEqual(
				[(d["name"], d["values"]) for d in chart["datasets"] if any(d["values"])],
				[("Green", [1, 0, 0]), ("Orange", [0, 1, 0]), ("Red", [0, 0, 1])],
			)

	def test_calls_by_status_chart_is_colored_by_indicator_color(self):
		chart = frappe.get_doc("Dashboard Chart", "Calls by Status")
		self.assertEqual((chart.chart_type, chart.source, chart.type), ("Custom", "Calls by Status", "Bar"))
		self.assertEqual(frappe.parse_json(chart.custom_options)["colors"], list(INDICATOR_HEX.values()))

	def test_every_number_card_shows_an_agent_with_an_employee_record_their_own_figure(self):
		from frappe.desk.desktop import get_desktop_page
		from frappe.desk.doctype.number_card.number_card import get_result

		from call_status_crm.tests.utils import AGENT_3

		# at noon: a call a second ago is today's (and this month's) whenever the test runs
		with self.freeze_time(f"{today()} 12:00:00"):
			make_employee(AGENT_3, BRANCH)
			lead = make_lead("CSC Card Lead").name
			just_now = add_to_date(now_datetime(), seconds=-1)
			make_call(lead, "called", agent=AGENT, duration=40, call_time=just_now)
			frappe.set_user(AGENT_3)
			make_call(lead, "called", duration=50, call_time=just_now)
			make_call(lead, "no_answer", call_time=just_now)
			make_call(lead, "busy", call_time=just_now)
			make_call(lead, "missed", direction="Incoming", call_time=just_now)
			page = get_desktop_page(frappe.as_json({"name": "Call Center", "title": "Call Center"}))
			self.assertEqual(
				[card.number_card_name for card in page["number_cards"]["items"]],
				["Calls Today", "Connect Rate Today", "Missed Today"],
			)
			self.assertEqual([chart.chart_name for chart in page["charts"]["items"]], ["Calls by Status"])
			calls_today = frappe.get_doc("Number Card", "Calls Today")
			missed_today = frappe.get_doc("Number Card", "Missed Today")
			self.assertEqual(get_result(calls_today, calls_today.filters_json), 4)
			self.assertEqual(get_result(missed_today, missed_today.filters_json), 1)
			self.assertEqual(get_connect_rate_today(), {"value": 25.0, "fieldtype": "Percent"})


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

		def record(filters):
			seen.append(frappe.local.db)
			return prepare(filters)

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
