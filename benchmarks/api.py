"""Benchmark: posting calls over HTTP to the bench's web server on 127.0.0.1 from concurrent clients.

Times `call_status_crm.api.log_call` (token auth, as a Call Agent) against inserting ERPNext's own
Call Log through REST (`POST /api/resource/Call Log`, as Administrator, or with `--erpnext-user
system-manager` as a System Manager, the only role that may create one), the same number of requests
from the same number of client threads, in the same run. Prints calls/s and latency percentiles.

	benchmarks/run api --calls 2000 --clients 4 --workers 4 [--mix cycle|attempts]
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time

import frappe
import requests
from frappe.utils import add_to_date, now_datetime

PREFIX = "csc-bench-api-"
# the calls each lead gets in turn: "cycle" moves a lead between Not Picked and Replied on most calls (its
# Lead saved through ERPNext's controller, DESIGN.md §4); "attempts" keeps it Not Picked (counters only)
MIXES = {"cycle": ("busy", "called", "no_answer"), "attempts": ("busy", "no_answer", "busy")}


SYSTEM_MANAGER = "csc.bench.system.manager@example.com"  # ERPNext's Call Log: only System Manager creates


def setup(site: str, erpnext_user: str) -> dict:
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	from frappe.core.doctype.user.user import generate_keys

	from call_status_crm.tests.utils import AGENT, make_test_users, make_user

	make_test_users()
	if erpnext_user == "system-manager":
		make_user(SYSTEM_MANAGER, ["System Manager"])
	theirs = SYSTEM_MANAGER if erpnext_user == "system-manager" else "Administrator"
	frappe.db.delete("Call Log", {"name": ("like", f"{PREFIX}%")})  # left by an interrupted run
	frappe.db.delete("Lead Call Log", {"external_id": ("like", f"{PREFIX}%")})
	agent_secret = generate_keys(AGENT)["api_secret"]
	theirs_secret = generate_keys(theirs)["api_secret"]
	leads = []
	for i in range(20):
		name = f"Bench API Lead {i}"
		lead = (
			frappe.db.get_value("Lead", {"lead_name": name})
			or frappe.get_doc({"doctype": "Lead", "lead_name": name}).insert(ignore_permissions=True).name
		)
		leads.append(lead)
	frappe.db.commit()
	tokens = {
		"agent": f"token {frappe.db.get_value('User', AGENT, 'api_key')}:{agent_secret}",
		"theirs": f"token {frappe.db.get_value('User', theirs, 'api_key')}:{theirs_secret}",
	}
	call_time = str(add_to_date(now_datetime(), minutes=-30))
	frappe.destroy()
	return {"leads": leads, "tokens": tokens, "call_time": call_time}


def cleanup(site: str, leads: list[str]) -> None:
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	from call_status_crm.tests.utils import cleanup_leads

	cleanup_leads(leads)
	frappe.db.delete("Call Log", {"name": ("like", f"{PREFIX}%")})
	frappe.db.delete("Dynamic Link", {"parenttype": "Call Log", "parent": ("like", f"{PREFIX}%")})
	frappe.db.commit()
	frappe.destroy()


def hammer(
	base: str, site: str, token: str, payloads: list[tuple[str, dict]], clients: int
) -> tuple[float, list[float], int]:
	latencies: list[float] = []
	errors = [0]
	lock = threading.Lock()
	chunks = [payloads[i::clients] for i in range(clients)]

	def worker(chunk):
		session = requests.Session()
		session.headers.update({"Authorization": token, "Host": site, "Accept": "application/json"})
		for path, payload in chunk:
			started = time.perf_counter()
			response = session.post(base + path, json=payload, timeout=60)
			elapsed = time.perf_counter() - started
			with lock:
				latencies.append(elapsed)
				if response.status_code != 200:
					errors[0] += 1
					if errors[0] <= 3:
						print("error", response.status_code, response.text[:300])

	threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
	started = time.perf_counter()
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return time.perf_counter() - started, latencies, errors[0]


def call_log_values(call_id: str, i: int, start_time) -> dict:
	"""An ERPNext Call Log as a telephony integration records a completed outgoing call."""
	return {
		"id": call_id,
		"from": "+912240000000",
		"to": f"+9198700{i:05d}",
		"type": "Outgoing",
		"status": "Completed",
		"duration": 35,
		"start_time": start_time,
	}


def report(label: str, seconds: float, latencies: list[float], errors: int) -> float:
	ordered = sorted(latencies)
	p95 = ordered[int(0.95 * (len(ordered) - 1))]
	rate = len(latencies) / seconds
	print(
		f"{label}: {len(latencies)} requests in {seconds:.2f} s = {rate:.1f} calls/s; "
		f"latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; errors {errors}"
	)
	return rate


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--calls", type=int, default=2000)
	parser.add_argument("--clients", type=int, default=4)
	parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
	parser.add_argument("--port", type=int, default=8012)
	parser.add_argument("--mix", choices=tuple(MIXES), default="cycle", help="the call statuses sent")
	parser.add_argument(
		"--erpnext-user",
		choices=("admin", "system-manager"),
		default="admin",
		help="who posts ERPNext's Call Logs (Administrator skips every permission check)",
	)
	args = parser.parse_args()

	seeded = setup(args.site, args.erpnext_user)
	try:
		with start_server(args.site, args.port, args.workers) as base:
			run(args, seeded, base)
	finally:
		cleanup(args.site, seeded["leads"])


@contextlib.contextmanager
def start_server(site: str, port: int, workers: int):
	"""gunicorn serving the bench's sites on 127.0.0.1:`port`, up and answering; stopped afterwards."""
	server = subprocess.Popen(
		[
			*(sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}"),
			"-w",
			str(workers),
			"-t",
			"120",
			"frappe.app:application",
		],
		cwd=os.getcwd(),
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	base = f"http://127.0.0.1:{port}"
	try:
		for _ in range(120):
			try:
				if requests.get(base + "/api/method/ping", headers={"Host": site}, timeout=2).ok:
					break
			except requests.RequestException:  # not up yet, or busy with its first request
				time.sleep(0.5)
		yield base
	finally:
		server.terminate()
		server.wait(timeout=30)


def run(args, seeded: dict, base: str) -> None:
	call_time = seeded["call_time"]
	leads = seeded["leads"]
	ours = [
		(
			"/api/method/call_status_crm.api.log_call",
			{
				"lead": leads[i % len(leads)],
				"call_status": MIXES[args.mix][i % 3],
				"duration": 35 if MIXES[args.mix][i % 3] == "called" else 0,
				"call_time": call_time,
				"external_id": f"{PREFIX}ours-{i}",
			},
		)
		for i in range(args.calls)
	]
	theirs = [
		("/api/resource/Call Log", call_log_values(f"{PREFIX}{i}", i, call_time)) for i in range(args.calls)
	]
	# warm both paths up (first requests import modules and fill caches)
	hammer(base, args.site, seeded["tokens"]["agent"], ours[:20], args.clients)
	hammer(base, args.site, seeded["tokens"]["theirs"], theirs[:20], args.clients)
	print(
		f"{args.calls - 20} requests each, {args.clients} concurrent clients, gunicorn {args.workers} workers, "
		f"127.0.0.1, mix {args.mix}, ERPNext's Call Logs posted by {args.erpnext_user}"
	)
	rate_ours = report(
		"call_status_crm log_call",
		*hammer(base, args.site, seeded["tokens"]["agent"], ours[20:], args.clients),
	)
	rate_theirs = report(
		"ERPNext Call Log via REST",
		*hammer(base, args.site, seeded["tokens"]["theirs"], theirs[20:], args.clients),
	)
	print(f"ratio (ERPNext Call Log rate / log_call rate): {rate_theirs / rate_ours:.2f}x")


if __name__ == "__main__":
	main()
