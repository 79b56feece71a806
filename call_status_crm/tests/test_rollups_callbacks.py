"""Call-backs in the roll-ups (DESIGN.md §11): Missed Call Service Level answers from the daily roll-up with
exactly the rows it gives from the calls, and every path that changes a call-back time (a call's save, a
call moved or deleted, an unknown caller's call back, a Lead made for an unknown caller, the bulk fill)
keeps the roll-up exact. The workspace's call-counting cards read the roll-up too."""

import datetime
import typing
from contextlib import contextmanager
from unittest.mock import patch

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, today

from call_status_crm import dashboard, rollups, unknown_callers
from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level
from call_status_crm.calls import set_all_callback_times
from call_status_crm.core.rollups import DIMENSIONS, lock_key
from call_status_crm.rollup_reports import from_calls
from call_status_crm.tests.inbound_cases import new_number
from call_status_crm.tests.report_cases import CAMPAIGN, CallReportsTestCase
from call_status_crm.tests.test_rollups import REPORTS, stored_rows
from call_status_crm.tests.utils import (
	AGENT,
	AGENT_2,
	AGENT_3,
	PLAIN_USER,
	SALES_USER,
	make_call,
	make_employee,
	make_lead,
)

BRANCH = "CSC Callback Branch"
CALLS = "tabLead Call Log"


def moment(day, clock: str) -> datetime.datetime:
	return datetime.datetime.combine(day, datetime.time.fromisoformat(clock))


@contextmanager
def queries():
	"""Every SQL statement run inside the block."""
	seen, sql = [], frappe.db.sql

	def recording(query, *args, **kwargs):
		seen.append(str(query))
		return sql(query, *args, **kwargs)

	with patch.object(frappe.db, "sql", recording):
		yield seen


def missed_rollup(from_date, to_date) -> tuple:
	"""(missed, called back, seconds to call back, within the service level) of the campaign grain."""
	rollups.flush()
	row = frappe.db.sql(
		f"""SELECT SUM(calls), SUM(called_back), SUM(callback_seconds), SUM(called_back_in_sl)
		FROM `{rollups.DAILY}` WHERE grain = 'C' AND day BETWEEN %s AND %s
			AND outcome = 'Missed' AND direction = 'Incoming'""",
		(from_date, to_date),
	)[0]
	return tuple(int(value or 0) for value in row)


class TestCallbackRollups(CallReportsTestCase):
	"""The seven calls of `CallReportsTestCase` (two missed inbound calls, called back after 21 hours and
	after 30 minutes) and, two days later, three missed calls on one lead called back after 4.7, 3.3 and
	1 seconds (as TIMESTAMPDIFF counts: 4, 3, 1; averages that do not end), and one never called back."""

	def setUp(self):
		super().setUp()
		frappe.flags.call_reports_from_calls = False
		self.first, self.last = add_days(self.day, -3), add_days(self.day, 12)
		rollups.rebuild(add_days(self.first, -30), add_days(self.last, 30))
		make_employee(AGENT_3, BRANCH)
		_l1, _l2, l3 = self.leads
		later = add_days(self.day, 2)
		self.quiet = make_lead("CSC Callback Quiet Lead").name
		self.more = {}
		for key, lead, status, agent, at, direction in (
			("missed_a", l3, "missed", AGENT_3, moment(later, "10:00:00.300000"), "Incoming"),
			("missed_b", l3, "missed", AGENT, moment(later, "10:00:01.700000"), "Incoming"),
			("missed_c", l3, "missed", AGENT, moment(later, "10:00:04"), "Incoming"),
			("back", l3, "busy", AGENT_3, moment(later, "10:00:05"), "Outgoing"),
			("never", self.quiet, "missed", AGENT_2, moment(add_days(self.day, 3), "08:00"), "Incoming"),
		):
			self.more[key] = make_call(
				lead, status, agent=agent, call_time=at, direction=direction, campaign=CAMPAIGN
			).name
		rollups.flush()  # as if committed

	def tearDown(self):
		frappe.flags.call_reports_from_calls = False
		super().tearDown()

	def assertSameMissedRows(self, user: str = "Administrator", ranges=None, filter_sets=None) -> int:
		"""Missed Call Service Level by day, agent and branch: the same rows (and chart and summary) from
		the roll-ups as from the calls."""
		checked = 0
		for from_date, to_date in ranges or ((self.first, self.last), (add_days(self.day, 1), self.last)):
			for extra in filter_sets or (
				{},
				{"agent": AGENT},
				{"branch": BRANCH},
				{"campaign": CAMPAIGN},
				{"direction": "Incoming"},
				{"direction": "Outgoing"},
				{"call_status": "missed"},
				{"department": "CSC Calls - no such"},
				{"tag": "csc-hot"},
			):
				for group_by in ("Day", "Agent", "Branch"):
					filters = {"from_date": from_date, "to_date": to_date, "group_by": group_by, **extra}
					frappe.set_user(user)
					try:
						expected = from_calls(lambda f=filters: missed_call_service_level.execute(dict(f)))
						actual = missed_call_service_level.execute(dict(filters))
					finally:
						frappe.set_user("Administrator")
					with self.subTest(filters=filters, user=user):
						self.assertEqual(actual, expected)
					checked += 1
		return checked

	def assertExact(self):
		self.assertEqual(rollups.verify(self.first, self.last), [])
		self.assertSameMissedRows(filter_sets=({}, {"agent": AGENT}, {"branch": BRANCH}))

	def called_back_at(self, name: str):
		return frappe.db.get_value("Lead Call Log", name, "called_back_at")

	def test_the_daily_rollup_counts_the_call_backs(self):
		# 5 missed calls called back after 75,600, 1,800, 4, 3 and 1 seconds (3 within the hour), 1 never
		self.assertEqual(missed_rollup(self.first, self.last), (6, 5, 75_600 + 1_800 + 4 + 3 + 1, 4))
		self.assertEqual(
			missed_rollup(self.first, self.last),
			tuple(
				int(value or 0)
				for value in frappe.db.sql(
					f"""SELECT COUNT(*), COUNT(called_back_at), SUM(TIMESTAMPDIFF(SECOND, call_time,
						called_back_at)), SUM(TIMESTAMPDIFF(SECOND, call_time, called_back_at) <= 3600)
					FROM `{CALLS}` WHERE outcome = 'Missed' AND direction = 'Incoming'
						AND call_date BETWEEN %s AND %s""",
					(self.first, self.last),
				)[0]
			),
		)

	def test_rows_are_locked_in_the_order_of_the_tables_key(self):
		"""`core.rollups.lock_key` (the order a transaction writes the rows it changes in) is the table's
		primary key, in which the database adds new calls."""
		rows = frappe.db.sql(
			f"""SELECT grain, day, {", ".join(DIMENSIONS)}, LOWER(HEX(row_key)) FROM `{rollups.DAILY}`
			WHERE day BETWEEN %s AND %s ORDER BY grain, day, row_key""",
			(self.first, self.last),
		)
		self.assertGreater(len(rows), 20)
		self.assertEqual([lock_key(tuple(row[:-1]))[2] for row in rows], [row[-1] for row in rows])

	def test_the_report_reads_the_rollups_not_the_calls(self):
		filters = {"from_date": self.first, "to_date": self.last}
		for group_by in ("Day", "Agent", "Branch"):
			with queries() as seen:
				missed_call_service_level.execute({**filters, "group_by": group_by})
			with self.subTest(group_by=group_by):
				self.assertTrue(seen)
				self.assertEqual([query for query in seen if CALLS in query], [])
		# a tag is not a roll-up dimension: the calls answer
		with queries() as seen:
			missed_call_service_level.execute({**filters, "tag": "csc-hot"})
		self.assertTrue([query for query in seen if CALLS in query])

	def test_the_same_rows_from_the_rollups_across_filters_and_groupings(self):
		_c, data, *_rest = missed_call_service_level.execute(
			{"from_date": add_days(self.day, 2), "to_date": add_days(self.day, 3), "group_by": "Agent"}
		)
		self.assertEqual(
			[(r.group_value, r.missed, r.called_back, r.average_seconds) for r in data],
			[(AGENT, 2, 2, 2.0), (AGENT_2, 1, 0, None), (AGENT_3, 1, 1, 4.0)],
		)
		_c, data, *_rest = missed_call_service_level.execute(
			{"from_date": add_days(self.day, 2), "to_date": add_days(self.day, 2), "group_by": "Day"}
		)
		# an average that does not end (8 / 3 s), to the four decimals AVG gives
		self.assertEqual([(r.missed, r.average_seconds) for r in data], [(3, 2.6667)])
		self.assertEqual(self.assertSameMissedRows(), 2 * 9 * 3)
		self.assertEqual(self.assertSameMissedRows(user=AGENT), 2 * 9 * 3)

	def test_an_agent_sees_only_their_own_missed_calls(self):
		frappe.set_user(AGENT)
		_c, data, *_rest = missed_call_service_level.execute(
			{"from_date": self.first, "to_date": self.last, "group_by": "Agent"}
		)
		frappe.set_user("Administrator")
		self.assertEqual([(r.group_value, r.missed, r.called_back) for r in data], [(AGENT, 3, 3)])

	def test_call_back_times_changed_by_every_path_keep_the_rollups_exact(self):
		_l1, l2, _l3 = self.leads
		missed_l2 = self.calls["missed_l2"]
		# a missed call logged late, after its call back: its own save gives it its call-back time
		late = make_call(l2, "missed", agent=AGENT, direction="Incoming", call_time=moment(self.day, "20:00"))
		self.assertEqual(self.called_back_at(late.name), moment(add_days(self.day, 1), "09:00"))
		self.assertExact()
		# a call back sooner than the one logged: the missed call's call-back moves to it
		sooner = make_call(l2, "busy", agent=AGENT_2, call_time=moment(self.day, "12:20:00.5"))
		self.assertEqual(self.called_back_at(missed_l2), moment(self.day, "12:20:00.5"))
		self.assertExact()
		# … moved later than the other one: the other is the call back again
		sooner.reload()
		sooner.call_time = moment(add_days(self.day, 1), "11:00")
		sooner.save()
		self.assertEqual(self.called_back_at(missed_l2), moment(add_days(self.day, 1), "09:00"))
		self.assertExact()
		# the call back moved to another lead, then deleted: the missed call waits for the next one
		back = frappe.get_doc("Lead Call Log", self.calls["callback_l2"])
		back.lead = self.quiet
		back.save()
		self.assertEqual(self.called_back_at(missed_l2), moment(add_days(self.day, 1), "11:00"))
		self.assertIsNone(self.called_back_at(self.more["never"]))  # a call back before it is none
		self.assertExact()
		frappe.delete_doc("Lead Call Log", sooner.name)
		self.assertEqual(self.called_back_at(missed_l2), moment(add_days(self.day, 5), "14:00"))
		self.assertExact()
		# the missed call itself: a later time, another lead, then deleted
		missed = frappe.get_doc("Lead Call Log", self.more["missed_a"])
		missed.call_time = moment(add_days(self.day, 2), "10:00:04.9")
		missed.save()
		self.assertExact()
		missed.reload()
		missed.lead = l2
		missed.save()
		self.assertExact()
		frappe.delete_doc("Lead Call Log", missed.name)
		frappe.delete_doc("Lead Call Log", self.more["back"])  # the others of l3 wait again
		self.assertIsNone(self.called_back_at(self.more["missed_b"]))
		self.assertExact()

	def test_an_unknown_callers_call_back_and_lead_keep_the_rollups_exact(self):
		phone = new_number()
		missed = make_call(
			None,
			"missed",
			agent=AGENT,
			direction="Incoming",
			phone=phone,
			call_time=moment(self.day, "15:00"),
		)
		self.assertEqual((missed.lead, missed.unknown_caller), (None, 1))
		self.assertExact()
		back = make_call(None, "busy", agent=AGENT, phone=phone, call_time=moment(self.day, "15:07:30.25"))
		self.assertIsNone(back.lead)
		self.assertEqual(self.called_back_at(missed.name), moment(self.day, "15:07:30.25"))
		self.assertExact()
		# a Lead for the caller takes both calls (each saved through the controller), as
		# `create_lead_from_call` has them taken (whose new Lead's Contact commits: not in a rolled-back test)
		lead = make_lead("CSC Callback Caller Lead").name
		self.assertEqual(
			sorted(unknown_callers.adopt_calls(lead, missed.phone_key)), sorted([missed.name, back.name])
		)
		self.assertEqual(frappe.db.get_value("Lead Call Log", back.name, "lead"), lead)
		self.assertEqual(self.called_back_at(missed.name), moment(self.day, "15:07:30.25"))
		self.assertExact()

	def test_the_bulk_fill_of_call_back_times_rebuilds_the_rollups(self):
		frappe.db.sql(f"UPDATE `{CALLS}` SET called_back_at = NULL WHERE name = %s", self.calls["missed_l3"])
		rollups.rebuild(self.first, self.last)
		self.assertEqual(missed_rollup(self.first, self.last)[1], 4)
		set_all_callback_times()
		self.assertEqual(missed_rollup(self.first, self.last)[1], 5)
		self.assertExact()

	def test_a_call_back_undone_by_a_rollback_to_a_savepoint_counts_for_nothing(self):
		before = stored_rows()
		frappe.db.savepoint("csc_callback")
		make_call(self.leads[1], "busy", agent=AGENT_2, call_time=moment(self.day, "12:01"))
		frappe.db.rollback(save_point="csc_callback")
		self.assertEqual(stored_rows(), before)
		self.assertExact()

	def test_a_rebuild_equals_what_the_changes_built(self):
		make_call(self.leads[1], "busy", agent=AGENT_2, call_time=moment(self.day, "12:59:59.999"))
		frappe.delete_doc("Lead Call Log", self.more["missed_c"])
		incremental = stored_rows()
		self.assertTrue(any(row[-3] for row in incremental[0]))  # call-backs counted
		rollups.rebuild(add_days(self.first, -30), add_days(self.last, 30))
		self.assertEqual(stored_rows(), incremental)

	def test_every_report_still_gives_the_same_rows(self):
		for report, (execute, choice, values) in REPORTS.items():
			for value in values:
				filters = {"from_date": self.first, "to_date": self.last}
				if choice:
					filters[choice] = value
				with self.subTest(report=report, filters=filters):
					self.assertEqual(
						execute(dict(filters)), from_calls(lambda f=filters, e=execute: e(dict(f)))
					)


class TestCallCountingCards(CallReportsTestCase):
	"""Calls Today and Missed Today (and Connect Rate Today) count from the roll-ups under the user's
	scope, with the numbers Frappe's count of the calls gives."""

	CARDS: typing.ClassVar = {
		"Calls Today": dashboard.get_calls_today,
		"Missed Today": dashboard.get_missed_today,
		"Connect Rate Today": dashboard.get_connect_rate_today,
	}

	def setUp(self):
		super().setUp()
		frappe.flags.call_reports_from_calls = False
		rollups.rebuild(today(), today())
		lead = make_lead("CSC Card Rollup Lead").name
		with self.freeze_time(f"{today()} 12:00:00"):
			just_now = add_to_date(now_datetime(), seconds=-1)
			for status, agent, direction, duration in (
				("called", AGENT, "Outgoing", 30),
				("busy", AGENT, "Outgoing", 0),
				("missed", AGENT, "Incoming", 0),
				("called", AGENT_2, "Outgoing", 10),
				("missed", AGENT_2, "Incoming", 0),
				("missed", AGENT_2, "Incoming", 0),
			):
				make_call(
					lead, status, agent=agent, direction=direction, duration=duration, call_time=just_now
				)
		rollups.flush()

	def tearDown(self):
		frappe.flags.call_reports_from_calls = False
		super().tearDown()

	def test_the_cards_are_the_apps_methods(self):
		for name, method in self.CARDS.items():
			card = frappe.get_doc("Number Card", name)
			with self.subTest(card=name):
				self.assertEqual(
					(card.type, card.method), ("Custom", f"{method.__module__}.{method.__name__}")
				)

	def test_the_cards_count_the_same_from_the_rollups_as_from_the_calls(self):
		everyone = {name: method()["value"] for name, method in self.CARDS.items()}
		frappe.set_user(AGENT)
		own = {name: method()["value"] for name, method in self.CARDS.items()}
		frappe.set_user("Administrator")
		# an agent counts their own calls only: three of them, one missed, one connected
		self.assertEqual((own["Calls Today"], own["Missed Today"], own["Connect Rate Today"]), (3, 1, 33.3))
		self.assertGreaterEqual(everyone["Calls Today"], 6)
		self.assertGreaterEqual(everyone["Missed Today"], 3)
		for user in ("Administrator", AGENT, AGENT_2):
			frappe.set_user(user)
			for name, method in self.CARDS.items():
				with self.subTest(user=user, card=name):
					self.assertIsNotNone(dashboard.rollup_scope())
					with queries() as seen:
						result = method()
					self.assertEqual([query for query in seen if CALLS in query], [])
					self.assertEqual(result, from_calls(method))
		frappe.set_user("Administrator")

	def test_an_agent_with_user_permissions_is_counted_from_the_calls(self):
		make_employee(AGENT_3, BRANCH)  # ERPNext's User Permissions of an Employee's user
		lead = make_lead("CSC Card Rollup Lead 3").name
		with self.freeze_time(f"{today()} 12:00:00"):
			make_call(
				lead, "missed", agent=AGENT_3, direction="Incoming", call_time=add_to_date(None, minutes=-1)
			)
			frappe.set_user(AGENT_3)
			self.assertIsNone(dashboard.rollup_scope())
			self.assertEqual(
				(dashboard.get_calls_today()["value"], dashboard.get_missed_today()["value"]), (1, 1)
			)
		frappe.set_user("Administrator")

	def test_a_user_without_a_call_role_gets_no_count(self):
		for user in ("Guest", PLAIN_USER, SALES_USER):
			frappe.set_user(user)
			for name, method in self.CARDS.items():
				with self.subTest(user=user, card=name), self.assertRaises(frappe.PermissionError):
					method()
		frappe.set_user("Administrator")

	def test_a_card_opens_the_calls_it_counts(self):
		self.assertEqual(
			dashboard.get_missed_today()["route_options"],
			{"call_time": ["Timespan", "today"], "outcome": ["=", "Missed"]},
		)
		self.assertEqual(dashboard.get_calls_today()["route"], ["List", "Lead Call Log"])
