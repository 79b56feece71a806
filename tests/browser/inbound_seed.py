"""Seed and clean up the inbound browser checks (tests/browser/inbound.mjs), run by dev/browser-test with
the bench's Python: `python - SITE` prints the seed as JSON on its last line; `python - SITE cleanup NUMBER
CALL` deletes the Lead the check made for NUMBER, its calls, and the recording call."""

import json
import os
import random
import struct
import sys
import wave

import frappe

frappe.init(site=sys.argv[1])
frappe.connect()
from frappe.utils import add_to_date, now_datetime

from call_status_crm.leads import site_phone_key
from call_status_crm.tests.utils import AGENT, make_test_users

RECORDING = "csc-browser-recording.wav"


def seed():
	make_test_users()
	number = f"+91 9{random.randint(100_000_000, 999_999_999)}"
	calls = []
	for minutes in (30, 5):  # two missed calls from a number that is no Lead
		calls.append(
			frappe.get_doc(
				{
					"doctype": "Lead Call Log",
					"direction": "Incoming",
					"call_status": "missed",
					"phone": number,
					"agent": AGENT,
					"source": "Manual",
					"call_time": add_to_date(now_datetime(), minutes=-minutes),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	# one second of a 440 Hz tone, as a public file of the site (the browser fetches it, not the server)
	path = frappe.get_site_path("public", "files", RECORDING)
	with wave.open(path, "wb") as out:
		out.setnchannels(1)
		out.setsampwidth(2)
		out.setframerate(8000)
		tone = [8000 if (i * 880 // 8000) % 2 else -8000 for i in range(8000)]
		out.writeframes(struct.pack(f"<{len(tone)}h", *tone))
	frappe.db.commit()
	print(json.dumps({"number": number, "unknown_calls": calls, "recording_file": f"/files/{RECORDING}"}))


def cleanup(number: str, call: str | None):
	key = site_phone_key(number)
	names = frappe.get_all("Lead Call Log", {"phone_key": key}, pluck="name") + ([call] if call else [])
	for name in names:
		if frappe.db.exists("Lead Call Log", name):
			frappe.delete_doc("Lead Call Log", name, force=True, ignore_permissions=True)
	for lead in frappe.get_all("Lead", or_filters={"mobile_key": key, "phone_key": key}, pluck="name"):
		frappe.delete_doc("Lead", lead, force=True, ignore_permissions=True)
	frappe.db.commit()
	path = frappe.get_site_path("public", "files", RECORDING)
	if os.path.exists(path):
		os.remove(path)


if len(sys.argv) > 2 and sys.argv[2] == "cleanup":
	cleanup(sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
else:
	seed()
frappe.destroy()
