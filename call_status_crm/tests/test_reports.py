"""Exact rows of the four call reports on seeded calls (DESIGN.md §6)."""

import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.reports import InvalidReportFilterError
from call_status_crm.tests.utils import AGENT, AGENT_2, MANAGER, make_call, make_lead, make_test_users

CAMPAIGN = "CSC Report Campaign"


def last_wednesday_before(days: int) -> datetime.date:
	day = getdate(add_days(now_datetime(), -days))
	return add_days(day, -((day.weekday() - 2) % 7))


class TestCallReports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_users()

	def setUp(self):
		frappe.set_user("Administrator")
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

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

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
		self.assertEqual(len(chart["data"]["datasets"]), 5)
		self.assertEqual([s["value"] for s in summary], [7, 2, 3, 42.9, 2])

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


class TestCallCenterWorkspace(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_users()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

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
		from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as get_chart
		from frappe.desk.doctype.number_card.number_card import get_result

		from call_status_crm.dashboard import get_connect_rate_today
		from call_status_crm.tests.utils import AGENT_3

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
		chart = get_chart(chart_name="Calls by Status", refresh=1)
		self.assertEqual(
			dict(zip(chart["labels"], chart["datasets"][0]["values"], strict=True)),
			{"called": 1, "busy": 1, "missed": 1},
		)
