"""Factories and an HTTP client shared by the integration tests."""

import json
import threading

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client

TEST_PASSWORD = "Csc-test-Pa55word!"
AGENT = "csc.agent@example.com"
AGENT_2 = "csc.agent2@example.com"
AGENT_3 = "csc.agent3@example.com"
MANAGER = "csc.manager@example.com"
PLAIN_USER = "csc.plain@example.com"
SALES_USER = "csc.sales@example.com"  # ERPNext's Sales User with no call role: writes Leads, not calls
AI_AGENT = "csc.ai.agent@example.com"
INTEGRATION = "csc.integration@example.com"


def before_tests():
	"""`run-tests` runs only the tested app's `before_tests`: run ERPNext's too (its setup wizard's
	company, fiscal year and defaults), which the Lead's test records need on a new site."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()


def make_user(email: str, roles: list[str]) -> str:
	"""A desk user with exactly these roles (besides the automatic ones) and a known password; committed,
	so that requests served on another connection see it."""
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		).insert(ignore_permissions=True)
	user.set("roles", [])
	user.add_roles(*roles)
	user.new_password = TEST_PASSWORD
	user.flags.ignore_password_policy = True
	user.save(ignore_permissions=True)
	frappe.db.commit()
	return email


def make_test_users() -> None:
	# Agents open Leads with ERPNext's Sales User role, as the README says.
	make_user(AGENT, ["Call Agent", "Sales User"])
	make_user(AGENT_2, ["Call Agent", "Sales User"])
	make_user(AGENT_3, ["Call Agent", "Sales User"])
	make_user(MANAGER, ["Call Center Manager", "Sales User"])
	make_user(PLAIN_USER, ["Blogger"])
	make_user(SALES_USER, ["Sales User"])
	make_user(AI_AGENT, ["AI Call Agent", "Sales User"])
	make_user(INTEGRATION, ["Call Integration"])


def make_lead(name: str = "CSC Test Lead", **values):
	return frappe.get_doc({"doctype": "Lead", "lead_name": name, **values}).insert(ignore_permissions=True)


def make_call(lead: str | None, call_status: str, **values):
	"""A Lead Call Log saved through its controller and hooks, as the current user."""
	values.setdefault("direction", "Outgoing")
	values.setdefault("call_time", frappe.utils.add_to_date(frappe.utils.now_datetime(), minutes=-5))
	return frappe.get_doc(
		{"doctype": "Lead Call Log", "lead": lead, "call_status": call_status, **values}
	).insert()


def make_call_status(code: str, **kwargs):
	values = {
		"doctype": "Call Status",
		"code": code,
		"status_title": kwargs.pop("status_title", code.replace("_", " ").title()),
		"direction": "Any",
		"outcome": "Attempt",
		**kwargs,
	}
	return frappe.get_doc(values).insert()


def make_employee(user: str, branch: str) -> str:
	"""The user's Employee record (Company, Branch, Department) with the User Permissions ERPNext gives such
	a user (Employee and Company, for all doctypes)."""
	company = frappe.get_all("Company", pluck="name", order_by="creation asc", limit=1)[0]
	if not frappe.db.exists("Branch", branch):
		frappe.get_doc({"doctype": "Branch", "branch": branch}).insert()
	department = frappe.db.get_value("Department", {"department_name": "CSC Calls", "company": company})
	if not department:
		department = (
			frappe.get_doc({"doctype": "Department", "department_name": "CSC Calls", "company": company})
			.insert()
			.name
		)
	employee = frappe.db.get_value("Employee", {"user_id": user}) or (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": user.split("@")[0],
				"gender": "Female",
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"branch": branch,
				"department": department,
				"user_id": user,
			}
		)
		.insert()
		.name
	)
	for allow, value in (("Employee", employee), ("Company", company)):
		if not frappe.db.exists("User Permission", {"user": user, "allow": allow, "for_value": value}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": allow, "for_value": value}
			).insert()
	return employee


def minutes_ago(minutes: int):
	return frappe.utils.add_to_date(frappe.utils.now_datetime(), minutes=-minutes)


def ago(minutes: int) -> str:
	"""`minutes_ago` as a request sends it."""
	return str(minutes_ago(minutes))


class ApiClient:
	"""Real requests through Frappe's WSGI application, as one logged-in user (or Guest)."""

	def __init__(self, user: str | None = None, password: str = TEST_PASSWORD):
		self.client = get_test_client()
		if user:
			response = self.request("post", "/api/method/login", json={"usr": user, "pwd": password})
			assert response.status_code == 200, (user, response.status_code, response.text)

	def request(self, verb: str, path: str, **kwargs):
		return make_request(target=getattr(self.client, verb), args=(path,), kwargs=kwargs)

	def get(self, path: str, params: dict | None = None):
		return self.request("get", path, query_string=params)

	def post(self, path: str, data: dict):
		return self.request("post", path, json=data)

	def put(self, path: str, data: dict):
		return self.request("put", path, json=data)

	def delete(self, path: str):
		return self.request("delete", path)


def error_text(response) -> str:
	"""The server messages and exception of an error response, as one string to assert on."""
	body = response.json or {}
	parts = [body.get("exception") or "", body.get("exc_type") or "", body.get("_error_message") or ""]
	for message in json.loads(body.get("_server_messages") or "[]"):
		parts.append(json.loads(message).get("message", ""))
	return " | ".join(parts)


def cleanup_leads(leads):
	"""Delete leads a test committed (jobs commit per batch), with their calls, assignments and logs."""
	frappe.db.rollback()
	for lead in leads:
		if not frappe.db.exists("Lead", lead):
			continue
		for name in frappe.get_all("Lead Call Log", filters={"lead": lead}, pluck="name"):
			frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
		frappe.db.delete("Lead Reassignment", {"lead": lead})
		frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": lead})
		frappe.db.delete("Comment", {"reference_doctype": "Lead", "reference_name": lead})
		frappe.db.delete("Notification Log", {"document_type": "Lead", "document_name": lead})
		frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
	frappe.db.commit()


def on_own_connection(work, user: str | None = None, commit: bool = True) -> tuple[threading.Thread, list]:
	"""Start `work()` in a thread on its own database connection (as a request or a job is served), as
	`user`; committed after it (rolled back if `commit` is false or it raised). The list gets what it
	returned, or the error it raised, once the thread ends."""
	site, result = frappe.local.site, []

	def run():
		frappe.init(site=site)
		frappe.connect()
		try:
			if user:
				frappe.set_user(user)
			returned = work()
			if commit:
				frappe.db.commit()
			else:
				frappe.db.rollback()
			result.append(returned)  # once committed: a failed commit is the outcome, not the value
		except Exception as e:
			result.append(e)
			frappe.db.rollback()
		finally:
			frappe.destroy()

	thread = threading.Thread(target=run)
	thread.start()
	return thread, result


def at_once(*works, user: str | None = None, timeout: int = 60) -> list:
	"""Run each `work()` on its own connection (`on_own_connection`), all released at the same moment;
	returns what each returned or the error it raised, in order (None for one still running at `timeout`)."""
	barrier = threading.Barrier(len(works))

	def released(work):
		barrier.wait(timeout=30)
		return work()

	return joined([on_own_connection(lambda work=work: released(work), user=user) for work in works], timeout)


def joined(started: list[tuple[threading.Thread, list]], timeout: int = 60) -> list:
	"""Waits for threads of `on_own_connection`; what each returned or raised, in order (None for one still
	running at `timeout`)."""
	for thread, _result in started:
		thread.join(timeout=timeout)
	return [result[0] if result else None for _thread, result in started]


def save_at_once(*saves, user: str = AGENT) -> tuple[list[str], list[str]]:
	"""`at_once` for saves: the names they returned and the errors they raised."""
	results = at_once(*saves, user=user, timeout=120)
	errors = [repr(result) for result in results if isinstance(result, Exception)]
	names = [
		result["name"] if isinstance(result, dict) else result.name
		for result in results
		if result is not None and not isinstance(result, Exception)
	]
	return names, errors
