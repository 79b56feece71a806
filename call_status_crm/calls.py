"""Writing calls: naming, the upsert integrations use, call-back times, and the retry of a transaction
that lost a deadlock. A service: the API, the bridge and the controller call it; it imports no controller.

Lock order (DESIGN.md §4): a writer takes the Lead's row lock first, then the call's. Every path that
changes a call goes Lead → call, so two writers on one lead queue instead of deadlocking.
"""

import random
import time

import frappe
from frappe import _
from frappe.utils import get_datetime

from call_status_crm import rollups
from call_status_crm.core.calls import callback_times
from call_status_crm.leads import lock_leads
from call_status_crm.schema import LEAD_INDEX

NAME_SEQUENCE = ("Lead Call Log", "_name_seq")  # frappe.database.sequence: lead_call_log_name_seq
MAX_ATTEMPTS = 4  # a request that lost a deadlock is run again this many times in all
RETRY_AFTER_SECONDS = 2


class CallsBusyError(frappe.ValidationError):
	"""The calls of one lead stayed contended after every retry: the client should send again."""

	http_status_code = 503


def call_name_sequence() -> str:
	return frappe.scrub("".join(NAME_SEQUENCE))


def next_call_number() -> int:
	from frappe.database.sequence import get_next_val

	try:
		return get_next_val(NAME_SEQUENCE[0], slug=NAME_SEQUENCE[1])
	except Exception as e:
		if frappe.db.is_table_missing(e):
			frappe.throw(
				_("The numbering of calls is not set up on this site: run {0}.").format(
					frappe.bold("bench migrate")
				),
				title=_("Call Numbering Missing"),
			)
		raise


def with_retry(work, *args, **kwargs):
	"""Run `work` (the whole of a request's writes); when MariaDB picks it as a deadlock victim or a lock
	wait times out, roll back and run it again (bounded, with jitter), then answer 503 with Retry-After."""
	for attempt in range(1, MAX_ATTEMPTS + 1):
		try:
			return work(*args, **kwargs)
		except Exception as e:
			if not is_lock_conflict(e):
				raise
			frappe.db.rollback()  # a deadlock victim's transaction is already rolled back by InnoDB
			frappe.clear_messages()
			if attempt == MAX_ATTEMPTS:
				frappe.local.flags.call_status_crm_retry_after = RETRY_AFTER_SECONDS
				frappe.throw(
					_("Calls of this lead are being written by others right now: send the call again."),
					exc=CallsBusyError,
					title=_("Busy"),
				)
			time.sleep(random.uniform(0.02, 0.1) * attempt)


def is_lock_conflict(e: Exception) -> bool:
	"""MariaDB chose this transaction as a deadlock victim, or a lock wait timed out."""
	code = e.args[0] if getattr(e, "args", None) else None
	return isinstance(code, int) and (frappe.db.is_deadlocked(e) or frappe.db.is_timedout(e))


def add_retry_after(response=None, request=None):
	"""`after_request` hook: a 503 from `with_retry` tells the client when to send again."""
	seconds = frappe.local.flags.get("call_status_crm_retry_after")
	if seconds and response is not None:
		response.headers["Retry-After"] = str(seconds)


def upsert_call(
	values: dict,
	ignore_permissions: bool = False,
	flags: dict | None = None,
	insert_defaults: dict | None = None,
):
	"""Insert a call, or update the call with the same `external_id` (integrations resend events).
	`insert_defaults` apply to a new call only: an update changes only what `values` say.

	The lookup is a plain read: a locking read of a missing key would take a gap lock, and two requests
	for new calls would then deadlock on each other's inserts. When the same new call arrives twice at
	once, the unique index refuses the second insert, which then updates the call the first one made.
	"""
	external_id = values.get("external_id")
	name = external_id and frappe.db.get_value("Lead Call Log", {"external_id": external_id}, "name")
	if name:
		return update_call(name, values, ignore_permissions, flags)
	frappe.db.savepoint("upsert_call")
	try:
		doc = frappe.get_doc({"doctype": "Lead Call Log", **(insert_defaults or {}), **values})
		doc.flags.update(flags or {})
		doc.insert(ignore_permissions=ignore_permissions)
		return doc
	except (frappe.DuplicateEntryError, frappe.UniqueValidationError):
		if not external_id:
			raise
		frappe.db.rollback(save_point="upsert_call")
		frappe.clear_messages()
		# the insert has locked the new call's Lead already; a locking read sees the committed call
		name = frappe.db.get_value("Lead Call Log", {"external_id": external_id}, "name", for_update=True)
		return update_call(name, values, ignore_permissions, flags)


def update_call(name: str, values: dict, ignore_permissions: bool, flags: dict | None = None):
	"""Change only what `values` says, taking the Lead's lock before the call's."""
	stored_lead = frappe.db.get_value("Lead Call Log", name, "lead")
	lock_leads([stored_lead, values.get("lead")])
	doc = frappe.get_doc("Lead Call Log", name, for_update=True)
	doc.update({key: value for key, value in values.items() if key != "external_id"})
	doc.flags.update(flags or {})
	doc.save(ignore_permissions=ignore_permissions)
	return doc


def update_callback_times(lead: str, exclude: str | None = None) -> None:
	"""Each missed inbound call of `lead` keeps when the lead was called back (the first outgoing call
	after it), so Missed Call Service Level reads a column instead of searching every missed call's
	call back. `exclude`: a call being deleted. The lead's calls are read as committed (a call back
	another transaction committed while this one waited for the Lead's lock counts), through the lead
	index as the Lead hook's locking read takes them (`get_call_facts`)."""
	call = frappe.qb.DocType("Lead Call Log")
	rows = (
		frappe.qb.from_(call)
		.force_index(LEAD_INDEX)
		.select(call.name, call.direction, call.outcome, call.call_time)
		.where((call.lead == lead) & (call.name != (exclude or "")))
		.for_update()
		.run(as_dict=True)
	)
	missed = {row.name: row for row in rows if row.direction == "Incoming" and row.outcome == "Missed"}
	if not missed:
		return  # the usual case: nothing to call back
	set_callback_times(
		callback_times(
			{name: get_datetime(row.call_time) for name, row in missed.items()},
			[get_datetime(row.call_time) for row in rows if row.direction == "Outgoing"],
		)
	)


def set_callback_times(times: dict, only_if=None) -> None:
	"""The one writer of `called_back_at` besides the call's own save: {call: its call-back time or None}.
	Each call is read under its row lock (and left alone unless `only_if(values)`, when given, says so),
	and those whose time changes are told to the roll-ups (they count call-backs, written at the commit)
	before they are changed."""
	current = rollups.read_calls(list(times), for_update=True)
	changed = {
		name: at
		for name, at in times.items()
		if name in current
		and as_datetime(current[name]["called_back_at"]) != as_datetime(at)
		and (only_if is None or only_if(current[name]))
	}
	rollups.before_sql_update({name: current[name] for name in changed})
	for name, at in changed.items():
		frappe.db.set_value("Lead Call Log", name, "called_back_at", at, update_modified=False)


def as_datetime(value):
	return get_datetime(value) if value else None


def set_all_callback_times(rebuild_rollups: bool = True) -> None:
	"""`update_callback_times` for every lead in one statement (the patch that fills the column), then the
	roll-ups rebuilt from the calls where the site has them (they count call-backs; a caller that rebuilds
	them itself right after, as the benchmark's seed does, says `rebuild_rollups=False`)."""
	frappe.db.sql(
		"""UPDATE `tabLead Call Log` call_log
		JOIN (
			SELECT missed.name, MIN(back.call_time) AS called_back_at
			FROM `tabLead Call Log` missed
			JOIN `tabLead Call Log` back ON back.lead = missed.lead AND back.direction = 'Outgoing'
				AND back.call_time > missed.call_time
			WHERE missed.direction = 'Incoming' AND missed.outcome = 'Missed'
			GROUP BY missed.name
		) first_back ON first_back.name = call_log.name
		SET call_log.called_back_at = first_back.called_back_at"""
	)
	if rebuild_rollups and rollups.tables_exist():
		rollups.rebuild()
