"""Unknown callers (DESIGN.md §10): flagged, called back, made a Lead (by hand or automatically), one Lead
per number under concurrent calls, the site's own numbers never matched nor made Leads."""

import frappe

from call_status_crm import unknown_callers
from call_status_crm.tests.inbound_cases import NO_LEAD_AGENT, InboundTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, INTEGRATION, MANAGER, ago, save_at_once


class TestUnknownCallers(InboundTestCase):
	def test_an_unknown_inbound_call_is_flagged_and_a_known_one_is_not(self):
		unknown = self.number()
		call = self.inbound(self.agent, unknown)
		self.assertEqual((call["lead"], self.call(call["name"]).unknown_caller), (None, 1))

		known = self.number()
		lead = self.new_lead("CSC Known Caller", mobile_no=known)
		call = self.inbound(self.agent, known)
		self.assertEqual((call["lead"], self.call(call["name"]).unknown_caller), (lead, 0))
		# the list filter Unknown Caller is the indexed flag
		frappe.db.rollback()
		flagged = frappe.get_all(
			"Lead Call Log", {"unknown_caller": 1, "phone_key": ("in", self.keys)}, pluck="phone"
		)
		self.assertEqual(flagged, [unknown])
		# the call list's saved filter Unknown Caller, for everyone
		saved = frappe.get_all(
			"List Filter",
			{"reference_doctype": "Lead Call Log", "filter_name": "Unknown Caller"},
			["for_user", "filters"],
		)
		self.assertEqual(
			[(row.for_user or "", frappe.parse_json(row.filters)) for row in saved],
			[("", [["Lead Call Log", "unknown_caller", "=", 1, False]])],
		)

	def test_the_sites_own_numbers_are_never_matched_nor_flagged(self):
		own = self.number()
		self.new_lead("CSC Lead With Our Number", mobile_no=own)
		self.set_setting("own_phone_numbers", f"+91 80 4000 1234\n{own}")
		call = self.inbound(self.integration, own, agent=AGENT)
		self.assertEqual((call["lead"], self.call(call["name"]).unknown_caller), (None, 0))

	def test_create_lead_takes_every_lead_less_call_of_the_number(self):
		phone = self.number()
		first = self.inbound(self.agent, phone)
		other_agents = self.inbound(self.integration, phone, agent=AGENT_2)
		response = self.post(
			self.agent, "create_lead_from_call", call=first["name"], lead_name="CSC New Caller"
		)
		self.assertEqual(response.status_code, 200, response.text)
		lead = response.json["message"]
		self.leads.append(lead)
		frappe.db.rollback()
		values = frappe.db.get_value(
			"Lead", lead, ["lead_name", "mobile_no", "mobile_key", "status"], as_dict=True
		)
		self.assertEqual((values.lead_name, values.mobile_no), ("CSC New Caller", phone))
		self.assertEqual(values.mobile_key, self.keys[0])
		# the Lead's status follows its calls as if they had been logged on it (two Missed calls)
		self.assertEqual(values.status, "Missed")
		for name in (first["name"], other_agents["name"]):
			self.assertEqual((self.call(name).lead, self.call(name).unknown_caller), (lead, 0))
		self.assertEqual(frappe.db.get_value("Lead", lead, "call_attempts"), 2)

	def test_create_lead_sets_the_inbound_call_source_where_the_site_has_it(self):
		if not frappe.db.exists("Lead Source", unknown_callers.INBOUND_LEAD_SOURCE):
			frappe.get_doc(
				{"doctype": "Lead Source", "source_name": unknown_callers.INBOUND_LEAD_SOURCE}
			).insert(ignore_permissions=True)
			frappe.db.commit()
			self.addCleanup(
				lambda: (
					frappe.delete_doc("Lead Source", unknown_callers.INBOUND_LEAD_SOURCE, force=True),
					frappe.db.commit(),
				)
			)
		call = self.inbound(self.agent, self.number())
		lead = self.post(self.manager, "create_lead_from_call", call=call["name"]).json["message"]
		self.leads.append(lead)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Lead", lead, "source"), unknown_callers.INBOUND_LEAD_SOURCE)

	def test_create_lead_refusals_write_nothing(self):
		phone = self.number()
		call = self.inbound(self.agent, phone)["name"]
		known = self.inbound(self.agent, self.number())["name"]
		self.assertEqual(self.post(self.agent, "create_lead_from_call", call=known).status_code, 200)
		frappe.db.rollback()
		leads_before = frappe.db.count("Lead")
		for client, call_name, status, text in (
			(self.agent, known, 417, "already has Lead"),  # a call that has a Lead
			(self.client(NO_LEAD_AGENT), call, 403, "You may not create Leads"),
			(self.agent_2, call, 403, "is not one of your calls"),  # another agent's call
			(self.plain, call, 403, None),  # no call role
			(self.guest, call, 403, None),
		):
			response = self.post(client, "create_lead_from_call", call=call_name)
			if text:
				self.assertRefused(response, status, text)
			else:
				self.assertEqual(response.status_code, status, response.text)
			frappe.db.rollback()
			self.assertEqual(frappe.db.count("Lead"), leads_before)
		self.assertEqual((self.call(call).lead, self.call(call).unknown_caller), (None, 1))
		self.assertEqual(self.leads_with(phone), [])

	def test_create_lead_for_unknown_callers_makes_one_lead_for_calls_at_once(self):
		self.set_setting("create_lead_for_unknown_callers", 1)
		phone = self.number()
		earlier = self.inbound(self.integration, phone, agent=AGENT)  # one Lead from the first call
		lead = earlier["lead"]
		self.assertTrue(lead)
		self.assertEqual(self.leads_with(phone), [lead])

		# two calls from a new number on two connections at once, committed: one Lead, both calls on it
		phone = self.number()

		def inbound():
			from call_status_crm import api

			return api.log_call(call_status="missed", direction="Incoming", phone=phone, call_time=ago(3))

		names, errors = save_at_once(inbound, inbound, user=INTEGRATION)
		self.assertEqual(errors, [])
		leads = self.leads_with(phone)
		self.assertEqual(len(leads), 1, leads)
		self.assertEqual({self.call(name).lead for name in names}, {leads[0]})

	def test_two_create_leads_at_once_make_one_lead(self):
		phone = self.number()
		calls = [self.inbound(self.integration, phone, agent=AGENT)["name"] for _ in range(2)]

		def create(call):
			from call_status_crm import api

			return lambda: {"name": api.create_lead_from_call(call)}

		names, errors = save_at_once(create(calls[0]), create(calls[1]), user=MANAGER)
		leads = self.leads_with(phone)
		self.assertEqual(len(leads), 1, (names, errors))
		# the second found its call taken by the first one's Lead: a clear refusal, nothing written
		self.assertEqual(len(errors), 1, errors)
		self.assertIn("CallHasLeadError", errors[0])
		self.assertEqual({self.call(name).lead for name in calls}, {leads[0]})

	def test_own_numbers_are_never_made_leads(self):
		self.set_setting("create_lead_for_unknown_callers", 1)
		own = self.number()
		self.set_setting("own_phone_numbers", own)
		call = self.inbound(self.integration, own, agent=AGENT)
		self.assertEqual(call["lead"], None)
		self.assertEqual(self.leads_with(own), [])
		self.assertRefused(
			self.post(self.manager, "create_lead_from_call", call=call["name"]), 417, "own numbers"
		)
		self.assertEqual(self.leads_with(own), [])

	def test_call_back_an_unknown_caller(self):
		phone = self.number()
		missed = self.inbound(self.agent, phone)["name"]
		back = self.post(
			self.agent, "log_call", call_status="busy", direction="Outgoing", phone=phone, call_time=ago(2)
		)
		self.assertEqual(back.status_code, 200, back.text)
		self.assertEqual(back.json["message"]["lead"], None)
		self.assertTrue(self.call(missed).called_back_at)
		# a number that never called in still needs its Lead
		stranger = self.number()
		self.assertRefused(
			self.post(self.agent, "log_call", call_status="busy", direction="Outgoing", phone=stranger),
			417,
			"Lead is required",
		)

	def test_the_workspace_counts_unknown_callers_not_yet_called_back(self):
		path = "/api/method/call_status_crm.api.inbound.count_unknown_callers_to_call_back"

		def count():
			response = self.agent.get(path)
			self.assertEqual(response.status_code, 200, response.text)
			return response.json["message"]["value"]

		before = count()
		twice, once = self.number(), self.number()
		self.inbound(self.agent, twice)
		self.inbound(self.agent, twice)
		self.inbound(self.agent, once)
		self.inbound(self.agent_2, self.number())  # another agent's caller: not in this agent's count
		self.assertEqual(count(), before + 2)  # callers, not calls
		self.post(
			self.agent, "log_call", call_status="busy", direction="Outgoing", phone=once, call_time=ago(1)
		)
		self.assertEqual(count(), before + 1)
		for client in (self.plain, self.guest):
			self.assertEqual(client.get(path).status_code, 403)

	def test_own_numbers_setting_takes_only_numbers(self):
		settings = frappe.get_doc("Call Status CRM Settings")
		settings.own_phone_numbers = "+91 80 4000 1234\nreception"
		with self.assertRaises(unknown_callers.InvalidOwnNumberError):
			settings.save()
		frappe.db.rollback()
