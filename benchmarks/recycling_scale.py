"""Benchmark: the re-assignment job on a site with a million leads.

Seeds (bulk SQL) 1,000,000 leads: 300,000 in Not Picked whose recycles are used up (3 Lead Reassignment
rows each under the default rule: Not Picked, 30 minutes, 3 recycles), 690,000 in other statuses, and
10,000 that will be due. Times, in this order:
1. recomputing every Lead's due time (`recycling.update_all_due`, what a rule change or a migrate costs);
2. a run with nothing due;
3. a run after the 10,000 leads turn Not Picked (their last call two hours ago): leads per minute.
Then deletes everything it made. Not a test; prints figures.

	benchmarks/run recycling_scale --leads 1000000 --exhausted 300000 --due 10000 --agents 50
"""

import argparse
import time

import frappe
from frappe.utils import add_to_date, now_datetime
from reassignment import make_agents  # benchmarks/reassignment.py

PREFIX = "CSC-SCALE-"


def lead_name(i: int) -> str:
	return f"{PREFIX}{i:07d}"


def seed(total: int, exhausted: int, users: list[str]) -> None:
	"""One INSERT … SELECT over MariaDB's sequence engine per table (a Python loop would take half an hour)."""
	called = add_to_date(now_datetime(), hours=-2)
	company = frappe.db.get_value("Company", {}, "name")
	agents = "ELT(1 + seq %% {n}, {names})".format(
		n=len(users), names=", ".join(frappe.db.escape(u) for u in users)
	)
	others = "ELT(1 + seq %% 6, 'Lead', 'Open', 'Replied', 'Interested', 'Not Interested', 'Converted')"
	frappe.db.sql(
		f"""INSERT INTO `tabLead` (name, lead_name, first_name, status, last_call_time, last_call_agent,
			call_attempts, creation, modified, owner, modified_by, naming_series, company)
		SELECT CONCAT(%(prefix)s, LPAD(seq, 7, '0')), CONCAT('Scale Lead ', seq), CONCAT('Scale Lead ', seq),
			IF(seq < %(exhausted)s, 'Not Picked', {others}), %(called)s, {agents},
			3, %(called)s, %(called)s, 'Administrator', 'Administrator', 'CRM-LEAD-.YYYY.-', %(company)s
		FROM seq_0_to_{total - 1}""",
		{"prefix": PREFIX, "exhausted": exhausted, "called": called, "company": company},
	)
	frappe.db.commit()
	# the exhausted leads' three recycles, each to another agent, the last 40 minutes before the last call
	frappe.db.sql(
		f"""INSERT INTO `tabLead Reassignment` (name, lead, lead_status, from_agent, to_agent, reassigned_at,
			recycle_number, creation, modified, owner, modified_by)
		SELECT CONCAT(%(prefix)s, 'R', LPAD(lead_seq.seq, 7, '0'), '-', n.seq), CONCAT(%(prefix)s, LPAD(lead_seq.seq, 7, '0')),
			'Not Picked', {agents.replace("seq", "lead_seq.seq")}, {agents.replace("seq", "(lead_seq.seq + 1)")},
			%(called)s - INTERVAL (4 - n.seq) * 40 MINUTE, n.seq, %(called)s, %(called)s, 'Administrator', 'Administrator'
		FROM seq_0_to_{exhausted - 1} lead_seq JOIN seq_1_to_3 n""",
		{"prefix": PREFIX, "called": called},
	)
	frappe.db.commit()


def configure(users: list[str]) -> None:
	settings = frappe.get_single("Call Status CRM Settings")
	settings.update(
		{"auto_reassign_enabled": 1, "strategy": "Round Robin", "daily_cap": 0, "batch_size": 500}
	)
	settings.update({"same_branch_only": 0, "set_lead_owner": 0})
	settings.set("agents", [{"user": user} for user in users])
	settings.set(
		"recycle_rules", [{"lead_status": "Not Picked", "delay_minutes": 30, "max_recycles": 3, "active": 1}]
	)
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.db.commit()


def cleanup() -> None:
	for doctype, field in (("ToDo", "reference_name"), ("Comment", "reference_name")):
		frappe.db.delete(doctype, {field: ("like", f"{PREFIX}%")})
	frappe.db.delete("Notification Log", {"document_name": ("like", f"{PREFIX}%")})
	frappe.db.delete("Lead Reassignment", {"lead": ("like", f"{PREFIX}%")})
	frappe.db.delete("Lead", {"name": ("like", f"{PREFIX}%")})
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--leads", type=int, default=1_000_000)
	parser.add_argument("--exhausted", type=int, default=300_000)
	parser.add_argument("--due", type=int, default=10_000)
	parser.add_argument("--agents", type=int, default=50)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	from call_status_crm.jobs import reassignment
	from call_status_crm.recycling import update_all_due, update_due

	try:
		started = time.perf_counter()
		cleanup()
		print(f"removed an earlier run's leads in {time.perf_counter() - started:.0f} s")
		users = make_agents(args.agents)
		started = time.perf_counter()
		seed(args.leads, args.exhausted, users)
		print(
			f"seeded {args.leads:,} leads ({args.exhausted:,} with recycles used up) in {time.perf_counter() - started:.0f} s"
		)
		configure(users)
		started = time.perf_counter()
		update_all_due()
		frappe.db.commit()
		print(
			f"recompute every Lead's due time (rule change, migrate): {time.perf_counter() - started:.2f} s"
		)
		lead = frappe.qb.DocType("Lead")
		in_rule = frappe.db.count("Lead", {"status": "Not Picked"})
		print(
			f"leads in a recycled status: {in_rule:,}; with a due time: {frappe.db.count('Lead', {'recycle_due_at': ('is', 'set')}):,}"
		)
		timings = []
		for _ in range(3):
			started = time.perf_counter()
			summary = reassignment.run()
			timings.append(time.perf_counter() - started)
		print(
			f"run with nothing due: {min(timings):.3f} s (best of 3; {sorted(timings)}), reassigned {summary['reassigned']}"
		)
		# the last `due` leads turn Not Picked, last called two hours ago
		due = [lead_name(i) for i in range(args.leads - args.due, args.leads)]
		frappe.qb.update(lead).set(lead.status, "Not Picked").where(lead.name.isin(due)).run()
		update_due(due)
		frappe.db.commit()
		started = time.perf_counter()
		summary = reassignment.run()
		seconds = time.perf_counter() - started
		print(
			f"run with {len(due):,} due: reassigned {summary['reassigned']:,} in {seconds:.2f} s = "
			f"{summary['reassigned'] / seconds * 60:,.0f} leads/min (examined {summary['examined']:,})"
		)
	finally:
		cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
