app_name = "call_status_crm"
app_title = "Call Status CRM"
app_publisher = "call_status_crm developers"
app_description = "Call statuses for ERPNext Leads: call log, lead status, re-assignment and reports"
app_email = "maintainers@call-status-crm.invalid"
app_license = "mit"

required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

before_install = "call_status_crm.install.before_install"
after_install = ["call_status_crm.install.after_install", "call_status_crm.rollups.ensure_tables"]
after_migrate = ["call_status_crm.install.after_migrate", "call_status_crm.rollups.ensure_tables"]
before_uninstall = ["call_status_crm.install.before_uninstall", "call_status_crm.rollups.drop_tables"]
before_tests = "call_status_crm.tests.utils.before_tests"

# Only what the app owns outright; records admins edit come from install.py's ensure_* functions.
fixtures = [
	{
		"dt": "Role",
		"filters": [
			["name", "in", ["Call Agent", "Call Center Manager", "AI Call Agent", "Call Integration"]]
		],
	},
	{"dt": "Custom Field", "filters": [["module", "=", "Call Status CRM"]]},
]

doctype_js = {"Lead": "public/js/lead.js"}

doc_events = {
	"Lead": {
		"validate": [
			"call_status_crm.integrations.erpnext.lead.keep_call_fields",
			"call_status_crm.integrations.erpnext.lead.set_phone_keys",
			"call_status_crm.integrations.erpnext.lead_timezone.set_call_timezone",
		],
		"on_update": "call_status_crm.integrations.erpnext.lead.update_recycle_due_at",
		"after_rename": "call_status_crm.rollups.on_rename",
	},
	"Call Log": {
		"on_update": "call_status_crm.integrations.erpnext.call_log.on_call_log_update",
	},
	"ToDo": {
		"on_update": "call_status_crm.follow_up.on_todo_update",
	},
	# the roll-ups (DESIGN.md §11) follow a rename that Frappe applies to the calls' links in SQL
	"Campaign": {"after_rename": "call_status_crm.rollups.on_rename"},
	"User": {"after_rename": "call_status_crm.rollups.on_rename"},
	"Branch": {"after_rename": "call_status_crm.rollups.on_rename"},
	"Department": {"after_rename": "call_status_crm.rollups.on_rename"},
	"Employee": {
		"on_update": "call_status_crm.integrations.erpnext.employee.clear_agent_details",
		"on_trash": "call_status_crm.integrations.erpnext.employee.clear_agent_details",
		"after_rename": "call_status_crm.integrations.erpnext.employee.clear_agent_details",
	},
}

# Frappe's get_count applies no permission: for the app's doctypes, counts go through the reader's rights
override_whitelisted_methods = {"frappe.client.get_count": "call_status_crm.api.counts.get_count"}

permission_query_conditions = {
	"Lead Call Log": "call_status_crm.permissions.lead_call_log_query_conditions",
}

has_permission = {
	"Lead Call Log": "call_status_crm.permissions.lead_call_log_has_permission",
}

additional_timeline_content = {
	"Lead": ["call_status_crm.integrations.erpnext.lead.get_timeline_content"],
}

override_doctype_dashboards = {
	"Lead": "call_status_crm.integrations.erpnext.lead.get_dashboard_data",
}

scheduler_events = {
	"cron": {
		"*/5 * * * *": [
			"call_status_crm.jobs.reassignment.enqueue",
			"call_status_crm.jobs.stale_calls.enqueue",
			"call_status_crm.jobs.follow_ups.enqueue",
			"call_status_crm.jobs.call_events.enqueue",
			"call_status_crm.jobs.callbacks.enqueue",
		],
	},
}
app_include_js = "call_status_crm.bundle.js"
# the desk: call statuses' titles for every Link (no bare codes), and the Call Center workspace after login
boot_session = "call_status_crm.desk.boot_session"
on_session_creation = ["call_status_crm.desk.set_home_page"]

# a 503 from a call write that stayed deadlocked tells the client when to send again
after_request = ["call_status_crm.calls.add_retry_after"]
# a report run with filters of the wrong type is refused before Frappe's runner logs it as an error
before_request = ["call_status_crm.reports.refuse_bad_report_filters"]
