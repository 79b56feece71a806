"""The desk without a stumble (issue 19), server side: where a call-centre user lands after login, the call
statuses' titles in the boot, a new status's sort order, what the Lead's timeline says a call did."""

import frappe
from frappe.tests.utils import change_settings

from call_status_crm.desk import boot_session, get_role_home_page, set_home_page
from call_status_crm.integrations.erpnext.lead import get_timeline_content
from call_status_crm.tests.cases import CallTestCase
from call_status_crm.tests.utils import AGENT, MANAGER, SALES_USER, make_call, make_call_status, make_lead

CALL_CENTER = "app/call-center"


class LoginManager:
	def __init__(self, user):
		self.user = user


class TestHomePage(CallTestCase):
	def land(self, user: str) -> str:
		frappe.local.response = frappe._dict(message="Logged In", home_page="/app/home")
		set_home_page(LoginManager(user))
		return frappe.local.response.home_page

	def test_the_app_roles_land_on_the_call_center_workspace(self):
		self.assertEqual(
			frappe.get_all(
				"Role",
				filters={"name": ("in", ["Call Agent", "Call Center Manager"])},
				pluck="home_page",
			),
			[CALL_CENTER, CALL_CENTER],
		)
		self.assertEqual(self.land(AGENT), "/" + CALL_CENTER)
		self.assertEqual(self.land(MANAGER), "/" + CALL_CENTER)

	def test_others_keep_frappes_landing(self):
		self.assertEqual(self.land(SALES_USER), "/app/home")
		self.assertEqual(self.land("Administrator"), "/app/home")

	def test_a_default_app_chosen_by_the_user_or_the_site_wins(self):
		frappe.db.set_value("User", AGENT, "default_app", "erpnext")
		self.assertIsNone(get_role_home_page(AGENT))
		frappe.db.set_value("User", AGENT, "default_app", "")
		with change_settings("System Settings", {"default_app": "erpnext"}):
			self.assertIsNone(get_role_home_page(AGENT))
		self.assertEqual(get_role_home_page(AGENT), CALL_CENTER)

	def test_a_role_home_page_set_by_the_admin_is_followed(self):
		frappe.db.set_value("Role", "Call Agent", "home_page", "app/lead")
		self.assertEqual(self.land(AGENT), "/app/lead")


class TestBootTitles(CallTestCase):
	def test_the_boot_carries_every_status_title_in_sort_order(self):
		frappe.db.set_value("Call Status", "no_answer", "status_title", "Nobody answered")
		frappe.set_user(AGENT)
		bootinfo = frappe._dict()
		boot_session(bootinfo)
		statuses = {row["name"]: row for row in bootinfo.call_statuses}
		self.assertEqual(
			statuses["no_answer"],
			{"name": "no_answer", "title": "Nobody answered", "direction": "Outgoing", "outcome": "Attempt"},
		)
		self.assertEqual(len(statuses), frappe.db.count("Call Status"))
		self.assertEqual(
			[row["name"] for row in bootinfo.call_statuses],
			frappe.get_all("Call Status", order_by="sort_order asc, status_title asc", pluck="name"),
		)

	def test_no_titles_for_a_user_who_cannot_read_statuses(self):
		frappe.set_user("Guest")
		bootinfo = frappe._dict()
		boot_session(bootinfo)
		self.assertNotIn("call_statuses", bootinfo)


class TestNewStatusSortOrder(CallTestCase):
	def test_a_new_status_goes_after_the_last(self):
		frappe.db.set_value("Call Status", "missed_by_system", "sort_order", 203)
		status = make_call_status("csc_call_later", status_title="Call later")
		self.assertEqual(status.sort_order, 210)
		self.assertEqual(make_call_status("csc_after_that").sort_order, 220)

	def test_a_sort_order_the_admin_gives_is_kept(self):
		self.assertEqual(make_call_status("csc_first", sort_order=5).sort_order, 5)


class TestTimeline(CallTestCase):
	def test_a_call_line_says_what_the_lead_became(self):
		lead = make_lead("CSC Timeline Lead").name
		make_call(lead, "busy")
		[line] = get_timeline_content("Lead", lead)
		self.assertIn("Busy", line["content"])
		self.assertIn("→ <strong>Not Picked</strong>", line["content"])
