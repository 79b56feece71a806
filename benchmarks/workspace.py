"""Benchmark: how long the Call Center workspace takes to show its numbers, over HTTP, warm.

Logs in as a Call Agent (with an Employee record) and as a Call Center Manager (desk sessions, as a
browser does) and sends the requests the desk sends for the workspace (Frappe v15's workspace, number
card and chart widgets): the sidebar and the page, then each number card's chain (its document, its
number, its percentage against yesterday where the card shows one) and the chart's chain (its document,
its source's script, its data, and the meta of its document type when the chart names one), the chains
side by side as the browser runs them. Prints, per user, the median and the slowest of `--rounds` warm
rounds for each request and for the whole page ("numbers shown": the last card's number and the chart's
data are in). Asserts nothing about time.

	benchmarks/run workspace [--rounds 10] [--workers 2] [--calls 200]
"""

import argparse
import json
import statistics
import threading
import time

import frappe
import requests
from api import start_server  # benchmarks/api.py
from frappe.utils import add_to_date, now_datetime

PREFIX = "csc-bench-ws-"
WORKSPACE = "Call Center"
SOURCE_METHODS: dict[str, str] = {}  # a chart source's method, named in its script (`chart_source_methods`)


def setup(site: str, calls: int) -> dict:
	"""The test users, an Employee for the agent, and `calls` of today's calls (half the agent's)."""
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	from call_status_crm.tests.utils import (
		AGENT,
		MANAGER,
		TEST_PASSWORD,
		make_employee,
		make_lead,
		make_test_users,
	)

	make_test_users()
	if not frappe.db.exists("Employee", {"user_id": AGENT}):
		make_employee(AGENT, "CSC Bench Branch")
	frappe.db.delete("Lead Call Log", {"external_id": ("like", f"{PREFIX}%")})
	lead = (
		frappe.db.get_value("Lead", {"lead_name": "Bench Workspace Lead"})
		or make_lead("Bench Workspace Lead").name
	)
	statuses = ("busy", "no_answer", "called", "voicemail")
	for i in range(calls):
		frappe.get_doc(
			{
				"doctype": "Lead Call Log",
				"lead": lead,
				"direction": "Outgoing",
				"call_status": statuses[i % len(statuses)],
				"duration": 40 if statuses[i % len(statuses)] == "called" else 0,
				"call_time": add_to_date(now_datetime(), minutes=-(i % 60) - 1),
				"agent": AGENT if i % 2 else MANAGER,
				"external_id": f"{PREFIX}{i}",
				"source": "Dialler",
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.destroy()
	return {"users": {"agent": AGENT, "manager": MANAGER}, "password": TEST_PASSWORD}


def cleanup(site: str) -> None:
	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	for name in frappe.get_all(
		"Lead Call Log", filters={"external_id": ("like", f"{PREFIX}%")}, pluck="name"
	):
		frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
	frappe.db.commit()
	frappe.destroy()


class Desk:
	"""A logged-in desk session: `call` times one whitelisted method."""

	def __init__(self, base: str, site: str, user: str, password: str):
		self.base = base
		self.session = requests.Session()
		self.session.headers.update({"Host": site, "Accept": "application/json"})
		response = self.session.post(f"{base}/api/method/login", data={"usr": user, "pwd": password})
		response.raise_for_status()
		self.session.headers["X-Frappe-CSRF-Token"] = "bench"  # (a session has none until /app)
		self.timings: dict[str, list[float]] = {}
		self.lock = threading.Lock()

	def call(self, label: str, method: str, get: bool = False, **args):
		data = {key: value if isinstance(value, str) else json.dumps(value) for key, value in args.items()}
		started = time.perf_counter()
		url = f"{self.base}/api/method/{method}"
		if get:
			response = self.session.get(url, params=data, timeout=60)
		else:
			response = self.session.post(url, data=data, timeout=60)
		elapsed = time.perf_counter() - started
		if response.status_code != 200:
			raise RuntimeError(f"{label}: {response.status_code} {response.text[:300]}")
		with self.lock:
			self.timings.setdefault(label, []).append(elapsed)
		answer = response.json()
		return answer["message"] if "message" in answer else answer  # (getdoc answers with `docs`)


def getdoc(desk: Desk, doctype: str, name: str) -> dict:
	answer = desk.call(f"getdoc {name}", "frappe.desk.form.load.getdoc", get=True, doctype=doctype, name=name)
	return answer["docs"][0]


def card_chain(desk: Desk, name: str, card: dict | None) -> None:
	card = card or getdoc(desk, "Number Card", name)
	filters = json.loads(card.get("filters_json") or "[]")
	if card.get("type") == "Custom":
		number = desk.call(f"number {name}", card["method"], filters=filters)
	else:
		number = desk.call(
			f"number {name}",
			"frappe.desk.doctype.number_card.number_card.get_result",
			doc=card,
			filters=filters,
		)
	if card.get("show_percentage_stats"):
		desk.call(
			f"percentage {name}",
			"frappe.desk.doctype.number_card.number_card.get_percentage_difference",
			doc=card,
			filters=filters,
			result=number if not isinstance(number, dict) else number.get("value"),
		)


def chart_chain(desk: Desk, name: str, chart: dict | None) -> None:
	chart = chart or getdoc(desk, "Dashboard Chart", name)
	if chart.get("chart_type") == "Custom":
		desk.call(
			f"source script {name}",
			"frappe.desk.doctype.dashboard_chart_source.dashboard_chart_source.get_config",
			name=chart["source"],
		)
		desk.call(
			f"data {name}",
			SOURCE_METHODS[chart["source"]],
			chart_name=name,
			filters=chart.get("filters_json") or "{}",
			refresh=0,
		)
	else:
		desk.call(
			f"data {name}",
			"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
			chart_name=name,
			filters=chart.get("filters_json") or "{}",
			refresh=0,
		)
	if chart.get("document_type"):
		desk.call(
			f"meta {chart['document_type']}",
			"frappe.desk.form.load.getdoctype",
			get=True,
			doctype=chart["document_type"],
		)


def open_workspace(desk: Desk, batched: bool) -> float:
	"""One visit: the sidebar and page, then every card's and chart's chain side by side. `batched`: the
	widgets' documents in one request, as the app's desk bundle fetches them; else one `getdoc` each, as
	Frappe's widgets do by themselves."""
	started = time.perf_counter()
	desk.call("sidebar", "frappe.desk.desktop.get_workspace_sidebar_items", get=True)
	page = desk.call("page", "frappe.desk.desktop.get_desktop_page", page=json.dumps({"name": WORKSPACE}))
	cards = [item["number_card_name"] for item in page["number_cards"]["items"]]
	charts = [item["chart_name"] for item in page["charts"]["items"]]
	docs = {}
	if batched:
		widgets = desk.call(
			"widgets (one request)", "call_status_crm.dashboard.get_workspace_widgets", get=True
		)
		docs = {widget["name"]: widget for widget in widgets}
	threads = [threading.Thread(target=card_chain, args=(desk, name, docs.get(name))) for name in cards]
	threads += [threading.Thread(target=chart_chain, args=(desk, name, docs.get(name))) for name in charts]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return time.perf_counter() - started


def chart_source_methods(site: str) -> dict:
	"""The method each chart source's script names (what the desk calls after loading the script)."""
	import re

	frappe.init(site=site)
	frappe.connect()
	from frappe.desk.doctype.dashboard_chart_source.dashboard_chart_source import get_config

	methods = {}
	for name in frappe.get_all("Dashboard Chart Source", filters={"module": "Call Status CRM"}, pluck="name"):
		found = re.search(r"method:\s*\"([\w.]+)\"", get_config(name) or "")
		if found:
			methods[name] = found.group(1)
	frappe.destroy()
	return methods


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", default="bench_site")
	parser.add_argument("--rounds", type=int, default=10)
	parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the browser test's 2)")
	parser.add_argument("--port", type=int, default=8014)
	parser.add_argument("--calls", type=int, default=200, help="today's calls seeded")
	args = parser.parse_args()

	seeded = setup(args.site, args.calls)
	SOURCE_METHODS.update(chart_source_methods(args.site))
	try:
		with start_server(args.site, args.port, args.workers) as base:
			print(
				f"workspace {WORKSPACE!r}, {args.calls} calls today, gunicorn {args.workers} workers, "
				f"127.0.0.1, {args.rounds} warm rounds (after 2 untimed)"
			)
			for role, user in seeded["users"].items():
				for batched, how in (
					(False, "a getdoc per widget"),
					(True, "the app's desk: widgets batched"),
				):
					desk = Desk(base, args.site, user, seeded["password"])
					for _ in range(2):
						open_workspace(desk, batched)
					desk.timings.clear()
					pages = [open_workspace(desk, batched) for _ in range(args.rounds)]
					print(
						f"\n{role} ({user}), {how}: numbers shown in median {ms(pages)}, "
						f"slowest {ms([max(pages)])}"
					)
					for label, times in desk.timings.items():
						print(f"  {label:<48} median {ms(times):>8}  max {ms([max(times)]):>8}")
	finally:
		cleanup(args.site)


def ms(times: list[float]) -> str:
	return f"{statistics.median(times) * 1000:.0f} ms"


if __name__ == "__main__":
	main()
