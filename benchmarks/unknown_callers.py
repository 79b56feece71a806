"""Benchmark: what an inbound call from an unknown number costs beside one from a known number, in the same
run (DESIGN.md §10), in-process (no HTTP), single thread, committed per call, as a Call Integration user.

Known: the number is a Lead's mobile number and the call is sent without a lead (matched by phone, then
the Lead is updated). Unknown: the number matches no Lead (the call lands lead-less, flagged Unknown
Caller). Also: a call sent with its lead (the usual dialler call), and unknown callers with
`create_lead_for_unknown_callers` on (each first call makes a Lead). Prints ms per call and database
queries per call (`--fresh-cache`: counted as in a web request, where Frappe's per-connection cache of
single values starts empty). `--without-inbound` runs the same calls with the inbound steps of DESIGN.md §10 made
no-ops (own numbers, unknown-caller flag, lead creation, recording check, call-back marking): the
difference in queries per call is what those steps add.

	benchmarks/run unknown_callers --calls 300
	benchmarks/run unknown_callers --calls 300 --without-inbound
"""

import argparse
import random
import time

import frappe
from frappe.utils import add_to_date, now_datetime

PREFIX = "csc-bench-unknown-"


class QueryCounter:
	def __init__(self):
		self.count = 0

	def __enter__(self):
		self.sql = frappe.db.sql

		def counted(*args, **kwargs):
			self.count += 1
			return self.sql(*args, **kwargs)

		frappe.db.sql = counted
		return self

	def __exit__(self, *exc):
		frappe.db.sql = self.sql


def timed(label: str, calls: int, make) -> None:
	with QueryCounter() as queries:
		wall, cpu = time.perf_counter(), time.process_time()
		for i in range(calls):
			make(i)
			frappe.db.commit()
		wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
	print(
		f"{label}: {wall / calls * 1000:.1f} ms per call ({cpu / calls * 1000:.1f} ms CPU), "
		f"{queries.count / calls:.1f} queries per call, {calls} calls"
	)


def without_inbound_steps() -> None:
	"""The baseline: what a call costs without the steps issue 22 added to the Lead Call Log."""
	from call_status_crm import unknown_callers
	from call_status_crm.call_status_crm.doctype.lead_call_log import call_checks, lead_call_log
	from call_status_crm.call_status_crm.doctype.lead_call_log.call_inbound import CallInbound

	for step in (
		"create_lead_for_unknown_caller",
		"set_unknown_caller",
		"validate_recording_url",
		"after_inbound_update",
	):
		setattr(CallInbound, step, lambda self: None)
	lead_call_log.is_own_number = lambda key: False
	call_checks.is_unknown_call_back = lambda doc: False
	unknown_callers.creates_leads = lambda: False


def number(i: int, base: int) -> str:
	return f"+91 9{base + i:09d}"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--calls", type=int, default=300)
	parser.add_argument("--without-inbound", action="store_true", help="the inbound steps as no-ops")
	parser.add_argument(
		"--fresh-cache",
		action="store_true",
		help="forget Frappe's per-connection cache of single values before each call, as a new request does",
	)
	args = parser.parse_args()
	frappe.init(site=args.site)
	frappe.connect()
	if args.without_inbound:
		without_inbound_steps()
	from call_status_crm import api
	from call_status_crm.settings import SETTINGS
	from call_status_crm.tests.utils import AGENT, INTEGRATION, cleanup_leads, make_test_users

	make_test_users()
	country = frappe.db.get_default("country")
	frappe.db.set_default("country", "India")
	settings_before = frappe.db.get_single_value(SETTINGS, "create_lead_for_unknown_callers")
	frappe.db.set_single_value(SETTINGS, "create_lead_for_unknown_callers", 0)
	base = random.randint(100_000_000, 800_000_000)
	known = [number(i, base) for i in range(20)]
	leads = [
		frappe.get_doc({"doctype": "Lead", "lead_name": f"{PREFIX}{i}", "mobile_no": phone}).insert().name
		for i, phone in enumerate(known)
	]
	frappe.db.commit()
	at = str(add_to_date(now_datetime(), minutes=-30))
	made = []

	def inbound(phone: str, **extra) -> None:
		if args.fresh_cache:
			frappe.db.value_cache.clear()
		made.append(
			api.log_call(
				call_status="missed", direction="Incoming", phone=phone, call_time=at, agent=AGENT, **extra
			)["name"]
		)

	frappe.set_user(INTEGRATION)
	try:
		for phone in known:  # each lead Missed first: the measured calls keep its status
			inbound(phone)
		frappe.db.commit()
		timed("inbound, known number (matched by phone)", args.calls, lambda i: inbound(known[i % 20]))
		timed(
			"inbound, unknown number (lead-less, Unknown Caller)",
			args.calls,
			lambda i: inbound(number(i, base + 1000)),
		)
		timed("inbound, sent with its lead", args.calls, lambda i: inbound(known[i % 20], lead=leads[i % 20]))
		if args.without_inbound:
			return
		frappe.set_user("Administrator")
		frappe.db.set_single_value(SETTINGS, "create_lead_for_unknown_callers", 1)
		frappe.db.commit()
		frappe.set_user(INTEGRATION)
		calls = min(args.calls, 100)
		timed(
			"inbound, unknown number, create_lead_for_unknown_callers on (a Lead per call)",
			calls,
			lambda i: inbound(number(i, base + 5000)),
		)
	finally:
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.db.set_single_value(SETTINGS, "create_lead_for_unknown_callers", settings_before or 0)
		frappe.db.set_default("country", country)
		for name in made:
			lead = frappe.db.get_value("Lead Call Log", name, "lead")
			if lead and lead not in leads:
				leads.append(lead)
			frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		cleanup_leads(leads)
		frappe.destroy()


if __name__ == "__main__":
	main()
