"""Call statuses for diallers, AI agents and the desk (DESIGN.md §7)."""

import frappe
from frappe import _

from call_status_crm.call_input import InvalidCallInputError, InvalidDirectionError
from call_status_crm.core.statuses import AUDIENCES, DIRECTIONS, matches_direction, sort_key, visible_statuses

CALL_STATUS_API_FIELDS = (
	"name",
	"code",
	"status_title",
	"sort_order",
	"direction",
	"outcome",
	"lead_status",
	"requires_note",
	"requires_follow_up",
	"set_by",
	"indicator_color",
	"description",
	"show_to_agent",
	"show_to_ai_agent",
	"default_callback_type",
)


class InvalidAudienceError(frappe.ValidationError):
	pass


@frappe.whitelist()
def get_call_statuses(audience: str = "agent", direction: str | None = None) -> list[dict]:
	"""The call statuses offered to `audience` ("agent" or "ai_agent") for a call `direction`
	("Outgoing", "Incoming" or none for all), in sort order."""
	frappe.has_permission("Call Status", "read", throw=True)
	validate_audience(audience)
	validate_direction(direction)

	statuses = frappe.get_all("Call Status", fields=list(CALL_STATUS_API_FIELDS))
	result = []
	for status in visible_statuses(statuses, audience, direction):
		status["status_title"] = _(status["status_title"])
		for flag in ("requires_note", "requires_follow_up", "show_to_agent", "show_to_ai_agent"):
			status[flag] = bool(status[flag])
		result.append(status)
	return result


def validate_audience(audience: str) -> None:
	if audience not in AUDIENCES:
		frappe.throw(
			_("Audience {0} is not valid: use one of {1}.").format(
				frappe.bold(audience), ", ".join(AUDIENCES)
			),
			exc=InvalidAudienceError,
			title=_("Invalid Audience"),
		)


def validate_direction(direction: str | None) -> None:
	if direction and direction not in DIRECTIONS:
		frappe.throw(
			_("Direction {0} is not valid: use one of {1}.").format(
				frappe.bold(direction), ", ".join(DIRECTIONS)
			),
			exc=InvalidDirectionError,
			title=_("Invalid Direction"),
		)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def search_call_statuses(doctype, txt, searchfield, start, page_len, filters):
	"""Link search for Lead Call Log's call status: the statuses offered to the audience for the call's
	direction (all statuses for diallers and telephony), matched on title or code, in sort order."""
	frappe.has_permission("Call Status", "read", throw=True)
	if isinstance(filters, str):
		try:
			filters = frappe.parse_json(filters)
		except ValueError:
			pass  # not JSON: refused below
	if filters is not None and not isinstance(filters, dict):
		frappe.throw(_("Filters must be an object."), exc=InvalidCallInputError)
	filters = frappe._dict(filters or {})
	statuses = frappe.get_all("Call Status", fields=list(CALL_STATUS_API_FIELDS))
	if frappe.utils.cint(filters.get("all")):
		rows = [s for s in statuses if matches_direction(s.direction, filters.get("direction"))]
		rows.sort(key=sort_key)
	else:
		rows = visible_statuses(statuses, filters.get("audience") or "agent", filters.get("direction"))
	txt = (txt or "").casefold()  # matching, in any script: the code or the title as the user reads it
	rows = [s for s in rows if txt in s.code or txt in _(s.status_title).casefold()]
	start, page_len = frappe.utils.cint(start), frappe.utils.cint(page_len) or 20
	return [(s.name, _(s.status_title)) for s in rows[start : start + page_len]]
