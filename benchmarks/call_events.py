"""Benchmark: the Call Event retry job on 10,000 waiting events (DESIGN.md §10: ≤ 30 s).

Seeds N due Pending events (bulk insert) as a Call Integration user would have left them: `log_call`s of
distinct external ids on 50 leads. Times one `call_status_crm.jobs.call_events.run()` that applies them
all (each as its sender, a savepoint each, a commit per batch of 500). With `--failing`, the events name a
status the site does not have, so every retry fails and is rescheduled (the back-off path). Prints events
per second and the run's total, then deletes what it made.

	benchmarks/run call_events --events 10000
	benchmarks/run call_events --events 10000 --failing
"""

import argparse
import json
import time

import frappe
from frappe.utils import add_to_date, now_datetime

PREFIX = "csc-bench-event-"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--events", type=int, default=10_000)
	parser.add_argument("--failing", action="store_true", help="every event still fails (missing status)")
	parser.add_argument("--profile", action="store_true", help="print where the job spends its time")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	from call_status_crm.jobs import call_events as job
	from call_status_crm.tests.utils import AGENT, INTEGRATION, cleanup_leads, make_test_users

	make_test_users()
	frappe.db.delete("Call Event", {"external_id": ("like", f"{PREFIX}%")})
	frappe.db.commit()
	leads = [
		frappe.get_doc({"doctype": "Lead", "lead_name": f"{PREFIX}{i}"}).insert().name for i in range(50)
	]
	frappe.db.commit()
	at = str(add_to_date(now_datetime(), minutes=-30))
	received = add_to_date(now_datetime(), minutes=-10)
	status = "csc_bench_missing_status" if args.failing else "busy"
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"event_source",
		"method",
		"external_id",
		"payload",
		"sent_by",
		"received_at",
		"status",
		"attempts",
		"next_attempt_at",
	]
	rows = []
	for i in range(args.events):
		external_id = f"{PREFIX}{i}"
		payload = {
			"call_status": status,
			"lead": leads[i % 50],
			"external_id": external_id,
			"call_time": at,
			"duration": 20,
			"agent": AGENT,
		}
		rows.append(
			(
				frappe.generate_hash(length=10),
				received,
				received,
				INTEGRATION,
				INTEGRATION,
				"API",
				"log_call",
				external_id,
				json.dumps(payload),
				INTEGRATION,
				received,
				"Pending",
				0,
				received,
			)
		)
	frappe.db.bulk_insert("Call Event", fields, rows)
	frappe.db.commit()
	try:
		if args.profile:
			import cProfile
			import pstats

			profiler = cProfile.Profile()
			profiler.enable()
		started = time.perf_counter()
		summary = job.run()
		seconds = time.perf_counter() - started
		if args.profile:
			profiler.disable()
			pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
		print(
			f"retry job, {args.events} due events ({'still failing' if args.failing else 'applicable'}): "
			f"{seconds:.1f} s, {args.events / seconds:.0f} events/s, summary {summary}"
		)
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.db.delete("Call Event", {"external_id": ("like", f"{PREFIX}%")})
		frappe.db.commit()
		cleanup_leads(leads)
		frappe.destroy()


if __name__ == "__main__":
	main()
