"""Unknown callers (DESIGN.md §10): an inbound call whose number matches no Lead the caller may write
keeps no lead and is flagged `unknown_caller`; the site's own numbers are never matched nor made Leads;
`create_lead_from_call` (and `create_lead_for_unknown_callers` for every such call) gives the number a
Lead, which takes every lead-less call of that phone key. One Lead per phone key, even when calls from
it arrive at once: a named lock per phone key, held until the transaction ends. A service of the Lead
Call Log controller and the API; it imports no controller."""

import hashlib
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import get_datetime

from call_status_crm.calls import set_callback_times
from call_status_crm.core import unknown_callers as rules
from call_status_crm.leads import PHONE_KEY_FIELDS, site_phone_key
from call_status_crm.settings import SETTINGS

INBOUND_LEAD_SOURCE = "Inbound Call"
PHONE_LOCK_TIMEOUT = 10  # seconds a call waits for another creating the Lead of the same number


class CallHasLeadError(frappe.ValidationError):
	pass


class OwnNumberError(frappe.ValidationError):
	pass


class NoCallerNumberError(frappe.ValidationError):
	pass


class PhoneKeyBusyError(frappe.ValidationError):
	http_status_code = 503


def own_phone_keys() -> frozenset[str]:
	"""The phone keys of the settings' `own_phone_numbers` (read once per request)."""
	text = frappe.db.get_single_value(SETTINGS, "own_phone_numbers")
	cache = frappe.local.flags.setdefault("call_status_crm_own_phone_keys", {})
	if text not in cache:
		cache[text] = rules.own_phone_keys(text, site_phone_key)
	return cache[text]


def is_own_number(phone_key: str | None) -> bool:
	return bool(phone_key) and phone_key in own_phone_keys()


def is_unknown_caller(doc) -> bool:
	if doc.direction != rules.INCOMING or doc.lead or not doc.phone_key:
		return False  # the usual call (a lead, or outgoing) reads no settings
	return rules.is_unknown_caller(doc.direction, doc.lead, doc.phone_key, own_phone_keys())


def creates_leads() -> bool:
	return bool(frappe.db.get_single_value(SETTINGS, "create_lead_for_unknown_callers"))


@contextmanager
def phone_key_lock(phone_key: str):
	"""A MariaDB named lock on one phone key, held until the transaction that made the number's Lead ends:
	two calls from one number never make two Leads. The release is set up only once the work inside is
	done, because ERPNext commits in the middle of a Lead insert (its Contact's `after_insert` hook runs
	`frappe.db.commit()`), before the Lead row exists; releasing at that commit would let the next call in
	before the Lead is there to be found."""
	name = "csc:pk:" + hashlib.sha1(f"{frappe.local.site}:{phone_key}".encode()).hexdigest()
	held = frappe.local.flags.setdefault("call_status_crm_phone_locks", set())
	if name in held:
		yield
		return
	if not frappe.db.sql("SELECT GET_LOCK(%s, %s)", (name, PHONE_LOCK_TIMEOUT))[0][0]:
		frappe.throw(
			_("Another call from {0} is being logged right now: send the call again.").format(
				frappe.bold(phone_key)
			),
			exc=PhoneKeyBusyError,
			title=_("Busy"),
		)
	held.add(name)
	try:
		yield
	finally:

		def release():
			if name in held:
				held.discard(name)
				frappe.db.sql("SELECT RELEASE_LOCK(%s)", (name,))

		frappe.db.after_commit.add(release)
		frappe.db.after_rollback.add(release)


def lead_with_phone_key(phone_key: str) -> str | None:
	"""A Lead with this phone key as committed now (a locking read: it sees what others committed since
	this transaction began)."""
	lead = frappe.qb.DocType("Lead")
	for field in PHONE_KEY_FIELDS:
		rows = (
			frappe.qb.from_(lead)
			.select(lead.name)
			.where(lead[field] == phone_key)
			.limit(1)
			.for_update()
			.run()
		)
		if rows:
			return rows[0][0]
	return None


def new_lead(phone: str, lead_name: str | None = None, ignore_permissions: bool = False) -> str:
	"""A Lead for a caller: their number as `mobile_no`, source "Inbound Call" where the site has it."""
	values = {"doctype": "Lead", "lead_name": (lead_name or "").strip() or phone, "mobile_no": phone}
	if frappe.db.exists("Lead Source", INBOUND_LEAD_SOURCE):
		values["source"] = INBOUND_LEAD_SOURCE
	return frappe.get_doc(values).insert(ignore_permissions=ignore_permissions).name


def lead_for_unknown_caller(doc) -> str | None:
	"""`create_lead_for_unknown_callers`: the Lead an unknown inbound caller gets (the one another call
	from the number made meanwhile, else a new one)."""
	if doc.lead or doc.direction != rules.INCOMING or not doc.phone_key or not creates_leads():
		return None
	if not is_unknown_caller(doc):
		return None
	with phone_key_lock(doc.phone_key):
		existing = lead_with_phone_key(doc.phone_key)
		if existing:
			# made by another call meanwhile (or a Lead this user may not write: it is not theirs to take)
			return existing if doc.by_trusted else None
		return new_lead(doc.phone, ignore_permissions=True)


def create_lead_from_call(doc, lead_name: str | None = None) -> str:
	"""A Lead for the caller of a lead-less call (the desk's Create Lead; the API has checked who may): it
	takes this call and every lead-less call with the same phone key, and its status follows them as if
	they had been logged on it."""
	check_can_create_lead(doc)
	with phone_key_lock(doc.phone_key):
		doc = frappe.get_doc("Lead Call Log", doc.name, for_update=True)  # as committed, under the lock
		check_can_create_lead(doc)
		lead = new_lead(doc.phone, lead_name)
		adopt_calls(lead, doc.phone_key)
	return lead


def check_can_create_lead(doc) -> None:
	if doc.lead:
		frappe.throw(
			_("Call {0} already has Lead {1}.").format(frappe.bold(doc.name), frappe.bold(doc.lead)),
			exc=CallHasLeadError,
			title=_("Lead Exists"),
		)
	if not doc.phone_key:
		frappe.throw(
			_("Call {0} has no caller's number to make a Lead of.").format(frappe.bold(doc.name)),
			exc=NoCallerNumberError,
			title=_("No Number"),
		)
	if is_own_number(doc.phone_key):
		frappe.throw(
			_(
				"{0} is one of this site's own numbers (Call Status CRM Settings): it is never made a Lead."
			).format(frappe.bold(doc.phone)),
			exc=OwnNumberError,
			title=_("Own Number"),
		)


def adopt_calls(lead: str, phone_key: str, exclude: str | None = None) -> list[str]:
	"""Give `lead` every lead-less call with this phone key, oldest first, each saved through its
	controller as the app (the Lead's status follows them as if they had been logged on it)."""
	call = frappe.qb.DocType("Lead Call Log")
	names = [
		row[0]
		for row in frappe.qb.from_(call)
		.select(call.name)
		.where((call.phone_key == phone_key) & call.lead.isnull() & (call.name != (exclude or "")))
		.orderby(call.call_time)
		.for_update()  # what others committed since this transaction began, too
		.run()
	]
	for name in names:
		call = frappe.get_doc("Lead Call Log", name, for_update=True)
		if call.lead:
			continue
		call.lead = lead
		call.flags.ignore_permissions = True
		call.flags.from_job = True
		call.save()
	return names


def is_unknown_call_back(doc) -> bool:
	"""An outgoing call with no Lead is a call back to an unknown caller when that number has called in
	and landed on no Lead (one indexed lookup, only for a lead-less outgoing call)."""
	if doc.lead or doc.direction != "Outgoing" or not doc.phone_key or is_own_number(doc.phone_key):
		return False
	return bool(frappe.db.exists("Lead Call Log", {"phone_key": doc.phone_key, "unknown_caller": 1}))


def update_unknown_callback_times(doc) -> None:
	"""A lead-less outgoing call is the call back of the unknown caller's missed calls before it that
	had none yet (the workspace counts those not yet called back)."""
	if doc.lead or doc.direction != "Outgoing" or not doc.phone_key:
		return
	call = frappe.qb.DocType("Lead Call Log")
	# a plain read: a locking read of the number's calls would wait on the calls others are logging to it,
	# and two call backs logged at once would deadlock; each missed call is then locked and checked again
	missed = (
		frappe.qb.from_(call)
		.select(call.name)
		.where(
			(call.phone_key == doc.phone_key)
			& (call.unknown_caller == 1)
			& (call.outcome == "Missed")
			& (call.call_time < doc.call_time)
			& (call.called_back_at.isnull() | (call.called_back_at > doc.call_time))
		)
		.run(pluck=True)
	)
	at = get_datetime(doc.call_time)

	def still_waiting(missed_call: dict) -> bool:
		back = missed_call["called_back_at"]
		return (
			not missed_call["lead"]
			and missed_call["outcome"] == "Missed"
			and get_datetime(missed_call["call_time"]) < at
			and (not back or get_datetime(back) > at)
		)

	set_callback_times(dict.fromkeys(missed, at), only_if=still_waiting)


UNKNOWN_CALLER_FILTER = "Unknown Caller"


def ensure_unknown_caller_filter() -> None:
	"""The call list's saved filter *Unknown Caller* (global: every user's Filter menu lists it), made on
	install and migrate when missing."""
	filters = {"reference_doctype": "Lead Call Log", "filter_name": UNKNOWN_CALLER_FILTER}
	if frappe.db.exists("List Filter", filters):
		return
	frappe.get_doc(
		{
			"doctype": "List Filter",
			**filters,
			"for_user": "",
			"filters": frappe.as_json([["Lead Call Log", "unknown_caller", "=", 1, False]], indent=None),
		}
	).insert(ignore_permissions=True)


class InvalidOwnNumberError(frappe.ValidationError):
	pass


def validate_own_phone_numbers(text: str | None) -> None:
	"""Settings: every line of Own Phone Numbers must be a phone number."""
	bad = rules.invalid_own_numbers(text, site_phone_key)
	if bad:
		frappe.throw(
			_("Own Phone Numbers: {0} is not a phone number (one number a line).").format(
				frappe.bold(bad[0][:40])
			),
			exc=InvalidOwnNumberError,
			title=_("Invalid Number"),
		)
