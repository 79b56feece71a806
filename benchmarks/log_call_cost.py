"""Benchmark: what one call costs in-process (no HTTP), single thread, committed per call.

Times `call_status_crm.api.log_call` for calls that do not change the Lead's status (Busy on leads
already Not Picked) and for calls that do (alternating Interested / Not Interested), beside ERPNext's own
Call Log insert. Prints wall and CPU milliseconds per call.

	benchmarks/run log_call_cost --calls 500
	benchmarks/run log_call_cost --calls 300 --profile unchanged   # and where the unchanged calls spend their time
"""

import argparse
import cProfile
import pstats
import time

import frappe
from api import call_log_values  # benchmarks/api.py
from frappe.utils import add_to_date, now_datetime

PREFIX = "csc-bench-cost-"


def timed(label: str, calls: int, make) -> None:
	wall, cpu = time.perf_counter(), time.process_time()
	for i in range(calls):
		make(i)
		frappe.db.commit()
	wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
	print(f"{label}: {wall / calls * 1000:.1f} ms per call ({cpu / calls * 1000:.1f} ms CPU), {calls} calls")


def timed_rollups(calls: int, make, rounds: int = 5) -> None:
	"""The same calls with the roll-ups kept and skipped (`frappe.flags.skip_call_rollups`), interleaved in
	`rounds` blocks so that the machine's drift favours neither; the median block of each."""
	import statistics

	per_block = max(calls // rounds, 1)
	spent = {False: [], True: []}
	for block in range(rounds * 2):
		skip = bool(block % 2)
		frappe.flags.skip_call_rollups = skip
		started = time.perf_counter()
		for i in range(per_block):
			make(block * per_block + i)
			frappe.db.commit()
		spent[skip].append((time.perf_counter() - started) / per_block * 1000)
	frappe.flags.skip_call_rollups = False
	on, off = statistics.median(spent[False]), statistics.median(spent[True])
	print(
		f"log_call, Lead status unchanged, roll-ups on: {on:.2f} ms, off: {off:.2f} ms per call "
		f"(median of {rounds} blocks of {per_block}): the roll-ups add {on - off:+.2f} ms "
		f"({(on - off) / off * 100:+.1f} %)"
	)


def changing(i: int, leads: list[str], at: str) -> dict:
	"""A call that moves its Lead between Interested and Not Interested."""
	return {
		"call_status": ("qualified", "disqualified")[(i // 20) % 2],
		"lead": leads[i % 20],
		"call_time": at,
		"duration": 30,
	}


def profile(calls: int, make) -> None:
	profiler = cProfile.Profile()
	profiler.enable()
	for i in range(calls):
		make(i)
		frappe.db.commit()
	profiler.disable()
	stats = pstats.Stats(profiler).sort_stats("cumulative")
	stats.print_stats(r"call_status_crm|erpnext|frappe/(model|permissions|database/database)", 60)


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--calls", type=int, default=500)
	parser.add_argument(
		"--rollups", action="store_true", help="only log_call with the roll-ups kept and skipped (same run)"
	)
	parser.add_argument(
		"--profile", choices=("unchanged", "changed"), help="profile the calls that keep or change the status"
	)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	from call_status_crm import api
	from call_status_crm.tests.utils import AGENT, cleanup_leads, make_test_users

	make_test_users()
	frappe.db.delete("Call Log", {"name": ("like", f"{PREFIX}%")})  # left by an interrupted run
	leads = [
		frappe.get_doc({"doctype": "Lead", "lead_name": f"Cost Lead {i}"}).insert().name for i in range(20)
	]
	frappe.db.commit()
	at = str(add_to_date(now_datetime(), minutes=-30))
	frappe.set_user(AGENT)
	try:
		for lead in leads:  # each lead Not Picked first
			api.log_call(call_status="busy", lead=lead, call_time=at)
		frappe.db.commit()
		if args.profile == "unchanged":
			return profile(
				args.calls, lambda i: api.log_call(call_status="busy", lead=leads[i % 20], call_time=at)
			)
		if args.profile == "changed":
			return profile(args.calls, lambda i: api.log_call(**changing(i, leads, at)))
		if args.rollups:
			return timed_rollups(
				args.calls, lambda i: api.log_call(call_status="busy", lead=leads[i % 20], call_time=at)
			)
		timed(
			"log_call, Lead status unchanged",
			args.calls,
			lambda i: api.log_call(call_status="busy", lead=leads[i % 20], call_time=at),
		)
		timed(
			"log_call, Lead status changed",
			args.calls,
			lambda i: api.log_call(**changing(i, leads, at)),
		)
		frappe.set_user("Administrator")
		timed(
			"ERPNext Call Log insert",
			args.calls,
			lambda i: frappe.get_doc(
				{"doctype": "Call Log", **call_log_values(f"{PREFIX}{i}", i, at)}
			).insert(),
		)
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		cleanup_leads(leads)
		frappe.db.delete("Call Log", {"name": ("like", f"{PREFIX}%")})
		frappe.db.commit()
		if args.rollups:  # the calls logged with the roll-ups skipped were deleted with them kept
			from call_status_crm.rollups import rebuild

			rebuild(at[:10], at[:10], commit=True)
		frappe.destroy()


if __name__ == "__main__":
	main()
