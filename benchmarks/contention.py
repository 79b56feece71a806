"""Benchmark: many clients posting a dialler's events for a few leads at once, through gunicorn.

8 client threads send 520 requests to 6 leads as a Call Integration user: 400 calls with shuffled call
times, 60 replays of calls already sent, and 30 dialler start/end pairs in either order. Prints how
many requests failed (by HTTP status) and checks every Lead against its calls afterwards: failed
requests are calls a dialler may never resend.

	benchmarks/run contention --clients 8 --workers 4
"""

import argparse
import collections
import datetime
import random
import threading
import time

import frappe
import requests
from api import report, start_server  # benchmarks/api.py
from frappe.utils import now_datetime

PREFIX = "csc-bench-cont-"
API = "/api/method/call_status_crm.api."
STATUSES = ("busy", "no_answer", "called", "qualified", "disqualified", "voicemail")


def setup(site: str, leads: int) -> dict:
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	from frappe.core.doctype.user.user import generate_keys

	from call_status_crm.tests.utils import INTEGRATION, make_test_users

	make_test_users()
	frappe.db.delete("Lead Call Log", {"external_id": ("like", f"{PREFIX}%")})
	secret = generate_keys(INTEGRATION)["api_secret"]
	names = [
		frappe.get_doc({"doctype": "Lead", "lead_name": f"Bench Contention Lead {i}"}).insert().name
		for i in range(leads)
	]
	frappe.db.commit()
	token = f"token {frappe.db.get_value('User', INTEGRATION, 'api_key')}:{secret}"
	now = now_datetime()
	frappe.destroy()
	return {"leads": names, "token": token, "now": now}


def requests_for(now, leads: list[str], calls: int, replays: int, pairs: int, rng: random.Random) -> list:
	def at(minutes: float) -> str:
		return str(now - datetime.timedelta(minutes=minutes))

	sent = []
	for i in range(calls):
		status = rng.choice(STATUSES)
		sent.append(
			(
				"log_call",
				{
					"external_id": f"{PREFIX}{i}",
					"lead": leads[i % len(leads)],
					"call_status": status,
					"duration": 0 if status in ("busy", "no_answer", "voicemail") else rng.randint(5, 300),
					"call_time": at(rng.uniform(5, 600)),
				},
			)
		)
	work = list(sent)
	work += [rng.choice(sent) for _ in range(replays)]
	for i in range(pairs):
		lead, when = leads[i % len(leads)], at(rng.uniform(5, 600))
		external_id = f"{PREFIX}pair-{i}"
		work.append(("start_call", {"external_id": external_id, "lead": lead, "call_time": when}))
		work.append(
			(
				"end_call",
				{
					"external_id": external_id,
					"lead": lead,
					"call_time": when,
					"call_status": "called",
					"duration": 42,
				},
			)
		)
	rng.shuffle(work)
	return work


def hammer(base: str, site: str, token: str, work: list, clients: int):
	statuses: collections.Counter = collections.Counter()
	latencies: list[float] = []
	lock = threading.Lock()

	def worker(chunk):
		session = requests.Session()
		session.headers.update({"Authorization": token, "Host": site, "Accept": "application/json"})
		for method, payload in chunk:
			started = time.perf_counter()
			response = session.post(base + API + method, json=payload, timeout=120)
			with lock:
				latencies.append(time.perf_counter() - started)
				statuses[response.status_code] += 1
				if response.status_code != 200 and sum(v for k, v in statuses.items() if k != 200) <= 3:
					print("error", response.status_code, response.text[:300])
					with open("/tmp/csc-contention-errors.txt", "a") as log:
						log.write(response.text + "\n")

	threads = [threading.Thread(target=worker, args=(work[i::clients],)) for i in range(clients)]
	started = time.perf_counter()
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return time.perf_counter() - started, latencies, statuses


def check_leads(site: str, leads: list[str]) -> list[str]:
	"""Each Lead as its calls say it should be: attempts, and the status of its latest status-setting call."""
	frappe.init(site=site)
	frappe.connect()
	wrong = []
	for lead in leads:
		calls = frappe.get_all(
			"Lead Call Log",
			filters={"lead": lead},
			fields=["call_time", "creation", "name", "lead_status"],
			order_by="call_time asc, creation asc, name asc",
		)
		setting = [call.lead_status for call in calls if call.lead_status]
		expected = (setting[-1] if setting else "Lead", len(calls))
		actual = frappe.db.get_value("Lead", lead, ["status", "call_attempts"])
		if tuple(actual) != expected:
			wrong.append(f"{lead}: {actual} != expected {expected}")
	duplicates = frappe.db.sql(
		"""SELECT external_id, COUNT(*) FROM `tabLead Call Log` WHERE external_id LIKE %s
		GROUP BY external_id HAVING COUNT(*) > 1""",
		(f"{PREFIX}%",),
	)
	wrong += [f"duplicate call {row[0]} x{row[1]}" for row in duplicates]
	from call_status_crm.tests.utils import cleanup_leads

	cleanup_leads(leads)
	frappe.destroy()
	return wrong


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--leads", type=int, default=6)
	parser.add_argument("--calls", type=int, default=400)
	parser.add_argument("--replays", type=int, default=60)
	parser.add_argument("--pairs", type=int, default=30)
	parser.add_argument("--clients", type=int, default=8)
	parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
	parser.add_argument("--port", type=int, default=8013)
	parser.add_argument("--seed", type=int, default=7)
	args = parser.parse_args()

	seeded = setup(args.site, args.leads)
	work = requests_for(
		seeded["now"], seeded["leads"], args.calls, args.replays, args.pairs, random.Random(args.seed)
	)
	with start_server(args.site, args.port, args.workers) as base:
		seconds, latencies, statuses = hammer(base, args.site, seeded["token"], work, args.clients)
	failed = sum(count for status, count in statuses.items() if status != 200)
	print(
		f"{len(work)} requests, {args.clients} clients, {args.leads} leads, gunicorn {args.workers} workers: "
		f"{failed} failed ({failed * 100 / len(work):.1f}%), by status {dict(sorted(statuses.items()))}"
	)
	report("requests", seconds, latencies, failed)
	wrong = check_leads(args.site, seeded["leads"])
	print("leads consistent with their calls" if not wrong else "INCONSISTENT: " + "; ".join(wrong))


if __name__ == "__main__":
	main()
