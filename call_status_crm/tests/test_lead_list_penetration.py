"""Lead List Penetration (DESIGN.md §9): exact rows per campaign and lead status, what the calling rules
block, the filters, and an agent seeing only their own leads; refused runs write nothing."""

import frappe
from frappe.utils import now_datetime

from call_status_crm.call_status_crm.report.lead_list_penetration.lead_list_penetration import execute
from call_status_crm.do_not_call import add_number
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.call_queue_cases import CommittedQueueTestCase, QueueTestCase, assign, busy_lead
from call_status_crm.tests.cases import API
from call_status_crm.tests.utils import AGENT, AGENT_2, SALES_USER, make_lead

CAMPAIGN = "CSC Penetration Campaign"
COUNTED = ("leads", "never_called", "attempts_1", "due", "dialable_now", "blocked_dnc", "blocked_hours")


def ensure_campaign() -> None:
	if not frappe.db.exists("Campaign", CAMPAIGN):
		frappe.get_doc({"doctype": "Campaign", "campaign_name": CAMPAIGN}).insert(ignore_permissions=True)


def rows_of(filters: dict) -> dict[str, tuple]:
	_columns, data, _message, _chart, _summary = execute({"campaign": CAMPAIGN, **filters})
	return {row["lead_status"]: tuple(row[name] for name in COUNTED) for row in data}


class TestLeadListPenetration(QueueTestCase):
	def setUp(self):
		super().setUp()
		ensure_campaign()
		self.fresh = make_lead("CSC Pen Fresh", campaign_name=CAMPAIGN, call_timezone="UTC").name
		self.listed = make_lead(
			"CSC Pen Listed", campaign_name=CAMPAIGN, call_timezone="UTC", phone="+1 212 555 0177"
		).name
		self.recycled = busy_lead("CSC Pen Recycled", AGENT, 40)
		self.waiting = busy_lead("CSC Pen Waiting", AGENT, 10)
		for lead in (self.recycled, self.waiting):
			frappe.db.set_value("Lead", lead, {"campaign_name": CAMPAIGN, "call_timezone": "UTC"})
		assign(self.fresh, AGENT)
		assign(self.recycled, AGENT)
		assign(self.listed, AGENT_2)
		add_number("+1 212 555 0177", "Manual")

	def test_rows_with_the_rules_off(self):
		self.assertEqual(
			rows_of({}),
			{
				# leads, never called, 1 attempt, due, dialable, blocked DNC, blocked hours
				"Lead": (2, 2, 0, 2, 2, 0, 0),
				"Not Picked": (2, 0, 2, 1, 1, 0, 0),
			},
		)
		_columns, data, _message, chart, summary = execute(
			{"campaign": CAMPAIGN, "lead_status": "Not Picked"}
		)
		self.assertEqual(len(data), 1)
		self.assertEqual(chart["type"], "bar")
		self.assertEqual(summary[0]["value"], 2)

	def test_blocked_by_the_list_and_the_hours(self):
		rules = {
			"calling_rules_enabled": 1,
			"calling_window_start": "00:00:00",
			"calling_window_end": "23:59:59",
			**{f"call_on_{day}": 1 for day in DAYS},
		}
		frappe.db.set_single_value(SETTINGS, rules)
		# the list blocks; the rest is dialable
		self.assertEqual(rows_of({}), {"Lead": (2, 2, 0, 2, 1, 1, 0), "Not Picked": (2, 0, 2, 1, 1, 0, 0)})
		# today closed in the leads' zone (UTC): the rest waits for tomorrow
		frappe.db.set_single_value(SETTINGS, f"call_on_{DAYS[utc_weekday()]}", 0)
		self.assertEqual(rows_of({}), {"Lead": (2, 2, 0, 2, 0, 1, 1), "Not Picked": (2, 0, 2, 1, 0, 0, 1)})
		_columns, data, *_rest = execute({"campaign": CAMPAIGN})
		self.assertTrue(all(row["next_eligible_at"] > now_datetime() for row in data))

	def test_blocked_by_the_cap_and_the_list_counted_once(self):
		"""A due lead whose number reached the 24-hour cap, counted as the calling rules count it, is blocked
		by the cap; one that is also on the Do Not Call list counts there only."""
		from frappe.utils import add_to_date

		from call_status_crm.tests.utils import make_call

		capped = make_lead(
			"CSC Pen Capped", campaign_name=CAMPAIGN, call_timezone="UTC", phone="+1 212 555 0188"
		).name
		frappe.set_user(AGENT)
		# the capped lead: two calls in the last day, one to its number, one logged without a number (the
		# calling rules count both); the listed lead and the recycled one (setUp): one each
		make_call(capped, "busy", phone="+1 212 555 0188", call_time=add_to_date(now_datetime(), minutes=-45))
		for lead in (capped, self.listed):
			make_call(lead, "busy", call_time=add_to_date(now_datetime(), minutes=-40))
		frappe.set_user("Administrator")
		frappe.db.set_single_value(
			SETTINGS,
			{
				"calling_rules_enabled": 1,
				"calling_window_start": "00:00:00",
				"calling_window_end": "23:59:59",
				"max_attempts_per_number_24h": 2,
				**{f"call_on_{day}": 1 for day in DAYS},
			},
		)
		_columns, data, *_rest = execute({"campaign": CAMPAIGN, "lead_status": "Not Picked"})
		(row,) = data
		# recycled, listed and capped are due (waiting is not): one each way
		self.assertEqual(
			(row["leads"], row["due"], row["blocked_dnc"], row["blocked_cap"], row["dialable_now"]),
			(4, 3, 1, 1, 1),
		)

	def test_agent_filter_and_an_agent_sees_their_own(self):
		self.assertEqual(
			rows_of({"agent": AGENT}), {"Lead": (1, 1, 0, 1, 1, 0, 0), "Not Picked": (1, 0, 1, 1, 1, 0, 0)}
		)
		frappe.set_user(AGENT_2)
		self.assertEqual(
			rows_of({"agent": AGENT}), {"Lead": (1, 1, 0, 1, 1, 0, 0)}
		)  # their own, whatever asked


class TestLeadListPenetrationRule(QueueTestCase):
	"""The report's groups equal the rule applied lead by lead (`expected`, written here from DESIGN.md §9,
	not from the report's SQL): every kind of lead the scan must tell apart, one campaign."""

	def test_rows_equal_the_rule_lead_by_lead(self):
		from frappe.utils import add_to_date

		from call_status_crm.settings import get_protected_lead_statuses

		ensure_campaign()
		# two delays: each recycled status is held to its own
		settings = frappe.get_single(SETTINGS)
		for rule in settings.recycle_rules:
			rule.delay_minutes = {"Not Picked": 30, "Missed": 45}[rule.lead_status]
		settings.save()
		self.addCleanup(frappe.clear_document_cache, SETTINGS, SETTINGS)
		now = now_datetime()
		ago = lambda minutes: add_to_date(now, minutes=-minutes)  # noqa: E731
		protected = sorted({*get_protected_lead_statuses(), "Do Not Contact"})
		kinds = [
			# status, last call, attempts, recycle due at
			("Lead", None, 0, None),  # never called
			("Lead", ago(50), 1, None),  # called, status not recycled: not due
			("Not Picked", ago(50), 1, ago(20)),  # recycled, past its 30-minute delay: due
			("Not Picked", ago(40), 1, ago(10)),  # past its own delay, not Missed's longer one: due
			("Not Picked", ago(10), 2, add_to_date(now, minutes=20)),  # not yet: due in 20 minutes
			("Not Picked", ago(15), 3, add_to_date(now, minutes=15)),  # not yet: due in 15 minutes
			("Not Picked", ago(50), 4, None),  # recycles used up: exhausted
			("Not Picked", None, 0, add_to_date(now, minutes=30)),  # set by hand, never called: due
			("Missed", ago(10), 1, add_to_date(now, minutes=35)),  # the other recycled status: in 35 minutes
			("Missed", ago(40), 1, add_to_date(now, minutes=5)),  # past Not Picked's delay, not its own
			(protected[0], None, 0, None),  # protected, never called: never due
			(protected[0], ago(50), 5, None),  # protected, called: neither due nor exhausted
		]
		leads = []
		for number, (status, last, attempts, due_at) in enumerate(kinds):
			name = make_lead(f"CSC Pen Kind {number}", campaign_name=CAMPAIGN, call_timezone="UTC").name
			frappe.db.set_value(
				"Lead",
				name,
				{
					"status": status,
					"last_call_time": last,
					"call_attempts": attempts,
					"recycle_due_at": due_at,
				},
				update_modified=False,
			)
			leads.append(frappe._dict(status=status, last=last, attempts=attempts, due_at=due_at))

		delays = {"Not Picked": 30, "Missed": 45}

		def expected(status: str) -> dict:
			mine = [lead for lead in leads if lead.status == status]
			open_status = status not in protected
			recycled = open_status and status in delays
			due = [
				lead
				for lead in mine
				if open_status
				and (
					lead.last is None
					or (recycled and lead.due_at and lead.last <= add_to_date(now, minutes=-delays[status]))
				)
			]
			waiting = [
				add_to_date(lead.last, minutes=delays[status])
				for lead in mine
				if recycled
				and lead.due_at
				and lead.last
				and lead.last > add_to_date(now, minutes=-delays[status])
			]
			return {
				"leads": len(mine),
				"never_called": sum(lead.last is None for lead in mine),
				"attempts_1": sum(lead.attempts == 1 for lead in mine),
				"attempts_3_plus": sum(lead.attempts >= 3 for lead in mine),
				"due": len(due),
				"dialable_now": len(due),
				"exhausted": sum(bool(recycled and lead.last and not lead.due_at) for lead in mine),
				"next_eligible_at": None if due else (min(waiting) if waiting else None),
			}

		_columns, data, *_rest = execute({"campaign": CAMPAIGN})
		got = {
			row["lead_status"]: {
				**{name: row[name] for name in expected("Lead") if name != "next_eligible_at"},
				"next_eligible_at": None if row["dialable_now"] else row["next_eligible_at"],
			}
			for row in data
		}
		self.assertEqual(got, {status: expected(status) for status in {lead.status for lead in leads}})
		self.assertEqual(got["Not Picked"]["due"], 3)
		self.assertEqual(got["Not Picked"]["exhausted"], 1)
		self.assertEqual(got["Missed"]["due"], 0)
		self.assertEqual(got["Missed"]["next_eligible_at"], add_to_date(kinds[9][1], minutes=45))


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def utc_weekday() -> int:
	from datetime import datetime, timezone

	return datetime.now(timezone.utc).weekday()


class TestLeadListPenetrationDoors(CommittedQueueTestCase):
	def run_report(self, client, **filters):
		return client.get(
			"/api/method/frappe.desk.query_report.run",
			{"report_name": "Lead List Penetration", "filters": frappe.as_json(filters)},
		)

	def test_refused_runs(self):
		lead = self.new_lead("CSC Pen Door")
		for client in (self.guest, self.plain, self.client(SALES_USER)):
			response = self.assertNothingWritten(lambda c=client: self.run_report(c), lead=lead)
			self.assertIn(response.status_code, (401, 403), response.text)
		self.assertRefused(self.run_report(self.manager, lead_status=["Lead"]), 417, "lead_status")
		ok = self.run_report(self.agent)
		self.assertEqual(ok.status_code, 200, ok.text)
		self.assertTrue(API)
