"""The indexes the reports and lookups read through (DESIGN.md §6), created on install and migrate."""

import frappe

AGENT_REPORT_INDEX = "agent_call_date_index"
LEAD_INDEX = "lead_call_date_index"  # a lead's calls: the Lead hook's locking read, Campaign Call Performance
# Indexes earlier releases created (sessions 1 and 2 landed them); migrate drops them.
OBSOLETE_INDEXES = (
	"agent_call_time_index",
	"agent_report_index",
	"agent_performance_index",
	"call_time_status_index",
	"campaign_call_time_index",
	"lead_direction_call_time_index",
)


def add_call_indexes() -> None:
	"""Each report's index has the columns its query reads, in the order it reads them; reports filter
	on `call_date` (whole days)."""
	# Call Status Summary counts per day, status, outcome and connected in index order (no temp table)
	frappe.db.add_index(
		"Lead Call Log", ["call_date", "call_status", "outcome", "is_connected"], "call_date_status_index"
	)
	# Agent Call Performance groups by these three in index order and reads the rest from the index
	frappe.db.add_index(
		"Lead Call Log",
		[
			"agent",
			"branch",
			"department",
			"call_date",
			"outcome",
			"is_connected",
			"duration",
			"follow_up_at",
			"follow_up_status",
		],
		AGENT_REPORT_INDEX,
	)
	# Campaign Call Performance: calls per (campaign, lead) in index order; the leads now Interested are
	# found from the Lead side, then their calls by lead
	frappe.db.add_index(
		"Lead Call Log", ["campaign", "lead", "call_date", "is_connected"], "campaign_lead_index"
	)
	frappe.db.add_index("Lead Call Log", ["lead", "call_date", "campaign"], LEAD_INDEX)
	# Missed Call Service Level reads missed calls only, grouped by day, agent or branch
	frappe.db.add_index(
		"Lead Call Log",
		["outcome", "call_date", "direction", "agent", "branch", "call_time", "called_back_at"],
		"missed_calls_index",
	)
	# the calling rules' cap: outgoing calls to one number in the last 24 hours
	frappe.db.add_index("Lead Call Log", ["phone_key", "direction", "call_time"], "phone_key_call_time_index")
	add_callback_indexes()
	for index in OBSOLETE_INDEXES:
		if frappe.db.has_index("tabLead Call Log", index):
			frappe.db.sql_ddl(f"ALTER TABLE `tabLead Call Log` DROP INDEX `{index}`")


def add_reassignment_indexes() -> None:
	# the job counts a lead's recycles per status with one grouped query
	frappe.db.add_index("Lead Reassignment", ["lead", "lead_status"])
	# the daily cap counts each agent's re-assignments today
	frappe.db.add_index("Lead Reassignment", ["to_agent", "reassigned_at"])


def add_callback_indexes() -> None:
	"""The call queue and the escalation job read open callbacks by type and time (DESIGN.md §9): the
	pool's and every agent's along one index, an agent's own along another."""
	if not frappe.db.has_column("Lead Call Log", "callback_type"):
		return
	frappe.db.add_index(
		"Lead Call Log", ["callback_type", "follow_up_status", "follow_up_at"], "callback_due_index"
	)
	frappe.db.add_index(
		"Lead Call Log",
		["agent", "callback_type", "follow_up_status", "follow_up_at"],
		"personal_callback_index",
	)
	# an agent's assigned leads: their open ToDos on Leads (Frappe's ToDo has no index on the assignee)
	frappe.db.add_index(
		"ToDo", ["allocated_to", "status", "reference_type", "reference_name"], "csc_assignee_index"
	)
	# Lead List Penetration counts every Lead per campaign, status and place: a scan of this narrow index
	# instead of the wide Lead rows
	if frappe.db.has_column("Lead", "campaign_name") and frappe.db.has_column("Lead", "call_timezone"):
		frappe.db.add_index(
			"Lead",
			[
				"campaign_name",
				"status",
				"call_timezone",
				"country",
				"state",
				"last_call_time",
				"call_attempts",
				"recycle_due_at",
			],
			"csc_penetration_index",
		)
