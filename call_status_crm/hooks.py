app_name = "call_status_crm"
app_title = "Call Status CRM"
app_publisher = "call_status_crm developers"
app_description = "Call statuses for ERPNext Leads: call log, lead status, re-assignment and reports"
app_email = "maintainers@call-status-crm.invalid"
app_license = "mit"

required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

after_install = "call_status_crm.install.after_install"
after_migrate = "call_status_crm.install.after_migrate"
before_uninstall = "call_status_crm.install.before_uninstall"

# Only what the app owns outright; records admins edit come from install.py's ensure_* functions.
fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["Call Agent", "Call Center Manager"]]]},
	{"dt": "Custom Field", "filters": [["module", "=", "Call Status CRM"]]},
]
