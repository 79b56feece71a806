"""The base classes of the integration tests: one place for the test users, the HTTP clients, the site's
country and the clean-up of what requests and jobs commit."""

import frappe
from frappe.tests.utils import FrappeTestCase

from call_status_crm.tests.utils import (
	AGENT,
	AGENT_2,
	AI_AGENT,
	INTEGRATION,
	MANAGER,
	PLAIN_USER,
	ApiClient,
	ago,
	cleanup_leads,
	error_text,
	make_lead,
	make_test_users,
)

API = "/api/method/call_status_crm.api."
RESOURCE = "/api/resource/Lead Call Log"


class CallTestCase(FrappeTestCase):
	"""The app's test users are made once per class; each test starts as Administrator and is rolled
	back."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_users()

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def use_country(self, country: str) -> None:
		"""The site's default country (System Settings) for this test, the one national numbers are read
		with; the site's own comes back after the test (after its rollback, so the cache agrees)."""
		before = frappe.db.get_default("country")
		frappe.db.set_default("country", country)
		self.addCleanup(frappe.db.set_default, "country", before)


class CommittedCallTestCase(CallTestCase):
	"""For what commits: real HTTP requests (each on its own database connection, as in production) and
	jobs. Leads made with `new_lead` are committed, and deleted with their calls after each test, as are
	inbound calls that matched no lead."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls._clients = {}

	@classmethod
	def client(cls, user: str | None = None) -> ApiClient:
		"""A logged-in HTTP client for `user` (Guest when None), made once per class."""
		if user not in cls._clients:
			cls._clients[user] = ApiClient(user)
		return cls._clients[user]

	agent = property(lambda self: self.client(AGENT))
	agent_2 = property(lambda self: self.client(AGENT_2))
	ai = property(lambda self: self.client(AI_AGENT))
	integration = property(lambda self: self.client(INTEGRATION))
	manager = property(lambda self: self.client(MANAGER))
	plain = property(lambda self: self.client(PLAIN_USER))
	guest = property(lambda self: self.client(None))

	def setUp(self):
		super().setUp()
		self.leads = []

	def tearDown(self):
		frappe.set_user("Administrator")
		cleanup_leads(self.leads)
		for name in frappe.get_all(
			"Lead Call Log", {"lead": ("is", "not set"), "owner": ("like", "csc.%")}, pluck="name"
		):
			frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def set_committed(self, doctype: str, name: str, field: str, value) -> None:
		"""Set and commit a value for this test (requests on other connections see it); the value it
		had comes back, committed, after the test."""
		before = frappe.db.get_value(doctype, name, field)
		frappe.db.set_value(doctype, name, field, value)
		frappe.db.commit()
		self.addCleanup(lambda: (frappe.db.set_value(doctype, name, field, before), frappe.db.commit()))

	def restrict(self, user: str, lead: str) -> None:
		"""A committed User Permission limiting `user` to `lead` (as ERPNext admins restrict agents),
		deleted through Frappe (which clears its cached user permissions) after the test."""
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

	def new_lead(self, name: str = "CSC Test Lead", **values) -> str:
		lead = make_lead(name, **values).name
		frappe.db.commit()
		self.leads.append(lead)
		return lead

	def calls(self, lead: str | None = None, **filters) -> list[frappe._dict]:
		"""The lead's calls as committed (a fresh snapshot), oldest first."""
		frappe.db.rollback()
		return frappe.get_all(
			"Lead Call Log",
			filters={"lead": lead or self.lead, **filters},
			fields=["*"],
			order_by="creation asc",
		)

	def lead_status(self, lead: str | None = None) -> str:
		frappe.db.rollback()
		return frappe.db.get_value("Lead", lead or self.lead, "status")

	def post(self, client: ApiClient, method: str, **data):
		return client.post(API + method, data)

	def assertRefused(self, response, status_code: int, text: str):
		"""The response is this HTTP status and its messages say `text` (never an empty check)."""
		self.assertTrue(text, "say which message the refusal must carry")
		self.assertEqual(response.status_code, status_code, response.text)
		self.assertIn(text, error_text(response))

	def assertNothingWritten(self, send, lead: str | None = None):
		"""`send()` writes no call and leaves the Lead's status as it was; returns its response."""
		before = (len(self.calls(lead)), self.lead_status(lead))
		response = send()
		self.assertEqual((len(self.calls(lead)), self.lead_status(lead)), before)
		return response


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
