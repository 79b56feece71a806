"""Call intake you can trust (DESIGN.md §1a, §4): the user's roles decide what a call may say, a call on
a Lead needs write permission on it, protected statuses hold, ownership cannot be taken over, computed
fields never come from a client, and bad input is a clear 4xx with nothing written. Real HTTP requests
through Frappe's WSGI application (each committed, as in production)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from call_status_crm.tests.cases import API, CommittedCallTestCase
from call_status_crm.tests.utils import (
	AGENT,
	AGENT_2,
	AGENT_3,
	AI_AGENT,
	INTEGRATION,
	MANAGER,
	ApiClient,
	ago,
	cleanup_leads,
	make_lead,
	make_test_users,
	save_at_once,
)

RESOURCE = "/api/resource/Lead Call Log"


class IntakeTestCase(CommittedCallTestCase):
	"""Each test starts with one committed lead."""

	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Intake Lead")

	def log(self, client, **data):
		data.setdefault("lead", self.lead)
		data.setdefault("call_time", ago(3))
		response = self.post(client, "log_call", **data)
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]


class TestAudienceFromRoles(IntakeTestCase):
	def test_an_agent_cannot_claim_another_source_or_a_hidden_status(self):
		for extra in ({"source": "Dialler"}, {"source": "Telephony"}, {"source": "AI Agent"}):
			response = self.assertNothingWritten(
				lambda extra=extra: self.post(
					self.agent, "log_call", lead=self.lead, call_status="canceled", **extra
				)
			)
			self.assertRefused(response, 403, "You may not log calls with source")
		# no source at all: the agent's calls are Manual, so a status hidden from agents is refused
		response = self.assertNothingWritten(
			lambda: self.post(self.agent, "log_call", lead=self.lead, call_status="canceled")
		)
		self.assertRefused(response, 417, "cannot be picked")
		# the same over REST
		response = self.assertNothingWritten(
			lambda: self.agent.post(
				RESOURCE, {"lead": self.lead, "call_status": "busy", "source": "Dialler", "call_time": ago(2)}
			)
		)
		self.assertRefused(response, 403, "You may not log calls with source")
		call = self.log(self.agent, call_status="busy")
		self.assertEqual(self.calls()[0].source, "Manual")
		self.assertEqual(call["call_status"], "busy")

	def test_an_ai_agent_gets_ai_statuses_and_its_own_source(self):
		frappe.db.set_value("Call Status", "voicemail", "show_to_ai_agent", 0)
		frappe.db.commit()
		self.addCleanup(
			lambda: (
				frappe.db.set_value("Call Status", "voicemail", "show_to_ai_agent", 1),
				frappe.db.commit(),
			)
		)
		response = self.assertNothingWritten(
			lambda: self.post(self.ai, "log_call", lead=self.lead, call_status="voicemail")
		)
		self.assertRefused(response, 417, "cannot be picked")
		response = self.post(self.ai, "log_call", lead=self.lead, call_status="busy", source="Manual")
		self.assertRefused(response, 403, "You may not log calls with source")
		self.assertRefused(response, 403, "You may not log calls with source")
		self.log(self.ai, call_status="busy")
		[call] = self.calls()
		self.assertEqual((call.source, call.agent), ("AI Agent", AI_AGENT))

	def test_an_integration_sets_system_statuses_for_any_agent(self):
		self.log(
			self.integration, call_status="ivr_drop", direction="Incoming", agent=AGENT, external_id="x-1"
		)
		[call] = self.calls()
		self.assertEqual(
			(call.call_status, call.agent, call.source, call.external_id),
			("ivr_drop", AGENT, "Dialler", "x-1"),
		)
		self.assertEqual(self.lead_status(), "Missed")

	def test_an_agents_start_call_may_set_in_progress_on_their_own_call(self):
		response = self.post(self.agent, "start_call", external_id="dial-1", lead=self.lead, call_time=ago(2))
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["external_id"], "dial-1")
		[call] = self.calls()
		self.assertEqual((call.call_status, call.agent, call.source), ("in_progress", AGENT, "Manual"))
		# In-progress is still not theirs to pick by hand
		response = self.post(self.agent, "log_call", lead=self.lead, call_status="in_progress")
		self.assertRefused(response, 417, "cannot be picked")


class TestLeadPermission(IntakeTestCase):
	def restrict(self, user: str, lead: str):
		"""A User Permission limiting `user` to `lead` (as ERPNext admins restrict agents)."""
		doc = frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "Lead",
				"for_value": lead,
				"apply_to_all_doctypes": 1,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(
			lambda: (frappe.delete_doc("User Permission", doc.name, force=True), frappe.db.commit())
		)

	def test_a_call_needs_write_permission_on_the_lead(self):
		other = self.new_lead("CSC Someone Else's Lead", mobile_no="+91 98765 11111")
		self.restrict(AGENT_3, self.lead)
		agent_3 = ApiClient(AGENT_3)
		self.assertEqual(agent_3.get(f"/api/resource/Lead/{other}").status_code, 403)
		for status in ("disqualified", "called"):
			response = self.assertNothingWritten(
				lambda status=status: self.post(agent_3, "log_call", lead=other, call_status=status), other
			)
			# Frappe's own User Permission check refuses the link before our controller runs
			self.assertRefused(response, 403, "does not have access")
		response = self.post(agent_3, "log_call", lead=self.lead, call_status="busy", call_time=ago(2))
		self.assertEqual(response.status_code, 200, response.text)

	def test_an_agent_without_lead_write_permission_is_refused(self):
		from call_status_crm.tests.utils import make_user

		no_leads = ApiClient(make_user("csc.no.leads@example.com", ["Call Agent"]))
		response = self.assertNothingWritten(
			lambda: self.post(no_leads, "log_call", lead=self.lead, call_status="disqualified", duration=20)
		)
		self.assertRefused(response, 403, "You may not log calls on Lead")
		response = self.post(
			no_leads, "log_call", direction="Incoming", call_status="missed", phone="98765 44444"
		)
		self.assertEqual(response.status_code, 200, response.text)

	def test_the_lead_check_answers_what_frappes_document_check_answers(self):
		"""`can_write_lead` skips loading the Lead only where Frappe's document check cannot say no."""
		from frappe.share import add_docshare

		from call_status_crm import permissions
		from call_status_crm.tests.utils import make_user

		other = self.new_lead("CSC Shared Lead")
		no_leads = make_user("csc.no.leads@example.com", ["Call Agent"])
		add_docshare("Lead", other, no_leads, write=1, flags={"ignore_share_permission": True})
		frappe.db.commit()
		self.restrict(AGENT_3, self.lead)
		expected = {
			(AGENT, self.lead): True,
			(AGENT, other): True,
			(AGENT_3, self.lead): True,
			(AGENT_3, other): False,  # a User Permission for another Lead
			(no_leads, self.lead): False,  # no role may write Leads
			(no_leads, other): True,  # shared with them
		}
		for (user, lead), allowed in expected.items():
			answers = (
				permissions.can_write_lead(lead, user),
				frappe.has_permission("Lead", "write", doc=lead, user=user),
			)
			self.assertEqual(answers, (allowed, allowed), (user, lead))
		self.assertEqual(
			[permissions.writes_every_lead(user) for user in (AGENT, AGENT_3, no_leads)], [True, False, False]
		)

	def test_an_inbound_number_never_moves_or_discloses_a_lead_the_caller_cannot_write(self):
		other = self.new_lead("CSC Hidden Lead", mobile_no="+91 98765 22222")
		self.restrict(AGENT_3, self.lead)
		agent_3 = ApiClient(AGENT_3)
		response = self.post(
			agent_3, "log_call", direction="Incoming", call_status="missed", phone="9876522222"
		)
		self.assertEqual(response.status_code, 200, response.text)
		message = response.json["message"]
		self.assertEqual((message["lead"], message["lead_status_now"]), (None, None))
		self.assertNotIn(other, response.text)
		self.assertEqual(self.lead_status(other), "Lead")
		self.assertEqual(self.calls(other), [])
		# the agent who may write it gets the match
		message = self.log(
			self.agent, lead=None, direction="Incoming", call_status="missed", phone="9876522222"
		)
		self.assertEqual((message["lead"], message["lead_status_now"]), (other, "Missed"))


class TestProtectedAndSystemStatuses(IntakeTestCase):
	def test_a_call_never_sets_a_protected_lead_status(self):
		for status in ("Converted", "Do Not Contact"):
			response = self.assertNothingWritten(
				lambda status=status: self.post(
					self.agent,
					"log_call",
					lead=self.lead,
					call_status="called",
					duration=20,
					lead_status=status,
				)
			)
			self.assertRefused(response, 417, "is a protected Lead status")
		response = self.post(
			self.integration, "log_call", lead=self.lead, call_status="called", lead_status="Converted"
		)
		self.assertRefused(response, 417, "is a protected Lead status")
		choices = self.agent.get(API + "get_lead_status_choices").json["message"]["choices"]
		self.assertIn("Interested", choices)
		self.assertNotIn("Converted", choices)
		status = frappe.get_doc("Call Status", "qualified")
		status.lead_status = "Converted"
		self.assertRaises(frappe.ValidationError, status.save)

	def test_a_system_status_keeps_its_meaning(self):
		frappe.set_user(MANAGER)
		try:
			self.assert_catalogue_fields_locked()
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()

	def assert_catalogue_fields_locked(self):
		for fieldname, value in (("outcome", "Connected"), ("direction", "Any"), ("set_by", "System")):
			status = frappe.get_doc("Call Status", "busy")
			status.set(fieldname, value)
			with self.assertRaisesRegex(frappe.ValidationError, "is fixed by the app"):
				status.save()
		# what admins own still saves
		status = frappe.get_doc("Call Status", "busy")
		status.status_title = "Line busy"
		status.save()
		self.assertEqual(frappe.db.get_value("Call Status", "busy", "status_title"), "Line busy")

	def test_migrate_brings_catalogue_fixes_to_existing_sites(self):
		from call_status_crm.install import ensure_system_call_statuses

		frappe.db.set_value(
			"Call Status", "busy", {"outcome": "Connected", "direction": "Any", "status_title": "Mine"}
		)
		self.assertEqual(ensure_system_call_statuses(), ["busy"])
		self.assertEqual(
			frappe.db.get_value("Call Status", "busy", ["outcome", "direction", "status_title"]),
			("Attempt", "Outgoing", "Mine"),
		)
		self.assertEqual(ensure_system_call_statuses(), [])
		frappe.db.rollback()


class TestOwnership(IntakeTestCase):
	def test_another_agent_cannot_take_a_call_over(self):
		mine = self.log(self.agent, call_status="follow_up", follow_up_at=ago(-24 * 60), external_id="a-call")
		name = mine["name"]
		todo = self.calls()[0].follow_up
		# REST PUT naming yourself the agent: checked against the call as stored
		response = self.agent_2.put(f"{RESOURCE}/{name}", {"agent": AGENT_2, "note": "mine now"})
		self.assertEqual(response.status_code, 403, response.text)
		response = self.agent_2.post(
			"/api/method/frappe.client.set_value",
			{"doctype": "Lead Call Log", "name": name, "fieldname": "agent", "value": AGENT_2},
		)
		self.assertIn(response.status_code, (403, 404), response.text)
		self.assertNotIn("follow_up", response.text)
		# the same external id from another agent is that agent's own call, not A's
		theirs = self.log(self.agent_2, call_status="busy", external_id="a-call", call_time=ago(1))
		self.assertNotEqual(theirs["name"], name)
		self.assertEqual(theirs["external_id"], "a-call")
		response = self.post(self.agent_2, "end_call", external_id="a-call", call_status="called", duration=5)
		self.assertEqual(response.json["message"]["name"], theirs["name"])
		frappe.db.rollback()
		call = frappe.get_doc("Lead Call Log", name)
		self.assertEqual((call.agent, call.call_status, call.note), (AGENT, "follow_up", None))
		self.assertEqual(frappe.db.get_value("ToDo", todo, "allocated_to"), AGENT)
		# a manager may move the call to another agent
		response = self.manager.put(f"{RESOURCE}/{name}", {"agent": AGENT_2})
		self.assertEqual(response.status_code, 200, response.text)

	def test_computed_fields_are_never_taken_from_a_client(self):
		if not frappe.db.exists("Branch", "CSC Forged Branch"):
			frappe.get_doc({"doctype": "Branch", "branch": "CSC Forged Branch"}).insert(
				ignore_permissions=True
			)
			frappe.db.commit()
		mine = self.log(self.agent, call_status="follow_up", follow_up_at=ago(-24 * 60))
		a_todo = self.calls()[0].follow_up
		forged = {
			"branch": "CSC Forged Branch",
			"follow_up_status": "Closed",
			"previous_lead_status": "Converted",
			"called_back_at": ago(1),
			"outcome": "Connected",
			"is_connected": 1,
			"call_date": "2001-01-01",
		}
		response = self.agent_2.post(
			RESOURCE,
			{"lead": self.lead, "call_status": "busy", "call_time": ago(2), "follow_up": a_todo, **forged},
		)
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		theirs = frappe.get_doc("Lead Call Log", response.json["data"]["name"])
		self.assertEqual(
			[
				theirs.get(f)
				for f in ("follow_up", "branch", "department", "follow_up_status", "called_back_at")
			],
			[None, None, None, None, None],
		)
		self.assertEqual(
			(theirs.outcome, theirs.is_connected, theirs.previous_lead_status), ("Attempt", 0, "Followups")
		)
		self.assertEqual(frappe.db.get_value("ToDo", a_todo, ["allocated_to", "status"]), (AGENT, "Open"))
		# and on an update of one's own call
		response = self.agent.put(f"{RESOURCE}/{mine['name']}", {"note": "ok", **forged})
		self.assertEqual(response.status_code, 200, response.text)
		frappe.db.rollback()
		call = frappe.get_doc("Lead Call Log", mine["name"])
		self.assertEqual(
			(call.follow_up_status, call.previous_lead_status, call.called_back_at), ("Open", "Lead", None)
		)
		self.assertEqual(call.note, "ok")

	def test_an_update_by_external_id_changes_only_what_it_says(self):
		self.log(self.integration, call_status="called", duration=42, external_id="ext-1", source="Telephony")
		self.log(self.integration, call_status="called", note="resent", external_id="ext-1")
		self.post(self.integration, "end_call", external_id="ext-1", call_status="called", note="ended")
		[call] = self.calls()
		self.assertEqual(
			(call.duration, call.is_connected, call.source, call.note), (42, 1, "Telephony", "ended")
		)

	def test_the_edit_window(self):
		call = self.log(self.agent, call_status="busy")["name"]
		frappe.db.set_value("Lead Call Log", call, "creation", add_to_date(now_datetime(), minutes=-31))
		frappe.db.commit()
		response = self.agent.put(f"{RESOURCE}/{call}", {"call_status": "no_answer"})
		self.assertRefused(response, 403, "only a Call Center Manager can change")
		response = self.agent.put(f"{RESOURCE}/{call}", {"note": "they asked for Tuesday"})
		self.assertEqual(response.status_code, 200, response.text)
		response = self.manager.put(f"{RESOURCE}/{call}", {"call_status": "no_answer"})
		self.assertEqual(response.status_code, 200, response.text)


class TestFollowUps(IntakeTestCase):
	def test_permission_first_then_existence(self):
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		for name in (call, "CALL-2026-99999"):
			response = self.post(self.agent_2, "schedule_follow_up", call=name, follow_up_at=ago(-60))
			self.assertRefused(response, 403, "is not one of your calls")
		response = self.post(
			self.manager, "schedule_follow_up", call="CALL-2026-99999", follow_up_at=ago(-60)
		)
		self.assertRefused(response, 404, "does not exist")
		response = self.agent_2.get(
			"/api/method/call_status_crm.follow_up.get_default_follow_up_at", {"agent": AGENT}
		)
		self.assertEqual(response.status_code, 403, response.text)

	def test_a_past_follow_up_is_refused_whenever_it_is_set(self):
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		response = self.post(self.agent, "schedule_follow_up", call=call, follow_up_at=ago(60))
		self.assertRefused(response, 417, "is in the past")
		self.assertEqual(frappe.db.count("ToDo", {"reference_name": self.lead}), 0)
		response = self.post(self.agent, "schedule_follow_up", call=call, follow_up_at="0000-00-00 00:00:00")
		self.assertRefused(response, 417, "is not a date and time")


class TestBadInput(IntakeTestCase):
	def test_bad_input_is_a_clear_4xx_and_writes_nothing(self):
		cases = (
			({"call_status": "called", "note": "x" * 100_000}, "at most"),
			({"call_status": "busy", "call_time": "0000-00-00 00:00:00"}, "is not a date and time"),
			({"call_status": "busy", "call_time": "1000-01-01"}, "is not a date and time"),
			({"call_status": ["busy"]}, "should be of type"),
		)
		for data, text in cases:
			response = self.assertNothingWritten(
				lambda data=data: self.post(self.agent, "log_call", lead=self.lead, **data)
			)
			self.assertRefused(response, 417, text)
		response = self.agent.post(
			RESOURCE, {"lead": self.lead, "call_status": "busy", "call_time": "1000-01-01"}
		)
		self.assertRefused(response, 417, "is not a real call time")
		call = self.log(self.agent, call_status="called", duration=20)["name"]
		response = self.post(
			self.agent, "schedule_follow_up", call=call, follow_up_at=ago(-60), note="x" * 100_000
		)
		self.assertRefused(response, 417, "at most")
		response = self.agent.get(
			API + "search_call_statuses",
			{
				"doctype": "Call Status",
				"txt": "",
				"searchfield": "name",
				"start": 0,
				"page_len": 5,
				"filters": "nonsense",
			},
		)
		self.assertRefused(response, 417, "Filters must be an object")

	def test_a_refused_report_run_is_a_417_and_no_error_log(self):
		errors = frappe.db.count("Error Log")
		for filters in (
			{"call_status": ["busy", "called"]},
			{"call_status": {"a": 1}},
			{"from_date": "0001-01-01"},
			{"from_date": "2026-13-45"},
		):
			response = self.agent.get(
				"/api/method/frappe.desk.query_report.run",
				{"report_name": "Call Status Summary", "filters": frappe.as_json(filters)},
			)
			self.assertRefused(response, 417, "Filter")
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Error Log"), errors)
		response = self.agent.get(
			"/api/method/frappe.desk.query_report.run",
			{"report_name": "Call Status Summary", "filters": frappe.as_json({"call_status": "busy"})},
		)
		self.assertEqual(response.status_code, 200, response.text)


class TestContention(FrappeTestCase):
	"""A dialler's start and end, replays and new calls for a few leads, from many connections at once:
	every request succeeds (a lead's calls locked through the lead index, locks in one order, a lost
	deadlock retried inside the request)."""

	def test_concurrent_events_for_a_few_leads_all_succeed(self):
		from call_status_crm import api

		make_test_users()
		leads = [make_lead(f"CSC Contended Lead {i}").name for i in range(3)]
		frappe.db.commit()
		self.addCleanup(cleanup_leads, leads)

		def events(n: int) -> list:
			lead, at = leads[n % 3], ago(30 - n)
			return [
				lambda: api.start_call(external_id=f"csc-cont-{n}", lead=lead, call_time=at),
				lambda: api.end_call(
					external_id=f"csc-cont-{n}", call_status="busy", lead=lead, call_time=at
				),
				lambda: api.log_call(
					external_id=f"csc-cont-{n}", call_status="busy", lead=lead, call_time=at
				),
				lambda: api.log_call(call_status="no_answer", lead=lead, call_time=ago(40 + n)),
			]

		errors, done = [], []
		for round_ in range(4):
			work = [event for n in range(round_ * 6, round_ * 6 + 6) for event in events(n)]
			names, failed = save_at_once(*work, user=INTEGRATION)
			done += names
			errors += failed
		self.assertEqual(errors, [])
		self.assertEqual(len(done), 96)
		frappe.db.rollback()
		for n in range(24):
			self.assertEqual(frappe.db.count("Lead Call Log", {"external_id": f"csc-cont-{n}"}), 1)
		for lead in leads:
			state = frappe.db.get_value("Lead", lead, ["status", "call_attempts"], as_dict=True)
			self.assertEqual((state.status, state.call_attempts), ("Not Picked", 16))


class TestLeadHistory(FrappeTestCase):
	"""DESIGN.md §4: the Lead's controller runs when a call changes its status, not on every dial."""

	def test_calls_that_do_not_change_the_status_write_no_version(self):
		from frappe.custom.doctype.property_setter.property_setter import make_property_setter

		# ERPNext ships Lead without Track Changes: a site that turns it on (Customize Form) gets Versions.
		# Frappe writes none while tests run (`ignore_version` follows `in_test`): as on a real site here.
		make_property_setter("Lead", None, "track_changes", 1, "Check", for_doctype=True)
		frappe.clear_cache(doctype="Lead")
		frappe.flags.in_test = False
		try:
			self.assert_versions_only_on_status_changes()
		finally:
			frappe.flags.in_test = True
			frappe.db.rollback()
			frappe.clear_cache(doctype="Lead")

	def assert_versions_only_on_status_changes(self):
		from call_status_crm.tests.utils import make_call, minutes_ago

		lead = make_lead("CSC History Lead").name
		make_call(lead, "busy", call_time=minutes_ago(100))  # Lead → Not Picked: a Version
		versions = frappe.db.count("Version", {"ref_doctype": "Lead", "docname": lead})
		self.assertGreaterEqual(versions, 1)
		modified = frappe.db.get_value("Lead", lead, "modified")
		for i in range(20):
			make_call(lead, ("busy", "no_answer")[i % 2], call_time=minutes_ago(99 - i))
		self.assertEqual(frappe.db.count("Version", {"ref_doctype": "Lead", "docname": lead}), versions)
		state = frappe.db.get_value("Lead", lead, ["status", "call_attempts", "modified"], as_dict=True)
		self.assertEqual((state.status, state.call_attempts), ("Not Picked", 21))
		self.assertGreater(state.modified, modified)  # a form opened before cannot save stale counters
		make_call(lead, "qualified", call_time=minutes_ago(1), duration=60)  # a real change: a Version
		self.assertEqual(frappe.db.count("Version", {"ref_doctype": "Lead", "docname": lead}), versions + 1)

	def test_a_reached_lead_leaves_its_recycled_status_from_every_door(self):
		from call_status_crm.tests.utils import make_call, minutes_ago

		lead = make_lead("CSC Reached Lead").name
		make_call(lead, "no_answer", call_time=minutes_ago(30))
		self.assertEqual(frappe.db.get_value("Lead", lead, "status"), "Not Picked")
		call = make_call(lead, "called", call_time=minutes_ago(5), duration=75)
		self.assertEqual(
			(call.lead_status, frappe.db.get_value("Lead", lead, "status")), ("Replied", "Replied")
		)
		# a Connected call on a lead in a status that is not recycled leaves it alone
		other = make_lead("CSC Interested Lead", status="Interested").name
		call = make_call(other, "called", call_time=minutes_ago(5), duration=75)
		self.assertEqual(
			(call.lead_status, frappe.db.get_value("Lead", other, "status")), (None, "Interested")
		)
		frappe.db.rollback()
