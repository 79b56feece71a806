"""Whitelisted API for the desk, diallers and AI agents (DESIGN.md §7)."""

import frappe
from frappe import _

from call_status_crm.core.statuses import AUDIENCES, DIRECTIONS, visible_statuses

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
)


class InvalidAudienceError(frappe.ValidationError):
	pass


class InvalidDirectionError(frappe.ValidationError):
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
