"""Benchmark: the agent's call queue and the callback escalation job (DESIGN.md §9).

Seeds (bulk SQL) N leads assigned to A agents (an open ToDo each, round robin): half never called, half
Not Picked whose last call was 1-48 hours ago (1-3 attempts, due for recycling); and C callbacks on the
Not Picked leads (a Lead Call Log each, made at the lead's last call): half Personal and due past the
grace, a quarter Anyone and due, a quarter Personal and not yet due. Then, as one agent:
- `api.get_next_call()` in-process as the agent (the permission check, the order, the calling rules, the
  reservation, the lead's local time and last calls), each run rolled back so the same lead is found
  again, with the calling rules off and on;
- `call_queue.build_queue(agent, 10)` (what `get_call_queue(10)` runs);
- the escalation job `jobs.callbacks.run()` over the due Personal callbacks.
Prints median and 95th percentile in milliseconds, then deletes what it made.

Run (not a test; prints figures):
	benchmarks/run call_queue --leads 100000 --agents 20 --callbacks 20000
"""

import argparse
import statistics
import time

import frappe
from frappe.utils import add_to_date, now_datetime

PREFIX = "CSC-QBENCH-"
SETTINGS = "Call Status CRM Settings"


def make_agents(agents: int) -> list[str]:
	frappe.flags.in_import = True
	users = []
	for i in range(agents):
		email = f"csc.bench.agent{i:03d}@example.com"
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"Bench Agent {i}",
					"enabled": 1,  # in_import: the doctype's defaults are not applied
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
			user.add_roles("Call Agent", "Sales User")
		users.append(email)
	frappe.flags.in_import = False
	return users


def seed(leads: int, users: list[str], callbacks: int) -> None:
	now = now_datetime()
	company = frappe.db.get_value("Company", {}, "name")
	lead_fields = [
		"name",
		"lead_name",
		"first_name",
		"title",
		"status",
		"last_call_time",
		"call_attempts",
		"recycle_due_at",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"naming_series",
		"company",
	]
	todo_fields = ["name", "creation", "modified", "owner", "modified_by", "status", "priority", "date"]
	todo_fields += ["allocated_to", "description", "reference_type", "reference_name", "assigned_by"]
	call_fields = [
		"name",
		"lead",
		"lead_name",
		"agent",
		"direction",
		"call_status",
		"outcome",
		"call_time",
		"call_date",
		"duration",
		"follow_up_at",
		"follow_up_status",
		"callback_type",
		"source",
		"creation",
		"modified",
		"owner",
		"modified_by",
	]
	called_leads = []
	for start in range(0, leads, 10_000):
		lead_rows, todo_rows = [], []
		for i in range(start, min(start + 10_000, leads)):
			name = f"{PREFIX}{i:07d}"
			called = i % 2 == 1
			last = add_to_date(now, minutes=-(60 + (i * 37) % (47 * 60))) if called else None
			if called:
				called_leads.append((name, last, users[i % len(users)]))
			lead_rows.append(
				(
					name,
					f"Bench Lead {i}",
					f"Bench Lead {i}",
					f"Bench Lead {i}",
					"Not Picked" if called else "Lead",
					last,
					1 + i % 3 if called else 0,
					add_to_date(last, minutes=30) if called else None,
					now,
					now,
					"Administrator",
					"Administrator",
					"CRM-LEAD-.YYYY.-",
					company,
				)
			)
			todo_rows.append(
				(
					f"{PREFIX}T{i:07d}",
					now,
					now,
					"Administrator",
					"Administrator",
					"Open",
					"Medium",
					now.date(),
					users[i % len(users)],
					"bench",
					"Lead",
					name,
					"Administrator",
				)
			)
		frappe.db.bulk_insert("Lead", lead_fields, lead_rows, ignore_duplicates=True)
		frappe.db.bulk_insert("ToDo", todo_fields, todo_rows, ignore_duplicates=True)
	call_rows = []
	for n, (lead, last, _assignee) in enumerate(called_leads[:callbacks]):
		agent = users[n % len(users)]  # the callbacks' agents round robin, so every agent has some
		quarter = n % 4
		due = add_to_date(now, minutes=-(120 + n % 600)) if quarter < 3 else add_to_date(now, hours=3)
		kind = "Anyone" if quarter == 2 else "Personal"
		call_rows.append(
			(
				f"{PREFIX}C{n:07d}",
				lead,
				f"Bench Lead {lead}",
				agent,
				"Outgoing",
				"follow_up",
				"Connected",
				last,
				last.date(),
				30,
				due,
				"Open",
				kind,
				"Manual",
				last,
				last,
				"Administrator",
				"Administrator",
			)
		)
	for start in range(0, len(call_rows), 10_000):
		frappe.db.bulk_insert("Lead Call Log", call_fields, call_rows[start : start + 10_000])
	frappe.db.commit()


def cleanup() -> None:
	frappe.db.sql(f"DELETE FROM `tabLead Call Log` WHERE name LIKE '{PREFIX}%%'")
	frappe.db.sql(f"DELETE FROM `tabToDo` WHERE name LIKE '{PREFIX}%%'")
	frappe.db.sql(
		f"DELETE FROM `tabComment` WHERE reference_doctype = 'Lead' AND reference_name LIKE '{PREFIX}%%'"
	)
	frappe.db.sql(
		f"DELETE FROM `tabNotification Log` WHERE document_type = 'Lead Call Log' AND document_name LIKE '{PREFIX}%%'"
	)
	frappe.db.sql(f"DELETE FROM `tabLead` WHERE name LIKE '{PREFIX}%%'")
	frappe.db.commit()


def timed(fn, runs: int) -> tuple[float, float, object]:
	times, result = [], None
	for _ in range(runs):
		started = time.perf_counter()
		result = fn()
		times.append((time.perf_counter() - started) * 1000)
		frappe.db.rollback()
	times.sort()
	return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--leads", type=int, default=100_000)
	parser.add_argument("--agents", type=int, default=20)
	parser.add_argument("--callbacks", type=int, default=20_000)
	parser.add_argument("--runs", type=int, default=20)
	parser.add_argument("--keep", action="store_true", help="keep the seeded data")
	parser.add_argument("--profile", action="store_true", help="profile the escalation job")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	from call_status_crm import call_queue
	from call_status_crm.api.call_queue import get_next_call
	from call_status_crm.jobs import callbacks as escalation
	from call_status_crm.tests.call_queue_cases import configure, restore_settings, snapshot_settings

	cleanup()
	users = make_agents(args.agents)
	before = snapshot_settings()
	try:
		configure(agents=users, callback_grace_minutes=60, calling_rules_enabled=0)
		frappe.db.commit()
		started = time.perf_counter()
		seed(args.leads, users, args.callbacks)
		print(
			f"seeded {args.leads} assigned leads ({args.agents} agents), {args.callbacks} open callbacks"
			f" in {time.perf_counter() - started:.1f} s"
		)
		agent = users[0]
		frappe.set_user(agent)
		for rules in (0, 1):
			frappe.db.set_single_value(
				SETTINGS,
				{
					"calling_rules_enabled": rules,
					"calling_window_start": "00:00:00",
					"calling_window_end": "23:59:59",
					**{f"call_on_{day}": 1 for day in DAYS},
				},
			)
			frappe.db.commit()
			median, p95, found = timed(get_next_call, args.runs)
			print(
				f"get_next_call (calling rules {'on' if rules else 'off'}): median {median:.1f} ms, p95 {p95:.1f} ms"
				f" -> {found.get('reason')}"
			)
			median, p95, queue = timed(lambda: call_queue.build_queue(agent, 10), args.runs)
			print(
				f"get_call_queue(10) (calling rules {'on' if rules else 'off'}): median {median:.1f} ms,"
				f" p95 {p95:.1f} ms -> {len(queue.offered)} leads"
			)
		frappe.set_user("Administrator")
		frappe.db.set_single_value(SETTINGS, "calling_rules_enabled", before["calling_rules_enabled"] or 0)
		frappe.db.commit()
		due = frappe.db.sql(
			"""SELECT COUNT(*) FROM `tabLead Call Log` WHERE callback_type = 'Personal'
			AND follow_up_status = 'Open' AND follow_up_at <= %s""",
			add_to_date(now_datetime(), minutes=-60),
		)[0][0]
		profiler = None
		if args.profile:
			import cProfile

			profiler = cProfile.Profile()
			profiler.enable()
		started = time.perf_counter()
		summary = escalation.run()
		if profiler:
			import pstats

			profiler.disable()
			pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
		print(f"escalation job: {summary} ({due} due) in {time.perf_counter() - started:.2f} s")
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		restore_settings(before)
		if not args.keep:
			cleanup()
		frappe.destroy()


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

if __name__ == "__main__":
	main()
