"""Exact rows, charts and summaries of the four call reports on seeded calls (DESIGN.md §6)."""

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_days, now_datetime

from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.reports import INDICATOR_HEX
from call_status_crm.tests.report_cases import CAMPAIGN, CallReportsTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2


class TestCallReportRows(CallReportsTestCase):
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
		colors = frappe.get_all("Call Status", fields=["name", "indicator_color"], as_list=True)
		self.assertEqual(
			chart["colors"],
			[
				INDICATOR_HEX[dict(colors)[code]]
				for code in ("called", "busy", "no_answer", "missed", "follow_up")
			],
		)
		self.assertEqual(chart["heading"], "Calls by Status per Period")
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
