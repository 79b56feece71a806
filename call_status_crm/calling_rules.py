"""Calling rules (DESIGN.md §8): may this lead or number be dialled now, and when next? The rule is the pure
engine `core.calling_rules`; this service gives it the settings, the lead's zone, the Do Not Call list and
the calls of the last 24 hours, enforces it on outgoing calls and follow-ups (Block refuses, Warn logs the
call with a warning, the telephony bridge and jobs are flagged, never refused; inbound calls are never
checked) and records every refusal, warning and flag as a Calling Rule Event."""

from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime, get_system_timezone, now_datetime

from call_status_crm.calling_rule_events import (
	event_values,
	record_after_rollback,
	record_with,
	write_call_events,
)
from call_status_crm.calling_rule_settings import BLOCK, country_code, get_enforcement, get_rules
from call_status_crm.core import calling_rules as engine
from call_status_crm.core.calling_rules import UTC, Rules, Target, Verdict
from call_status_crm.core.timezones import timezone_for_country, timezone_for_number
from call_status_crm.do_not_call import DO_NOT_CONTACT, add_number, lead_in_do_not_contact, listed_entry
from call_status_crm.leads import get_lead_campaign, lead_campaign_fields, site_phone_key

LEAD_FIELDS = ("call_timezone", "country", "state", "status", "phone_key", "mobile_key")


class CallingRuleError(frappe.ValidationError):
	"""An outgoing call the calling rules do not allow now (Block)."""


class FollowUpNotCallableError(frappe.ValidationError):
	"""A follow-up set for a moment the lead could not be dialled (Block)."""


def site_zone() -> ZoneInfo:
	return engine.load_zone(get_system_timezone())


def to_utc(moment) -> datetime:
	"""A naive site-time moment (as Frappe stores them) in UTC."""
	return get_datetime(moment).replace(tzinfo=site_zone()).astimezone(UTC)


def to_site(moment: datetime) -> datetime:
	return moment.astimezone(site_zone()).replace(tzinfo=None)


def recent_calls(
	keys, lead: str | None, at: datetime, cap: int, exclude: str | None = None, extra: tuple = ()
) -> tuple[datetime, ...]:
	"""Outgoing calls to the number in the 24 hours up to `at` (site time): by its phone keys, and the
	lead's calls logged without a number. Counted in one round trip, each half along an index (phone key,
	direction, call time / lead, call date; an OR of the two would leave the index to the optimizer); the
	times, for when the oldest leaves the 24 hours, are read only when the cap is reached."""
	since = at - engine.ROLLING
	values = {
		"keys": tuple(key for key in keys if key) or ("",),
		"lead": lead or "",
		"since": since,
		"since_date": since.date(),
		"at": at,
		"exclude": exclude or "",
	}
	recent = (
		"direction = 'Outgoing' AND call_time > %(since)s AND call_time <= %(at)s AND name != %(exclude)s"
	)
	by_key = f"FROM `tabLead Call Log` WHERE phone_key IN %(keys)s AND {recent}"
	by_lead = f"""FROM `tabLead Call Log`
		WHERE lead = %(lead)s AND phone_key IS NULL AND call_date >= %(since_date)s AND {recent}"""
	count = frappe.db.sql(f"SELECT (SELECT COUNT(*) {by_key}) + (SELECT COUNT(*) {by_lead})", values)[0][0]
	if count + len(extra) < cap:
		return ()
	rows = frappe.db.sql(f"SELECT call_time {by_key} UNION ALL SELECT call_time {by_lead}", values)
	return tuple(to_utc(row[0]) for row in rows) + tuple(extra)


def get_lead_values(lead: str) -> frappe._dict:
	"""What the rules read of the Lead, in one query."""
	table = frappe.qb.DocType("Lead")
	fields = (*LEAD_FIELDS, *lead_campaign_fields())
	rows = (
		frappe.qb.from_(table)
		.select(*(table[field] for field in fields))
		.where(table.name == lead)
		.run(as_dict=True)
	)
	return rows[0] if rows else frappe._dict()


def get_target(
	rules: Rules,
	lead: str | None = None,
	phone: str | None = None,
	campaign: str | None = None,
	at: datetime | None = None,
	exclude: str | None = None,
	extra_calls: tuple = (),
) -> Target:
	"""What the engine needs to know about the lead or number (`at`: naive site time)."""
	key = site_phone_key(phone) or None
	if lead:
		values = get_lead_values(lead)
		keys = [key] if key else [values.mobile_key, values.phone_key]
		campaign = campaign or get_lead_campaign(lead, values)
		zone, country = values.call_timezone, country_code(values.country)
		on_dnc = values.status == DO_NOT_CONTACT or bool(listed_entry(keys, campaign))
		state = values.state
	else:
		keys, state = [key], None
		country = region_of(key)
		zone = timezone_for_number(key) or timezone_for_country(country)
		on_dnc = bool(listed_entry(keys, campaign)) or lead_in_do_not_contact(key)
	cap = rules.max_attempts_24h
	calls = recent_calls(keys, lead, at, cap, exclude, tuple(extra_calls)) if cap and at else ()
	return Target(zone, country, state, on_dnc, calls)


def region_of(key: str | None) -> str | None:
	import phonenumbers

	try:
		return phonenumbers.region_code_for_number(phonenumbers.parse(key or "")) if key else None
	except phonenumbers.NumberParseException:
		return None


def check(
	lead: str | None = None,
	phone: str | None = None,
	campaign: str | None = None,
	at=None,
	exclude: str | None = None,
	extra_calls: tuple = (),
	rules: Rules | None = None,
) -> Verdict | None:
	"""The engine's answer for a lead or number at `at` (site time, default now); None when the calling
	rules are off."""
	rules = rules or get_rules()
	if rules is None:
		return None
	at = get_datetime(at) if at else now_datetime()
	target = get_target(rules, lead, phone, campaign, at, exclude, extra_calls)
	return engine.check(rules, target, to_utc(at))


def check_call(lead: str | None = None, phone: str | None = None, campaign: str | None = None) -> dict:
	"""`api.check_call`'s answer: {allowed, reasons, next_allowed_at (UTC), next_allowed_at_local,
	timezone, local_time, enabled}."""
	verdict = check(lead, phone, campaign)
	if verdict is None:
		now = to_utc(now_datetime())
		return {
			"enabled": False,
			"allowed": True,
			"reasons": [],
			"next_allowed_at": now.isoformat(),
			"next_allowed_at_local": now.astimezone(site_zone()).isoformat(),
			"timezone": site_zone().key,
			"local_time": now.astimezone(site_zone()).isoformat(),
		}
	return {
		"enabled": True,
		"allowed": verdict.allowed,
		"reasons": list(verdict.reasons),
		"next_allowed_at": verdict.next_allowed_at.isoformat() if verdict.next_allowed_at else None,
		"next_allowed_at_local": verdict.next_allowed_at_local.isoformat()
		if verdict.next_allowed_at_local
		else None,
		"timezone": verdict.timezone,
		"local_time": verdict.local_time.isoformat(),
		"message": None if verdict.allowed else describe(verdict),
	}


def describe(verdict: Verdict) -> str:
	"""Why, and when next, in the lead's own time."""
	labels = {
		engine.DNC: _("the number is on the Do Not Call list"),
		engine.OUTSIDE_WINDOW: _("outside the calling hours in the lead's time"),
		engine.HOLIDAY: _("a holiday"),
		engine.CAP_REACHED: _("the most calls allowed to this number in 24 hours were made"),
	}
	reasons = "; ".join(labels[reason] for reason in verdict.reasons)
	if verdict.next_allowed_at_local is None:
		return _("{0}: it may not be called.").format(reasons)
	local = verdict.next_allowed_at_local
	return _("{0}. Next allowed: {1} ({2}, the lead's time).").format(
		reasons,
		frappe.bold(format_datetime(local.replace(tzinfo=None), "EEE dd MMM yyyy HH:mm")),
		local.tzname(),
	)


def enforce(doc) -> None:
	"""A new outgoing call, and a follow-up time set or moved, against the rules (the Lead Call Log's
	`validate`, at every door: the API, REST, the desk and the bridge)."""
	rules = get_rules()
	if rules is None:
		return
	if doc.is_new() and doc.direction == "Outgoing":
		doc.broke_calling_rule = 0
		verdict = check(doc.lead, doc.phone, doc.campaign, doc.call_time, doc.name, rules=rules)
		if not verdict.allowed:
			act(doc, verdict, "Call", doc.call_time)
	if doc.follow_up_at and doc.value_changed("follow_up_at"):
		check_follow_up(doc, rules)


def check_follow_up(doc, rules: Rules) -> None:
	"""A callback cannot be set for a moment the lead could not be dialled (this call counts towards the
	cap when it is outgoing)."""
	own = (to_utc(doc.call_time),) if doc.direction == "Outgoing" and doc.call_time else ()
	verdict = check(doc.lead, doc.phone, doc.campaign, doc.follow_up_at, doc.name, own, rules)
	if not verdict.allowed:
		act(doc, verdict, "Follow-up", doc.follow_up_at)


def act(doc, verdict: Verdict, subject: str, at) -> None:
	next_at = to_site(verdict.next_allowed_at) if verdict.next_allowed_at else None
	event = event_values(doc, verdict, subject, at, next_at)
	if doc.by_system:  # the telephony bridge and jobs report what happened: flagged, never refused
		record_with(doc, event, "Flagged", subject)
		return
	message = describe(verdict)
	if get_enforcement() == BLOCK:
		record_after_rollback({**event, "outcome": "Refused"})
		if subject == "Call":
			frappe.throw(
				_("Lead {0} may not be called now: {1}").format(
					frappe.bold(doc.lead or doc.phone or ""), message
				),
				exc=CallingRuleError,
				title=_("Calling Rules"),
			)
		frappe.throw(
			_("Follow-up at {0} is not allowed: {1}").format(
				frappe.bold(format_datetime(doc.follow_up_at)), message
			),
			exc=FollowUpNotCallableError,
			title=_("Calling Rules"),
		)
	warning = _("Calling rules: {0}").format(message)
	doc.flags.calling_rule_warning = warning
	frappe.msgprint(warning, title=_("Calling Rules"), indicator="orange")
	record_with(doc, event, "Warned", subject)


def after_call(doc) -> None:
	"""After a call is saved (its `on_update`): write its warnings and flags, and list its number when
	its status puts numbers on the Do Not Call list."""
	write_call_events(doc)
	if not doc.value_changed("call_status") or not doc.status_doc.get("adds_to_dnc"):
		return
	phone, key = doc.phone, doc.phone_key
	if not key and doc.lead:
		values = frappe.db.get_value(
			"Lead", doc.lead, ["mobile_no", "phone", "mobile_key", "phone_key"], as_dict=True
		)
		phone, key = (
			(values.mobile_no, values.mobile_key) if values.mobile_key else (values.phone, values.phone_key)
		)
	if key:
		reason = _("Call {0}: {1}").format(doc.name, _(doc.status_doc.status_title))
		add_number(phone, "Call Status", reason, call=doc.name, key=key)


def next_allowed_after(lead: str, at=None) -> datetime | None:
	"""When a lead may next be dialled (site time), None if never; `at` when it may be now or the rules
	are off. For the call queue and re-assignment."""
	verdict = check(lead, at=at)
	if verdict is None:
		return get_datetime(at) if at else now_datetime()
	return to_site(verdict.next_allowed_at) if verdict.next_allowed_at else None
