"""Shared by the report tests: the campaign and branch they use, and a test case that seeds the calls the
reports are checked on."""

import datetime

import frappe
from frappe.desk.doctype.tag.tag import add_tag
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, make_call, make_lead

CAMPAIGN = "CSC Report Campaign"
BRANCH = "CSC Report Branch"


def last_wednesday_before(days: int) -> datetime.date:
	day = getdate(add_days(now_datetime(), -days))
	return add_days(day, -((day.weekday() - 2) % 7))


class CallReportsTestCase(CallTestCase):
	"""Each test starts with seven calls on three leads of one campaign, over six days from the last Wednesday
	at least two weeks back, some tagged; `filters()` selects exactly those."""

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
