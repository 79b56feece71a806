"""Benchmark: the Lead List Penetration report against its own raw SQL.

Seeds (bulk SQL) N leads over 10 campaigns, 6 time zones and a mix of statuses (a third never called, the
rest Not Picked with 1-4 attempts, some with their recycles used up), and a Do Not Call entry for 1% of
them. Then times, with the calling rules on (the Do Not Call and the cap queries run too) and off:
- `execute({})` of the report (the whole answer: rows, chart, summary), as a manager;
- the report's main grouped query alone, as raw SQL (the floor: one grouped scan of the Leads).
Prints the median of several runs in milliseconds and the ratio, then deletes what it made.

Run (not a test; prints figures):
	benchmarks/run lead_list_penetration --leads 1000000
"""

import argparse
import statistics
import time

import frappe
from frappe.utils import add_to_date, now_datetime

PREFIX = "CSC-PBENCH-"
SETTINGS = "Call Status CRM Settings"
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", None)
RAW = """SELECT l.campaign_name, l.status, l.call_timezone, l.country, l.state, COUNT(*),
	SUM(l.last_call_time IS NULL), SUM(l.call_attempts = 1), SUM(l.call_attempts = 2), SUM(l.call_attempts >= 3),
	SUM(l.status IN ('Not Picked', 'Missed') AND l.last_call_time IS NOT NULL AND l.recycle_due_at IS NULL),
	SUM(l.status NOT IN ('Converted', 'Do Not Contact') AND (l.last_call_time IS NULL
		OR (l.status = 'Not Picked' AND l.last_call_time <= %(cutoff)s AND l.recycle_due_at IS NOT NULL))),
	MIN(CASE WHEN l.status = 'Not Picked' AND l.recycle_due_at IS NOT NULL AND l.last_call_time > %(cutoff)s
		THEN l.last_call_time + INTERVAL 30 MINUTE END)
FROM `tabLead` l
GROUP BY l.campaign_name, l.status, l.call_timezone, l.country, l.state"""


def seed(leads: int) -> None:
	now = now_datetime()
	company = frappe.db.get_value("Company", {}, "name")
	campaigns = [f"CSC PBench Campaign {n}" for n in range(10)]
	for campaign in campaigns:
		if not frappe.db.exists("Campaign", campaign):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": campaign}).insert(ignore_permissions=True)
	fields = [
		"name",
		"lead_name",
		"first_name",
		"title",
		"status",
		"campaign_name",
		"call_timezone",
		"country",
		"phone",
		"phone_key",
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
	dnc_fields = [
		"name",
		"phone",
		"phone_key",
		"scope",
		"source",
		"added_on",
		"creation",
		"modified",
		"owner",
	]
	for start in range(0, leads, 20_000):
		rows, dnc = [], []
		for i in range(start, min(start + 20_000, leads)):
			called = i % 3 != 0
			last = add_to_date(now, minutes=-(5 + (i * 37) % (48 * 60))) if called else None
			attempts = 1 + i % 4 if called else 0
			key = f"+1555{i:07d}"
			rows.append(
				(
					f"{PREFIX}{i:07d}",
					f"Bench Lead {i}",
					f"Bench Lead {i}",
					f"Bench Lead {i}",
					"Not Picked" if called else "Lead",
					campaigns[i % 10],
					ZONES[i % len(ZONES)],
					"United States" if i % len(ZONES) < 3 else None,
					key,
					key,
					last,
					attempts,
					add_to_date(last, minutes=30) if called and attempts < 4 else None,
					now,
					now,
					"Administrator",
					"Administrator",
					"CRM-LEAD-.YYYY.-",
					company,
				)
			)
			if i % 100 == 7:
				dnc.append((key, key, key, "Global", "Import", now, now, now, "Administrator"))
		frappe.db.bulk_insert("Lead", fields, rows, ignore_duplicates=True)
		frappe.db.bulk_insert("Do Not Call", dnc_fields, dnc, ignore_duplicates=True)
		frappe.db.commit()


def cleanup() -> None:
	frappe.db.sql("DELETE FROM `tabDo Not Call` WHERE phone_key LIKE '+1555%%' AND source = 'Import'")
	frappe.db.sql(f"DELETE FROM `tabLead` WHERE name LIKE '{PREFIX}%%'")
	frappe.db.commit()


def median_ms(fn, runs: int) -> float:
	fn()  # warm: the buffer pool and Frappe's caches
	times = []
	for _ in range(runs):
		started = time.perf_counter()
		fn()
		times.append((time.perf_counter() - started) * 1000)
	return statistics.median(times)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--leads", type=int, default=100_000)
	parser.add_argument("--runs", type=int, default=5)
	parser.add_argument("--keep", action="store_true", help="keep the leads, and reuse them when there")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	from call_status_crm.call_status_crm.report.lead_list_penetration.lead_list_penetration import execute
	from call_status_crm.schema import add_callback_indexes
	from call_status_crm.tests.call_queue_cases import configure, restore_settings, snapshot_settings

	before = snapshot_settings()
	saved_rules = {
		field: frappe.db.get_single_value(SETTINGS, field)
		for field in ("calling_window_start", "calling_window_end", "max_attempts_per_number_24h")
	}
	try:
		add_callback_indexes()
		started = time.perf_counter()
		if args.keep and frappe.db.count("Lead", {"name": ("like", f"{PREFIX}%")}) == args.leads:
			print(f"reusing {args.leads} seeded leads (--keep)")
		else:
			cleanup()
			seed(args.leads)
		total = frappe.db.count("Lead")
		print(
			f"seeded {args.leads} leads in {time.perf_counter() - started:.1f} s ({total} leads on the site)"
		)
		cutoff = add_to_date(now_datetime(), minutes=-30)
		for rules in (0, 1):
			configure(
				calling_rules_enabled=rules,
				calling_window_start="08:00:00",
				calling_window_end="21:00:00",
				max_attempts_per_number_24h=3 if rules else 0,
			)
			frappe.db.commit()
			report = median_ms(lambda: execute({}), args.runs)
			raw = median_ms(lambda: frappe.db.sql(RAW, {"cutoff": cutoff}), args.runs)
			print(
				f"Lead List Penetration, calling rules {'on' if rules else 'off'}: report {report:.0f} ms,"
				f" raw grouped SQL {raw:.0f} ms, ratio {report / raw:.2f}x"
			)
	finally:
		frappe.db.rollback()
		restore_settings(before)
		frappe.db.set_single_value(SETTINGS, saved_rules)
		frappe.db.commit()
		if not args.keep:
			cleanup()
		frappe.destroy()


if __name__ == "__main__":
	main()
