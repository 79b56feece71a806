"""Roll-ups on a site upgraded from a release whose daily roll-up had no call-back metrics (DESIGN.md §11):
migrate adds the columns and fills them from the calls (patch v1_6); a migrate that finds them does
nothing. DDL commits: the test commits its calls and deletes them after."""

from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, getdate, now_datetime

from call_status_crm import rollups
from call_status_crm.patches.v1_6 import add_callback_rollup_metrics
from call_status_crm.tests.cases import CommittedCallTestCase
from call_status_crm.tests.utils import AGENT, make_call


def daily_columns() -> list[str]:
	return frappe.db.sql_list(
		"""SELECT column_name FROM information_schema.columns
		WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position""",
		rollups.DAILY,
	)


class TestRollupsMigrate(CommittedCallTestCase):
	def test_migrate_adds_the_call_back_metrics_and_fills_them(self):
		lead = self.new_lead("CSC Rollup Migrate Lead")
		missed_at = add_to_date(now_datetime(), hours=-3)
		missed = make_call(lead, "missed", agent=AGENT, direction="Incoming", call_time=missed_at)
		back = make_call(lead, "busy", agent=AGENT, call_time=add_to_date(missed_at, minutes=12, seconds=30))
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Lead Call Log", missed.name, "called_back_at"), back.call_time)
		day = getdate(missed_at)

		# the table as the previous release made it
		added = list(rollups.ADDED_COLUMNS)
		frappe.db.sql_ddl(f"ALTER TABLE `{rollups.DAILY}` {', '.join(f'DROP COLUMN `{c}`' for c in added)}")
		self.assertFalse(set(added) & set(daily_columns()))

		add_callback_rollup_metrics.execute()
		self.assertTrue(set(added) <= set(daily_columns()))
		self.assertEqual(rollups.verify(day, day), [])
		query = """SELECT SUM({}), SUM({}) FROM `{}` WHERE {} = %s AND agent = %s AND outcome = 'Missed'"""
		rolled_up = frappe.db.sql(
			query.format("called_back", "callback_seconds", rollups.DAILY, "grain = 'F' AND day"),
			(day, AGENT),
		)[0]
		from_calls = frappe.db.sql(
			query.format(
				"called_back_at IS NOT NULL",
				"TIMESTAMPDIFF(SECOND, call_time, called_back_at)",
				"tabLead Call Log",
				"call_date",
			),
			(day, AGENT),
		)[0]
		self.assertEqual([int(v) for v in rolled_up], [int(v) for v in from_calls])
		self.assertGreaterEqual(int(rolled_up[1]), 750)  # this test's call back, 12 min 30 s later
		# migrate again: nothing to add, nothing rebuilt
		with patch.object(add_callback_rollup_metrics, "rebuild") as rebuild:
			add_callback_rollup_metrics.execute()
		rebuild.assert_not_called()
