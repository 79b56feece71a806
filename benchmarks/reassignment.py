"""Benchmark: the re-assignment job against Frappe's own Assignment Rule, on the same leads.

Seeds N leads in status Not Picked whose last call was two hours ago (bulk SQL), and A agents; times one
`call_status_crm.jobs.reassignment.run()` pass; then clears those assignments and times Frappe's
Assignment Rule (Round Robin over the same agents, condition `status == "Not Picked"`) applied to every
lead through `assignment_rule.apply`. Prints leads per second for both, then deletes what it made.

Run (not a test; prints figures):
	benchmarks/run reassignment --leads 10000 --agents 50
"""

import argparse
import json
import time

import frappe
from frappe.utils import add_to_date, now_datetime

PREFIX = "CSC-BENCH-"


def make_agents(agents: int) -> list[str]:
	"""Desk users with Call Agent and Sales User (made once, kept between runs)."""
	frappe.flags.in_import = True  # Frappe throttles creating more than 60 users a minute otherwise
	users = []
	for i in range(agents):
		email = f"csc.bench.agent{i:03d}@example.com"
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"Bench Agent {i}",
					"send_welcome_email": 0,
					"enabled": 1,
				}
			).insert(ignore_permissions=True)
			user.add_roles("Call Agent", "Sales User")
		frappe.db.set_value("User", email, "enabled", 1)
		users.append(email)
	frappe.flags.in_import = False
	return users


def seed(leads: int, agents: int) -> list[str]:
	users = make_agents(agents)
	called = add_to_date(now_datetime(), hours=-2)
	fields = [
		"name",
		"lead_name",
		"first_name",
		"title",
		"status",
		"last_call_time",
		"last_call_agent",
		"call_attempts",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"naming_series",
		"company",
	]
	company = frappe.db.get_value("Company", {}, "name")
	rows = []
	for i in range(leads):
		name = f"{PREFIX}{i:07d}"
		rows.append(
			(
				name,
				f"Bench Lead {i}",
				f"Bench Lead {i}",
				f"Bench Lead {i}",
				"Not Picked",
				called,
				users[i % agents],
				1,
				called,
				called,
				"Administrator",
				"Administrator",
				"CRM-LEAD-.YYYY.-",
				company,
			)
		)
	frappe.db.bulk_insert("Lead", fields, rows, ignore_duplicates=True)
	assign_to_last_caller(leads, users, called)
	frappe.db.commit()
	return users


def assign_to_last_caller(leads: int, users: list[str], when) -> None:
	"""Each lead starts assigned (an open ToDo and `_assign`) to the agent who last called it, as after a
	first round of calls: the job has to close that assignment as well as make the new one."""
	fields = ["name", "creation", "modified", "owner", "modified_by", "status", "priority", "date"]
	fields += ["allocated_to", "description", "reference_type", "reference_name", "assigned_by"]
	frappe.db.bulk_insert(
		"ToDo",
		fields,
		[
			(
				*(f"{PREFIX}T{i:07d}", when, when, "Administrator", "Administrator", "Open", "Medium"),
				*(
					when.date(),
					users[i % len(users)],
					"first call",
					"Lead",
					f"{PREFIX}{i:07d}",
					"Administrator",
				),
			)
			for i in range(leads)
		],
		ignore_duplicates=True,
	)
	for i, user in enumerate(users):
		frappe.db.sql(
			f"""UPDATE `tabLead` SET _assign = %s WHERE name LIKE '{PREFIX}%%'
			AND CAST(SUBSTRING(name, {len(PREFIX) + 1}) AS UNSIGNED) %% %s = %s""",
			(json.dumps([user]), len(users), i),
		)


def clear_assignments(leads: list[str]) -> None:
	frappe.db.delete("ToDo", {"reference_type": "Lead", "reference_name": ("like", f"{PREFIX}%")})
	frappe.db.delete("Lead Reassignment", {"lead": ("like", f"{PREFIX}%")})
	frappe.db.delete("Comment", {"reference_doctype": "Lead", "reference_name": ("like", f"{PREFIX}%")})
	frappe.db.delete("Notification Log", {"document_type": "Lead", "document_name": ("like", f"{PREFIX}%")})
	lead = frappe.qb.DocType("Lead")
	frappe.qb.update(lead).set(lead._assign, None).where(lead.name.like(f"{PREFIX}%")).run()
	frappe.db.commit()


def cleanup(users: list[str]) -> None:
	clear_assignments([])
	frappe.db.delete("Lead", {"name": ("like", f"{PREFIX}%")})
	frappe.db.delete("Assignment Rule", {"name": "CSC Bench Rule"})
	frappe.db.delete("Assignment Rule User", {"parent": "CSC Bench Rule"})
	frappe.db.commit()


def time_job(users: list[str]) -> tuple[float, dict]:
	from call_status_crm.tests.reassignment_cases import configure

	saved = frappe.get_single("Call Status CRM Settings").as_dict()
	from call_status_crm.recycling import update_all_due

	configure(users, batch_size=500)  # as the job's tests set it up: Round Robin, no cap, these agents
	update_all_due()  # the seeded leads were written straight to the table: their due times too
	frappe.db.commit()
	from call_status_crm.jobs import reassignment

	try:
		started = time.perf_counter()
		summary = reassignment.run()
		return time.perf_counter() - started, summary
	finally:
		restore = frappe.get_single("Call Status CRM Settings")
		restore.update(
			{
				k: saved[k]
				for k in (
					"auto_reassign_enabled",
					"strategy",
					"daily_cap",
					"same_branch_only",
					"set_lead_owner",
					"batch_size",
				)
			}
		)
		restore.set("agents", saved["agents"])
		restore.set("recycle_rules", saved["recycle_rules"])
		restore.save()
		frappe.db.commit()


def time_assignment_rule(users: list[str], leads: list[str]) -> float:
	from frappe.automation.doctype.assignment_rule.assignment_rule import apply

	frappe.get_doc(
		{
			"doctype": "Assignment Rule",
			"name": "CSC Bench Rule",
			"document_type": "Lead",
			"priority": 99,
			"rule": "Round Robin",
			"assign_condition": 'status == "Not Picked" and name.startswith("CSC-BENCH-")',
			"users": [{"user": user} for user in users],
			"assignment_days": [
				{"day": day}
				for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
			],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	started = time.perf_counter()
	for i, name in enumerate(leads):
		apply(frappe.get_doc("Lead", name))
		if i % 500 == 499:
			frappe.db.commit()
	frappe.db.commit()
	return time.perf_counter() - started


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--leads", type=int, default=10000)
	parser.add_argument("--agents", type=int, default=50)
	parser.add_argument("--skip-rule", action="store_true", help="do not time Frappe's Assignment Rule")
	args = parser.parse_args()

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	users = seed(args.leads, args.agents)
	leads = frappe.get_all("Lead", filters={"name": ("like", f"{PREFIX}%")}, pluck="name", order_by="name")
	from frappe.utils.background_jobs import get_queue

	queued_before = sum(get_queue(queue).count for queue in ("default", "short", "long"))
	try:
		job_seconds, summary = time_job(users)
		queued = sum(get_queue(queue).count for queue in ("default", "short", "long")) - queued_before
		print(f"leads seeded: {len(leads)}, agents: {len(users)}")
		print(
			f"call_status_crm re-assignment job: {summary['reassigned']} leads in {job_seconds:.2f} s "
			f"= {summary['reassigned'] / job_seconds:.1f} leads/s = {60 * summary['reassigned'] / job_seconds:.0f} leads/min"
		)
		print(f"background jobs the run left queued (e.g. one per notification): {queued}")
		print(
			"job summary:",
			json.dumps(
				{k: summary[k] for k in ("examined", "due", "reassigned", "skipped_no_agent", "failed")}
			),
		)
		if not args.skip_rule:
			clear_assignments(leads)
			rule_seconds = time_assignment_rule(users, leads)
			assigned = frappe.db.count(
				"ToDo", {"reference_type": "Lead", "reference_name": ("like", f"{PREFIX}%"), "status": "Open"}
			)
			print(
				f"Frappe Assignment Rule (apply per lead): {assigned} leads in {rule_seconds:.2f} s "
				f"= {assigned / rule_seconds:.1f} leads/s = {60 * assigned / rule_seconds:.0f} leads/min"
			)
	finally:
		cleanup(users)
		frappe.destroy()


if __name__ == "__main__":
	main()
