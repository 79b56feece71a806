"""The calling rules as the settings state them (DESIGN.md §8): the windows, days, holidays, per-country
overrides, the cap and the enforcement mode, read into the pure engine's `Rules`; and the checks the
settings form runs on them. A service: the settings controller and `calling_rules` call it."""

from datetime import time

import frappe
from frappe import _
from frappe.utils import get_system_timezone, get_time

from call_status_crm.core.calling_rules import (
	DAY_NAMES,
	InvalidDaysError,
	Rules,
	Window,
	WindowRule,
	format_days,
	is_valid_window,
	parse_days,
)
from call_status_crm.settings import SETTINGS

BLOCK, WARN = "Block", "Warn"
DAY_FIELDS = (
	"call_on_monday",
	"call_on_tuesday",
	"call_on_wednesday",
	"call_on_thursday",
	"call_on_friday",
	"call_on_saturday",
	"call_on_sunday",
)
DEFAULTS = {
	"calling_window_start": "08:00:00",
	"calling_window_end": "21:00:00",
	"enforcement": BLOCK,
	"max_attempts_per_number_24h": 0,
	**{field: int(field != "call_on_sunday") for field in DAY_FIELDS},
}
DEFAULTS_FLAG = "calling_rules_defaults_applied"


class InvalidCallingWindowError(frappe.ValidationError):
	pass


class InvalidCallingDaysError(frappe.ValidationError):
	pass


class DuplicateCallingWindowRuleError(frappe.ValidationError):
	pass


def to_time(value) -> time | None:
	return get_time(value) if value not in (None, "") else None


def get_settings():
	"""The settings document from Frappe's document cache (cleared on save, commit and rollback)."""
	return frappe.get_cached_doc(SETTINGS)


def is_enabled() -> bool:
	return bool(get_settings().get("calling_rules_enabled"))


def get_enforcement() -> str:
	return get_settings().get("enforcement") or BLOCK


def get_rules() -> Rules | None:
	"""The rules in force, or None when calling rules are off."""
	settings = get_settings()
	if not settings.get("calling_rules_enabled"):
		return None
	holiday_list = settings.get("calling_holiday_list")
	holidays = frappe.get_cached_doc("Holiday List", holiday_list) if holiday_list else None
	key = (holidays, get_system_timezone())
	# kept on the cached settings document (a new one after every change), beside the holiday list it read
	cached = settings.__dict__.get("_calling_rules")
	if cached and cached[0][0] is key[0] and cached[0][1] == key[1]:
		return cached[1]
	rules = rules_from(settings, holidays)
	settings.__dict__["_calling_rules"] = (key, rules)
	return rules


def rules_from(settings, holidays=None) -> Rules:
	default = Window(
		to_time(settings.calling_window_start) or time(8),
		to_time(settings.calling_window_end) or time(21),
		frozenset(day for day, field in enumerate(DAY_FIELDS) if settings.get(field)),
	)
	overrides = tuple(
		WindowRule(
			country_code(row.country) or row.country,
			Window(to_time(row.start), to_time(row.end), parse_days(row.days) or default.days),
			(row.state or "").strip() or None,
		)
		for row in settings.get("calling_window_rules") or []
	)
	return Rules(
		window=default,
		overrides=overrides,
		holidays=frozenset(frappe.utils.getdate(row.holiday_date) for row in holidays.holidays)
		if holidays
		else frozenset(),
		max_attempts_24h=int(settings.get("max_attempts_per_number_24h") or 0),
		site_timezone=get_system_timezone() or "UTC",
	)


def country_code(country: str | None) -> str | None:
	"""A Country's ISO code (upper case), as the engine and `phonenumbers` speak it."""
	code = frappe.get_cached_value("Country", country, "code") if country else None
	return code.upper() if code else None


def apply_defaults(settings) -> bool:
	"""The calling rules' defaults (08:00-21:00, Monday to Saturday, Block), once per site: Frappe fills
	a new single's Time fields with the current time whatever their default, and sites that had settings
	before have none of these fields. Later saves leave them to the admin."""
	if settings.get(DEFAULTS_FLAG):
		return False
	settings.update(DEFAULTS)
	settings.set(DEFAULTS_FLAG, 1)
	return True


def apply_defaults_to_stored_settings() -> None:
	"""`apply_defaults` for a site whose settings are stored (the patch): field by field, no save."""
	settings = frappe.get_single(SETTINGS)
	if apply_defaults(settings):
		frappe.db.set_single_value(SETTINGS, {**DEFAULTS, DEFAULTS_FLAG: 1})


def validate_calling_window(settings) -> None:
	"""The default window opens before it closes, on at least one day."""
	start, end = to_time(settings.calling_window_start), to_time(settings.calling_window_end)
	if not is_valid_window(start, end):
		throw_window(_("Calling Window"), start, end)
	if not any(settings.get(field) for field in DAY_FIELDS):
		frappe.throw(
			_("Calling Rules: pick at least one day calls may be made on."),
			exc=InvalidCallingDaysError,
			title=_("Invalid Calling Days"),
		)


def validate_calling_window_rules(settings) -> None:
	"""Each override: a window that opens before it closes, days that are day names, and one row per
	country and state. (Frappe's link check refuses a country that does not exist before this runs.)"""
	seen = set()
	for row in settings.get("calling_window_rules") or []:
		where = _("Calling Window Rules row {0}").format(row.idx)
		start, end = to_time(row.start), to_time(row.end)
		if not is_valid_window(start, end):
			throw_window(where, start, end)
		try:
			row.days = format_days(parse_days(row.days)) if (row.days or "").strip() else ""
		except InvalidDaysError as e:
			frappe.throw(
				_("{0}: {1} is not a day: use {2}.").format(where, frappe.bold(e.token), ",".join(DAY_NAMES)),
				exc=InvalidCallingDaysError,
				title=_("Invalid Calling Days"),
			)
		row.state = (row.state or "").strip()
		key = (row.country, row.state.casefold())
		if key in seen:
			frappe.throw(
				_("{0}: {1} already has a calling window.").format(
					where, frappe.bold(", ".join(filter(None, (row.state, row.country))))
				),
				exc=DuplicateCallingWindowRuleError,
				title=_("Duplicate Calling Window"),
			)
		seen.add(key)


def throw_window(where: str, start: time | None, end: time | None) -> None:
	frappe.throw(
		_("{0}: the window must end after it starts (on the same day), not {1} to {2}.").format(
			where,
			frappe.bold(start.strftime("%H:%M") if start else ""),
			frappe.bold(end.strftime("%H:%M") if end else ""),
		),
		exc=InvalidCallingWindowError,
		title=_("Invalid Calling Window"),
	)
