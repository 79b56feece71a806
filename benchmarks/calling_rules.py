"""Benchmark: what the calling rules cost (DESIGN.md §8), in-process, single thread.

`check_call` for one lead (goal: 5 ms or less), then `log_call` for calls that keep the Lead's status
(Busy on leads already Not Picked: a dialler's usual mix) with the calling rules off and on, alternating
rounds in the same run (goal: on costs 10% more or less). The rules allow every call here (a window of the
whole day, every day) but do all their work: the lead's zone, the Do Not Call lookups, a holiday list and
the 24-hour count of calls to the number.

	benchmarks/run calling_rules --calls 300 --rounds 3
"""

import argparse
import statistics
import time

import frappe
from frappe.utils import add_to_date, now_datetime

from call_status_crm.settings import SETTINGS

RULES_ON = {
	"calling_rules_enabled": 1,
	"enforcement": "Block",
	"calling_window_start": "00:00:00",
	"calling_window_end": "23:59:59",
	"max_attempts_per_number_24h": 100_000,
	**{
		f"call_on_{day}": 1
		for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
	},
}
HOLIDAY_LIST = "CSC Bench Calling Holidays"


def per_call_ms(calls: int, work, commit: bool = True) -> tuple[float, float]:
	"""Wall and CPU milliseconds per call, committing each call (a check writes nothing: no commit)."""
	wall, cpu = time.perf_counter(), time.process_time()
	for i in range(calls):
		work(i)
		if commit:
			frappe.db.commit()
	return (time.perf_counter() - wall) / calls * 1000, (time.process_time() - cpu) / calls * 1000


def set_rules(on: bool) -> None:
	frappe.db.set_single_value(SETTINGS, "calling_rules_enabled", int(on))
	frappe.db.commit()


def make_holiday_list() -> str:
	if not frappe.db.exists("Holiday List", HOLIDAY_LIST):
		year = now_datetime().year
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAY_LIST,
				"from_date": f"{year}-01-01",
				"to_date": f"{year + 1}-12-31",
				# the holidays of two years, none of them today
				"holidays": [
					{"holiday_date": f"{year + offset}-{month:02d}-28", "description": "Bench"}
					for offset in (0, 1)
					for month in range(1, 13)
					if f"{year + offset}-{month:02d}-28" != str(now_datetime().date())
				],
			}
		).insert()
	return HOLIDAY_LIST


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--calls", type=int, default=300, help="calls per round and setting")
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--checks", type=int, default=1000)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	from call_status_crm import api
	from call_status_crm.tests.utils import AGENT, cleanup_leads, make_test_users

	make_test_users()
	fields = [*RULES_ON, "calling_holiday_list"]
	before = {field: frappe.db.get_single_value(SETTINGS, field) for field in fields}
	frappe.db.set_single_value(SETTINGS, {**RULES_ON, "calling_holiday_list": make_holiday_list()})
	leads = [
		frappe.get_doc(
			{"doctype": "Lead", "lead_name": f"Rules Lead {i}", "mobile_no": f"+1 212 555 {1000 + i}"}
		)
		.insert()
		.name
		for i in range(20)
	]
	frappe.db.commit()
	at = str(add_to_date(now_datetime(), minutes=-30))
	frappe.set_user(AGENT)
	try:
		for lead in leads:  # each lead Not Picked first
			api.log_call(call_status="busy", lead=lead, call_time=at)
		frappe.db.commit()

		for _ in range(20):  # warm caches
			api.check_call(lead=leads[0])
		wall, cpu = per_call_ms(args.checks, lambda i: api.check_call(lead=leads[i % 20]), commit=False)
		answer = api.check_call(lead=leads[0])
		print(f"check_call, one lead: {wall:.2f} ms ({cpu:.2f} ms CPU), {args.checks} checks; {answer}")

		def log(i):
			api.log_call(call_status="busy", lead=leads[i % 20], call_time=at)

		results = {False: [], True: []}
		for round_ in range(args.rounds):  # the order alternates: each lead's calls (and cost) grow
			for on in (False, True) if round_ % 2 == 0 else (True, False):
				set_rules(on)
				log(0)  # the first call after a settings change reloads the settings
				frappe.db.commit()
				results[on].append(per_call_ms(args.calls, log))
		for on in (False, True):
			walls = [wall for wall, _ in results[on]]
			cpus = [cpu for _, cpu in results[on]]
			print(
				f"log_call, rules {'on ' if on else 'off'}: {statistics.median(walls):.2f} ms per call "
				f"(median of {args.rounds} rounds of {args.calls}: {', '.join(f'{w:.2f}' for w in walls)}), "
				f"{statistics.median(cpus):.2f} ms CPU"
			)
		ratio = statistics.median(w for w, _ in results[True]) / statistics.median(
			w for w, _ in results[False]
		)
		print(f"log_call with the rules on / off: {ratio:.3f}x")
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.db.set_single_value(SETTINGS, before)
		frappe.db.commit()
		cleanup_leads(leads)
		frappe.destroy()


if __name__ == "__main__":
	main()
