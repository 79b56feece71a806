"""What the call API takes from a request and gives back: checked values (types, dates, the source and
external id scope the user's roles allow), the call a user may touch, and the answer. A service of
`api.py`."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import get_system_timezone

from call_status_crm.calls import upsert_call
from call_status_crm.core import access, times
from call_status_crm.core.access import scoped_external_id, unscoped_external_id
from call_status_crm.core.calls import CALL_DIRECTIONS, is_before_records
from call_status_crm.permissions import deny_lead, is_integration, is_trusted


class InvalidDirectionError(frappe.ValidationError):
	pass


class UnknownLeadError(frappe.DoesNotExistError):
	pass


class UnknownCallError(frappe.DoesNotExistError):
	pass


class InvalidDatetimeError(frappe.ValidationError):
	pass


class InvalidCallInputError(frappe.ValidationError):
	pass


def get_permitted_call(name: str, ptype: str, for_update: bool = True):
	"""The call, if the user may `ptype` it. To a user who may not see every call, a call that is not
	theirs and a call that does not exist look the same. `for_update`: row-locked."""
	visible = frappe.get_list("Lead Call Log", filters={"name": name}, pluck="name", limit=1)
	if not visible:
		if is_trusted():
			frappe.throw(_("Call {0} does not exist.").format(frappe.bold(name)), exc=UnknownCallError)
		frappe.throw(
			_("Call {0} is not one of your calls.").format(frappe.bold(name)), exc=frappe.PermissionError
		)
	doc = frappe.get_doc("Lead Call Log", name, for_update=for_update)
	doc.check_permission(ptype)
	return doc


# What a new call gets when the request does not say. `lead` "": a call sent without one is matched by
# its number, never given the Lead a user's User Permission would make the desk's default.
INSERT_DEFAULTS = {"direction": "Outgoing", "duration": 0, "lead": ""}


def upsert(values: dict, insert_defaults: dict, live_start: bool = False):
	"""Insert or update by external id, as the requesting user (`calls.upsert_call`)."""
	return upsert_call(values, flags={"live_start": live_start}, insert_defaults=insert_defaults)


def call_values(**values) -> dict:
	"""Check what a caller sent and turn it into Lead Call Log values (only what was sent). The source
	a user may claim and the external id's scope come from the user (DESIGN.md §1a)."""
	for fieldname in (
		"lead",
		"direction",
		"source",
		"agent",
		"phone",
		"external_id",
		"call_status",
		"callback_type",
	):
		if values.get(fieldname) is not None and not isinstance(values[fieldname], str):
			frappe.throw(_("{0} must be text.").format(frappe.bold(fieldname)), exc=InvalidCallInputError)
	if values.get("lead") and not frappe.db.exists("Lead", values["lead"]):
		if not is_integration():  # to anyone else, a Lead that does not exist is one they may not write
			deny_lead(values["lead"])
		frappe.throw(_("Lead {0} does not exist.").format(frappe.bold(values["lead"])), exc=UnknownLeadError)
	if values.get("direction") and values["direction"] not in CALL_DIRECTIONS:
		frappe.throw(
			_("Direction {0} is not valid: use Outgoing or Incoming.").format(
				frappe.bold(values["direction"])
			),
			exc=InvalidDirectionError,
		)
	if values.get("source") and values["source"] not in access.SOURCES:
		frappe.throw(
			_("Source {0} is not valid: use one of {1}.").format(
				frappe.bold(values["source"]), ", ".join(access.SOURCES)
			),
			exc=InvalidCallInputError,
		)
	for fieldname, label in (("call_time", _("Call Time")), ("follow_up_at", _("Follow-up At"))):
		if values.get(fieldname):
			values[fieldname] = parse_datetime(values[fieldname], label)
	values["external_id"] = scoped_external_id(values.get("external_id"), frappe.session.user, is_trusted())
	check_external_id(values["external_id"])
	return {key: value for key, value in values.items() if value is not None and value != ""}


def check_external_id(external_id: str | None) -> None:
	"""The telephony bridge's ids are its own: no request may send one (it would address a bridged call)."""
	if access.is_telephony_external_id(external_id):
		frappe.throw(
			_("External ID {0}: ids starting with {1} belong to the telephony bridge.").format(
				frappe.bold(external_id[:60]), frappe.bold(access.TELEPHONY_ID_PREFIX)
			),
			exc=InvalidCallInputError,
			title=_("Invalid External ID"),
		)


def parse_datetime(value, label: str) -> datetime:
	"""A full date and time a caller sent (ISO 8601, with or without a zone) as the site's time, refused
	with a clear error when it is not one, not a real one (0000-00-00, 1000-01-01) or its zone offset does
	not exist. Every door reads dates and times through this (API, REST, the desk, the bridge)."""
	try:
		parsed = times.to_site_time(times.parse_datetime(value), get_system_timezone())
	except times.ImpossibleOffsetError:
		frappe.throw(
			_("{0} {1}: no time zone has that offset (offsets run from -12:00 to +14:00).").format(
				label, frappe.bold(str(value)[:40])
			),
			exc=InvalidDatetimeError,
			title=_("Invalid Date and Time"),
		)
	except times.NotADatetimeError:
		parsed = None
	if parsed is None or is_before_records(parsed):
		frappe.throw(
			_(
				"{0} {1} is not a date and time (use YYYY-MM-DD HH:MM:SS, with a zone such as Z or +05:30 if it is not the site's time)."
			).format(label, frappe.bold(str(value)[:40])),
			exc=InvalidDatetimeError,
			title=_("Invalid Date and Time"),
		)
	return parsed


def get_call_by_external_id(external_id: str):
	name = frappe.db.get_value("Lead Call Log", {"external_id": external_id}, "name")
	return frappe.get_doc("Lead Call Log", name) if name else None


def call_response(doc) -> dict:
	return {
		"name": doc.name,
		"external_id": unscoped_external_id(doc.external_id, frappe.session.user),
		"lead": doc.lead,
		"call_status": doc.call_status,
		"outcome": doc.outcome,
		"lead_status": doc.lead_status,
		"duration": doc.duration,
		"is_connected": bool(doc.is_connected),
		"follow_up": doc.follow_up,
		"callback_type": doc.get("callback_type") or None,
		# Warn mode: the call broke a calling rule and was logged anyway (DESIGN.md §8)
		"calling_rule_warning": doc.flags.calling_rule_warning or None,
		"lead_status_now": (doc.flags.lead_status_now or frappe.db.get_value("Lead", doc.lead, "status"))
		if doc.lead
		else None,
	}
