# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

"""Lead Call Logs saved from several database connections at once: a consistent Lead, no deadlock or
duplicate external id, call names that never wait on another transaction, numbering after existing
calls."""

import threading

import frappe
from frappe.utils import now_datetime

from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log_cases import lead_state
from call_status_crm.calls import call_name_sequence, upsert_call
from call_status_crm.core.calls import call_number
from call_status_crm.install import ensure_call_name_sequence
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import (
	AGENT,
	INTEGRATION,
	cleanup_leads,
	joined,
	make_call,
	make_lead,
	minutes_ago,
	on_own_connection,
	save_at_once,
)


class TestLeadCallLogConcurrency(CallTestCase):
	"""Calls for one lead saved from several database connections at the same moment."""

	def test_two_connections_leave_a_consistent_lead(self):
		lead = make_lead("CSC Concurrent Lead").name
		frappe.db.commit()
		names, errors = save_at_once(
			lambda: make_call(lead, "qualified", call_time=minutes_ago(10), duration=30),
			lambda: make_call(lead, "busy", call_time=minutes_ago(20), duration=0),
		)
		try:
			self.assertEqual(errors, [])
			self.assertEqual(len(names), 2)
			state = lead_state(lead)
			# the latest call by call time decides, whichever transaction committed last
			self.assertEqual(
				(state.status, state.last_call_status, state.call_attempts, state.connected_calls),
				("Interested", "qualified", 2, 1),
			)
		finally:
			for name in names:
				frappe.delete_doc("Lead Call Log", name, force=True)
			frappe.delete_doc("Lead", lead, force=True)
			frappe.db.commit()

	def test_new_calls_and_the_same_external_id_at_once_neither_deadlock_nor_duplicate(self):
		leads = [make_lead(f"CSC Upsert Lead {i}").name for i in range(2)]
		frappe.db.commit()

		def upsert(lead, external_id, status):
			return lambda: upsert_call(
				{
					"external_id": external_id,
					"lead": lead,
					"call_status": status,
					"call_time": minutes_ago(5),
					"source": "Dialler",
				}
			)

		names, errors = save_at_once(
			upsert(leads[0], "csc-same-1", "busy"),
			upsert(leads[0], "csc-same-1", "busy"),
			upsert(leads[1], "csc-new-2", "no_answer"),
			upsert(leads[1], "csc-new-3", "no_answer"),
			user=INTEGRATION,  # a dialler's user: source Dialler, global external ids
		)
		try:
			self.assertEqual(errors, [])
			self.assertEqual(len(names), 4)
			self.assertEqual(frappe.db.count("Lead Call Log", {"external_id": "csc-same-1"}), 1)
			self.assertEqual(len(set(names)), 3)
			self.assertEqual(
				frappe.db.get_value("Lead", leads[0], ["status", "call_attempts"]), ("Not Picked", 1)
			)
			self.assertEqual(
				frappe.db.get_value("Lead", leads[1], ["status", "call_attempts"]), ("Not Picked", 2)
			)
		finally:
			cleanup_leads(leads)

	def test_a_new_call_does_not_wait_for_another_uncommitted_new_call(self):
		"""Call names come from a sequence: a naming series would keep its row locked until the first
		transaction commits, and every other new call would wait behind it."""
		leads = [make_lead(f"CSC Naming Lead {i}").name for i in range(2)]
		for lead in leads:
			# each lead has an earlier call: a lead with none sits in the InnoDB gap that the other
			# transaction's locking read of its lead's calls covers when the two are adjacent by name
			make_call(lead, "no_answer", call_time=minutes_ago(60))
		frappe.db.commit()
		first_inserted, second_done = threading.Event(), threading.Event()

		def first():
			name = make_call(leads[0], "busy").name
			first_inserted.set()
			second_done.wait(timeout=30)
			return name  # rolled back

		def second():
			try:
				first_inserted.wait(timeout=30)
				frappe.db.sql("SET SESSION innodb_lock_wait_timeout = 3")
				return make_call(leads[1], "busy").name
			finally:
				second_done.set()

		started = [on_own_connection(first, user=AGENT, commit=False), on_own_connection(second, user=AGENT)]
		results = dict(zip(("first", "second"), joined(started), strict=True))
		try:
			self.assertFalse([r for r in results.values() if isinstance(r, Exception)], results)
			self.assertTrue(first_inserted.is_set())
			self.assertTrue(frappe.db.exists("Lead Call Log", results["second"]))
			self.assertFalse(frappe.db.exists("Lead Call Log", results["first"]))  # rolled back
			self.assertNotEqual(results["first"], results["second"])
		finally:
			cleanup_leads(leads)

	def test_call_names_and_numbering_after_existing_calls(self):
		lead = make_lead("CSC Numbering Lead").name
		first = make_call(lead, "busy", call_time=minutes_ago(10))
		self.assertRegex(first.name, rf"^CALL-{now_datetime().year}-\d{{5,}}$")
		frappe.db.commit()
		try:
			# a site upgraded from the naming series, or restored without the sequence, numbers on after
			# the highest call number it has
			frappe.db.sql_ddl(f"DROP SEQUENCE IF EXISTS `{call_name_sequence()}`")
			ensure_call_name_sequence()
			second = make_call(lead, "no_answer", call_time=minutes_ago(5))
			self.assertEqual(call_number(second.name), call_number(first.name) + 1)
		finally:
			cleanup_leads([lead])


class TestLeadCallLogLockOrder(CallTestCase):
	"""Every writer locks the Lead before the call: a desk save of an existing call too (Frappe reads the
	stored call FOR UPDATE before `validate`), so that it never deadlocks against a `log_call` on the same
	lead that locks the Lead and then the lead's missed calls (their call-back times)."""

	def test_a_desk_save_locks_the_lead_before_the_call(self):
		from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import LeadCallLog

		lead = make_lead("CSC Lock Order Lead").name
		call = make_call(lead, "busy", call_time=minutes_ago(30)).name
		frappe.db.commit()
		inside, release = threading.Event(), threading.Event()
		validate = LeadCallLog.validate

		def paused_validate(doc):
			if threading.current_thread() is not threading.main_thread():
				inside.set()  # the stored call is locked now (check_if_latest): is the Lead?
				release.wait(timeout=30)
			return validate(doc)

		def save():
			doc = frappe.get_doc("Lead Call Log", call)
			doc.note = "edited at the desk"
			doc.save()

		LeadCallLog.validate = paused_validate
		try:
			thread, result = on_own_connection(save, user="Administrator")
			self.assertTrue(inside.wait(timeout=30))
			with self.assertRaises(Exception) as locked:  # the Lead's row lock is held by the desk save
				frappe.db.sql("SELECT name FROM `tabLead` WHERE name = %s FOR UPDATE NOWAIT", lead)
			self.assertIn("lock", str(locked.exception).lower())
		finally:
			frappe.db.rollback()  # gives back the Lead's lock where this connection took it
			release.set()
			thread.join(timeout=60)
			LeadCallLog.validate = validate
			self.assertEqual(result, [None])
			self.assertEqual(frappe.db.get_value("Lead Call Log", call, "note"), "edited at the desk")
			frappe.delete_doc("Lead Call Log", call, force=True)
			cleanup_leads([lead])
			frappe.db.commit()
