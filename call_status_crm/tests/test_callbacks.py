"""Callbacks (DESIGN.md §9): the callback type a call with a follow-up takes, its default per call status,
the cap on an agent's open callbacks and the settings' limits; each refusal clear, with nothing written."""

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.callbacks import (
	CallbackWithoutFollowUpError,
	InvalidCallbackSettingError,
	InvalidCallbackTypeError,
	TooManyCallbacksError,
)
from call_status_crm.core.call_queue import ANYONE, PERSONAL
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.call_queue_cases import CommittedQueueTestCase, QueueTestCase, configure
from call_status_crm.tests.utils import AGENT, AGENT_2, make_call, make_lead


def in_two_hours() -> str:
	return str(add_to_date(now_datetime(), hours=2))


class TestCallbackType(QueueTestCase):
	def setUp(self):
		super().setUp()
		self.lead = make_lead("CSC Callback Lead").name
		frappe.set_user(AGENT)

	def follow_up(self, **values):
		return make_call(self.lead, "follow_up", duration=20, follow_up_at=in_two_hours(), **values)

	def test_default_personal_then_the_status_default(self):
		self.assertEqual(self.follow_up().callback_type, PERSONAL)
		frappe.set_user("Administrator")
		frappe.db.set_value("Call Status", "follow_up", "default_callback_type", ANYONE)
		frappe.clear_document_cache("Call Status", "follow_up")
		frappe.set_user(AGENT)
		self.assertEqual(self.follow_up().callback_type, ANYONE)
		self.assertEqual(self.follow_up(callback_type=PERSONAL).callback_type, PERSONAL)

	def test_a_call_without_follow_up_has_no_callback(self):
		self.assertIsNone(make_call(self.lead, "busy").callback_type)

	def test_patch_gives_earlier_follow_ups_a_type(self):
		from call_status_crm.patches.v1_5 import set_callback_types

		call = self.follow_up().name
		busy = make_call(self.lead, "busy").name
		frappe.db.set_value("Lead Call Log", call, "callback_type", None)
		set_callback_types.execute()
		set_callback_types.execute()  # again: nothing changes
		self.assertEqual(frappe.db.get_value("Lead Call Log", call, "callback_type"), PERSONAL)
		self.assertIsNone(frappe.db.get_value("Lead Call Log", busy, "callback_type"))

	def test_refusals(self):
		before = frappe.db.count("Lead Call Log", {"lead": self.lead})
		with self.assertRaisesRegex(InvalidCallbackTypeError, "Callback Type"):
			self.follow_up(callback_type="Sometimes")
		with self.assertRaises(CallbackWithoutFollowUpError):
			make_call(self.lead, "busy", callback_type=ANYONE)
		self.assertEqual(frappe.db.count("Lead Call Log", {"lead": self.lead}), before)

	def test_cap_on_open_personal_callbacks(self):
		frappe.set_user("Administrator")
		configure(max_open_callbacks_per_agent=1)
		other = make_lead("CSC Callback Other").name
		frappe.set_user(AGENT)
		self.follow_up()
		with self.assertRaisesRegex(TooManyCallbacksError, "open Personal callbacks"):
			make_call(other, "follow_up", duration=20, follow_up_at=in_two_hours())
		self.assertEqual(frappe.db.count("ToDo", {"reference_name": other}), 0)
		# an Anyone callback is the pool's, and a new callback on the same lead replaces the old one
		make_call(other, "follow_up", duration=20, follow_up_at=in_two_hours(), callback_type=ANYONE)
		self.assertEqual(self.follow_up().callback_type, PERSONAL)

	def test_no_cap_when_zero(self):
		frappe.set_user("Administrator")
		configure(max_open_callbacks_per_agent=0)
		frappe.set_user(AGENT)
		for number in range(3):
			lead = make_lead(f"CSC Callback {number}").name
			make_call(lead, "follow_up", duration=20, follow_up_at=in_two_hours())


class TestCallbackSettings(QueueTestCase):
	def test_negative_minutes_refused(self):
		for field in ("callback_grace_minutes", "max_open_callbacks_per_agent", "queue_reservation_minutes"):
			before = frappe.db.get_single_value(SETTINGS, field)
			settings = frappe.get_single(SETTINGS)
			settings.set(field, -5)
			with self.assertRaisesRegex(InvalidCallbackSettingError, "0 or more"):
				settings.save()
			self.assertEqual(frappe.db.get_single_value(SETTINGS, field), before)


class TestCallbackDoors(CommittedQueueTestCase):
	def setUp(self):
		super().setUp()
		self.lead = self.new_lead("CSC Callback Door")

	def log(self, client, **data):
		return self.post(
			client,
			"log_call",
			lead=self.lead,
			call_status="follow_up",
			duration=20,
			follow_up_at=in_two_hours(),
			**data,
		)

	def test_log_call_takes_the_callback_type(self):
		response = self.log(self.agent, callback_type=ANYONE)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["callback_type"], ANYONE)

	def test_bad_callback_type_writes_nothing(self):
		for value in ("Sometimes", "personal"):
			self.assertNothingWritten(
				lambda v=value: self.assertRefused(
					self.log(self.agent, callback_type=v), 417, "Callback Type"
				)
			)
		self.assertNothingWritten(
			lambda: self.assertRefused(
				self.post(self.agent, "log_call", lead=self.lead, call_status="busy", callback_type=ANYONE),
				417,
				"needs a follow-up time",
			)
		)

	def test_a_personal_callback_for_another_agent_is_refused(self):
		self.assertNothingWritten(
			lambda: self.assertEqual(
				self.log(self.agent, callback_type=PERSONAL, agent=AGENT_2).status_code, 403
			)
		)
		call = self.log(self.agent_2, callback_type=ANYONE).json["message"]["name"]
		frappe.db.rollback()
		before = frappe.db.get_value("Lead Call Log", call, ["callback_type", "follow_up_at"])
		response = self.post(
			self.agent, "schedule_follow_up", call=call, follow_up_at=in_two_hours(), callback_type=PERSONAL
		)
		self.assertEqual(response.status_code, 403, response.text)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("Lead Call Log", call, ["callback_type", "follow_up_at"]), before
		)

	def test_schedule_follow_up_takes_the_callback_type(self):
		call = self.log(self.agent).json["message"]["name"]
		response = self.post(
			self.agent, "schedule_follow_up", call=call, follow_up_at=in_two_hours(), callback_type=ANYONE
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(response.json["message"]["callback_type"], ANYONE)
		self.assertRefused(
			self.post(
				self.agent, "schedule_follow_up", call=call, follow_up_at=in_two_hours(), callback_type="x"
			),
			417,
			"Callback Type",
		)

	def test_cap_over_rest_writes_nothing(self):
		self.set_committed(SETTINGS, SETTINGS, "max_open_callbacks_per_agent", 1)
		self.assertEqual(self.log(self.agent).status_code, 200)
		other = self.new_lead("CSC Callback Door Other")
		doc = {
			"lead": other,
			"call_status": "follow_up",
			"direction": "Outgoing",
			"duration": 20,
			"follow_up_at": in_two_hours(),
		}
		self.assertNothingWritten(
			lambda: self.assertRefused(
				self.agent.post("/api/resource/Lead Call Log", doc), 417, "open Personal callbacks"
			),
			lead=other,
		)
