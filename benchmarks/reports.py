"""Benchmark: the four call reports on 1,000,000 calls, beside the raw SQL GROUP BY of the same numbers
and Frappe's own group-by count (`frappe.get_list(..., group_by=...)`).

Seeds (once; kept on the benchmark site, `--reseed` to redo) 1M Lead Call Log rows and 100k Leads with
one INSERT … SELECT each from MariaDB's sequence engine: 200 agents, 20 campaigns, 90 days, a realistic
status mix (called 30 %, busy 20 %, no answer 20 %, missed inbound 10 %, voicemail 5 %, follow up 5 %,
qualified 5 %, disqualified 5 %). Prints the median of 3 runs per query.

	benchmarks/run reports [--calls 1000000] [--reseed]
"""

import argparse
import statistics
import time

import frappe
from frappe.utils import add_days, today

PREFIX = "BENCH-CALL-"
LEAD_PREFIX = "BENCH-LEAD-"
DAYS = 90

# (upper bound of the bucket out of 100, status, outcome, lead status, direction)
MIX = (
	(30, "called", "Connected", None, "Outgoing"),
	(50, "busy", "Attempt", "Not Picked", "Outgoing"),
	(70, "no_answer", "Attempt", "Not Picked", "Outgoing"),
	(80, "missed", "Missed", "Missed", "Incoming"),
	(85, "voicemail", "Attempt", "Not Picked", "Outgoing"),
	(90, "follow_up", "Connected", "Followups", "Outgoing"),
	(95, "qualified", "Connected", "Interested", "Outgoing"),
	(100, "disqualified", "Connected", "Not Interested", "Outgoing"),
)


def case(column: int) -> str:
	"""SQL picking column `column` of MIX (1 status, 2 outcome, 3 lead status, 4 direction) by bucket `b`."""
	whens = " ".join(
		f"WHEN b < {row[0]} THEN {frappe.db.escape(row[column]) if row[column] else 'NULL'}" for row in MIX
	)
	return f"CASE {whens} END"


def seed(calls: int, reseed: bool) -> None:
	existing = frappe.db.count("Lead Call Log", {"name": ("like", f"{PREFIX}%")})
	if existing == calls and not reseed:
		print(f"reusing {existing} seeded calls")
		return
	frappe.db.sql(f"DELETE FROM `tabLead Call Log` WHERE name LIKE '{PREFIX}%'")
	frappe.db.sql(f"DELETE FROM `tabLead` WHERE name LIKE '{LEAD_PREFIX}%'")
	frappe.db.commit()
	leads = max(calls // 10, 1)
	start = add_days(today(), -DAYS)
	began = time.perf_counter()
	frappe.db.sql(
		f"""INSERT INTO `tabLead` (name, lead_name, first_name, title, status, naming_series, creation, modified,
			owner, modified_by, docstatus, idx)
		SELECT CONCAT('{LEAD_PREFIX}', seq), CONCAT('Bench Lead ', seq), CONCAT('Bench Lead ', seq),
			CONCAT('Bench Lead ', seq), IF(seq % 7 = 0, 'Interested', 'Open'), 'CRM-LEAD-.YYYY.-', NOW(), NOW(),
			'Administrator', 'Administrator', 0, 0
		FROM seq_1_to_{leads}"""
	)
	# b: a status bucket 0-99 spread by a multiplicative hash of the row number
	frappe.db.sql(
		f"""INSERT INTO `tabLead Call Log` (name, naming_series, lead, lead_name, direction, phone, phone_digits,
			call_status, outcome, lead_status, call_time, duration, is_connected, agent, campaign, source,
			follow_up_at, creation, modified, owner, modified_by, docstatus, idx)
		SELECT CONCAT('{PREFIX}', seq), 'CALL-.YYYY.-', CONCAT('{LEAD_PREFIX}', 1 + (seq * 7919) % {leads}),
			CONCAT('Bench Lead ', 1 + (seq * 7919) % {leads}), {case(4)},
			CONCAT('+9198', LPAD((seq * 7919) % {leads}, 8, '0')), CONCAT('9198', LPAD((seq * 7919) % {leads}, 8, '0')),
			{case(1)}, {case(2)}, {case(3)},
			TIMESTAMP('{start}') + INTERVAL ((seq * 104729) % ({DAYS} * 86400)) SECOND,
			IF({case(2)} = 'Connected' AND b % 10 <> 0, 10 + (seq * 31) % 600, 0),
			IF({case(2)} = 'Connected' AND b % 10 <> 0, 1, 0),
			CONCAT('csc.bench.agent', LPAD(seq % 200, 3, '0'), '@example.com'),
			CONCAT('Bench Campaign ', LPAD(seq % 20, 2, '0')), 'Dialler',
			IF({case(1)} = 'follow_up', NOW() + INTERVAL 1 DAY, NULL),
			NOW(), NOW(), 'Administrator', 'Administrator', 0, 0
		FROM (SELECT seq, (seq * 2654435761) % 100 AS b FROM seq_1_to_{calls}) numbers"""
	)
	for i in range(20):
		name = f"Bench Campaign {i:02d}"
		if not frappe.db.exists("Campaign", name):
			frappe.get_doc({"doctype": "Campaign", "campaign_name": name}).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.db.sql("ANALYZE TABLE `tabLead Call Log`")
	print(f"seeded {calls} calls and {leads} leads in {time.perf_counter() - began:.1f} s")


def timed(label: str, fn, runs: int = 3) -> float:
	times = []
	for _ in range(runs):
		started = time.perf_counter()
		fn()
		times.append(time.perf_counter() - started)
	median = statistics.median(times)
	print(f"  {label:<62} {median:7.3f} s")
	return median


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--calls", type=int, default=1_000_000)
	parser.add_argument("--reseed", action="store_true")
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	seed(args.calls, args.reseed)

	from call_status_crm.call_status_crm.report.agent_call_performance import agent_call_performance
	from call_status_crm.call_status_crm.report.call_status_summary import call_status_summary
	from call_status_crm.call_status_crm.report.campaign_call_performance import campaign_call_performance
	from call_status_crm.call_status_crm.report.missed_call_service_level import missed_call_service_level

	window = {"from_date": add_days(today(), -DAYS), "to_date": today()}
	week = {"from_date": add_days(today(), -7), "to_date": today()}
	agent = {**window, "agent": "csc.bench.agent007@example.com"}
	campaign = {**window, "campaign": "Bench Campaign 03"}
	start = str(add_days(today(), -DAYS))
	pool_mb = frappe.db.sql("SELECT @@innodb_buffer_pool_size / 1048576")[0][0]
	print(
		f"{frappe.db.count('Lead Call Log')} calls in Lead Call Log; InnoDB buffer pool {pool_mb:.0f} MB; median of 3 runs"
	)

	print("Call Status Summary")
	timed("report, 90 days, daily", lambda: call_status_summary.execute({**window, "period": "Daily"}))
	timed("report, 90 days, weekly", lambda: call_status_summary.execute({**window, "period": "Weekly"}))
	timed(
		"report, 7 days, one campaign",
		lambda: call_status_summary.execute({**week, "campaign": "Bench Campaign 03"}),
	)
	timed("report, 90 days, one agent", lambda: call_status_summary.execute({**agent, "period": "Daily"}))
	timed(
		"raw SQL: status x day GROUP BY",
		lambda: frappe.db.sql(
			f"""SELECT DATE(call_time), call_status, COUNT(*), SUM(outcome = 'Attempt'), SUM(is_connected),
			SUM(outcome = 'Missed') FROM `tabLead Call Log` WHERE call_time >= '{start}'
			GROUP BY DATE(call_time), call_status"""
		),
	)
	timed(
		"frappe.get_list(group_by=call_status)",
		lambda: frappe.get_list(
			"Lead Call Log",
			filters={"call_time": (">=", start)},
			fields=["call_status", "count(name) as calls"],
			group_by="call_status",
		),
	)

	print("Agent Call Performance")
	timed("report, 90 days", lambda: agent_call_performance.execute(window))
	timed("report, 7 days", lambda: agent_call_performance.execute(week))
	timed(
		"raw SQL: per-agent sums",
		lambda: frappe.db.sql(
			f"""SELECT agent, COUNT(*), SUM(outcome = 'Attempt'), SUM(is_connected), SUM(duration)
			FROM `tabLead Call Log` WHERE call_time >= '{start}' GROUP BY agent"""
		),
	)
	timed(
		"frappe.get_list(group_by=agent)",
		lambda: frappe.get_list(
			"Lead Call Log",
			filters={"call_time": (">=", start)},
			fields=["agent", "count(name) as calls", "sum(duration) as talk"],
			group_by="agent",
		),
	)

	print("Campaign Call Performance")
	timed(
		"report, 90 days, by campaign",
		lambda: campaign_call_performance.execute({**window, "group_by": "Campaign"}),
	)
	timed("report, 90 days, one campaign", lambda: campaign_call_performance.execute(campaign))
	timed(
		"raw SQL: distinct leads per campaign",
		lambda: frappe.db.sql(
			f"""SELECT campaign, COUNT(DISTINCT lead), COUNT(DISTINCT IF(is_connected, lead, NULL)), COUNT(*)
			FROM `tabLead Call Log` WHERE call_time >= '{start}' GROUP BY campaign"""
		),
	)

	print("Missed Call Service Level")
	timed("report, 90 days, by day", lambda: missed_call_service_level.execute({**window, "group_by": "Day"}))
	timed(
		"report, 7 days, by agent", lambda: missed_call_service_level.execute({**week, "group_by": "Agent"})
	)
	frappe.destroy()


if __name__ == "__main__":
	main()
