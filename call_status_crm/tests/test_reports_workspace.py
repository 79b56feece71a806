"""The Call Center workspace: its number cards, chart and report links, and the figures the cards and chart
show an agent (with and without an Employee record)."""

import frappe
from frappe.utils import add_to_date, now_datetime, today

from call_status_crm.dashboard import get_calls_by_status, get_connect_rate_today
from call_status_crm.reports import INDICATOR_HEX
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.report_cases import BRANCH
from call_status_crm.tests.utils import AGENT, make_call, make_employee, make_lead


def card_value(name: str):
	"""The number a Custom number card shows: what its method answers (as the desk calls it)."""
	card = frappe.get_doc("Number Card", name)
	return frappe.get_attr(card.method)(filters=card.filters_json)["value"]


class TestCallCenterWorkspace(CallTestCase):
	def test_workspace_has_the_cards_the_chart_and_the_reports(self):
		workspace = frappe.get_doc("Workspace", "Call Center")
		self.assertEqual(
			[card.number_card_name for card in workspace.number_cards],
			[
				"Calls Today",
				"Connect Rate Today",
				"Missed Today",
				"Unknown Callers to Call Back",
				"Call Events Pending",
			],
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
		from call_status_crm.tests.utils import AGENT_3

		# at noon: a call a second ago is today's (and this month's) whenever the test runs
		# the colors this test reads (the site's may differ from the catalogue's: admins own them)
		for code, color in (("called", "Green"), ("busy", "Orange"), ("missed", "Red")):
			frappe.db.set_value("Call Status", code, "indicator_color", color)
		with self.freeze_time(f"{today()} 12:00:00"):
			lead = make_lead("CSC Card Lead").name
			frappe.set_user(AGENT_3)
			just_now = add_to_date(now_datetime(), seconds=-1)
			make_call(lead, "called", duration=50, call_time=just_now)
			make_call(lead, "busy", call_time=just_now)
			make_call(lead, "missed", direction="Incoming", call_time=just_now)
			self.assertEqual(card_value("Calls Today"), 3)
			self.assertEqual(card_value("Missed Today"), 1)
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

	def test_every_widget_of_the_workspace_is_one_the_desk_fetches_in_one_answer(self):
		from call_status_crm.dashboard import WORKSPACE_WIDGETS

		workspace = frappe.get_doc("Workspace", "Call Center")
		shown = {
			"Number Card": sorted(row.number_card_name for row in workspace.number_cards),
			"Dashboard Chart": sorted(row.chart_name for row in workspace.charts),
		}
		self.assertEqual({doctype: sorted(names) for doctype, names in WORKSPACE_WIDGETS.items()}, shown)

	def test_the_workspace_widgets_come_in_one_answer_to_whoever_frappe_shows_them(self):
		from call_status_crm.dashboard import WORKSPACE_WIDGETS, get_workspace_widgets
		from call_status_crm.tests.utils import MANAGER, make_user

		outsider = make_user("csc.no.call.role@example.com", [])
		everyone = [name for names in WORKSPACE_WIDGETS.values() for name in names]
		# Call Events are the managers' (DESIGN.md §10): an agent gets every widget but their count
		agents = [name for name in everyone if name != "Call Events Pending"]
		for user, expected in ((AGENT, agents), (MANAGER, everyone), (outsider, None)):
			frappe.set_user(user)
			# what Frappe's own check of each widget (its `getdoc`) allows
			allowed = [
				name
				for doctype, names in WORKSPACE_WIDGETS.items()
				for name in names
				if frappe.has_permission(doctype, doc=name)
			]
			self.assertEqual([widget.name for widget in get_workspace_widgets()], allowed, user)
			if expected:
				self.assertEqual(allowed, expected, user)

	def test_every_number_card_shows_an_agent_with_an_employee_record_their_own_figure(self):
		from frappe.desk.desktop import get_desktop_page

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
			# (Call Events are the managers': an agent's page has no card for them)
			self.assertEqual(
				[card.number_card_name for card in page["number_cards"]["items"]],
				["Calls Today", "Connect Rate Today", "Missed Today", "Unknown Callers to Call Back"],
			)
			self.assertEqual([chart.chart_name for chart in page["charts"]["items"]], ["Calls by Status"])
			self.assertEqual(card_value("Calls Today"), 4)
			self.assertEqual(card_value("Missed Today"), 1)
			self.assertEqual(get_connect_rate_today(), {"value": 25.0, "fieldtype": "Percent"})
