"""The agent's call queue (DESIGN.md §9): the next call, reserved for the agent; a look at what is next;
skipping a lead. Every endpoint needs a call role (Lead Call Log create) and answers for the user's own
queue; a manager may look at an agent's queue (never take from it)."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from call_status_crm import call_queue
from call_status_crm.calling_rules import check_call
from call_status_crm.permissions import can_write_lead, deny, deny_lead, is_call_manager

MAX_QUEUE_LIMIT = 50


class InvalidQueueLimitError(frappe.ValidationError):
	pass


def check_queue_access(agent: str | None = None) -> str:
	"""The user whose queue is asked for: one's own; another agent's only for a manager."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	if agent is not None and not isinstance(agent, str):
		frappe.throw(_("Agent must be text."), exc=InvalidQueueLimitError)
	if agent and agent != frappe.session.user:
		if not is_call_manager():
			deny(_("You may only see your own call queue."))
		return agent
	return frappe.session.user


@frappe.whitelist(methods=["POST"])
def get_next_call() -> dict:
	"""The agent's next call, reserved for them for a few minutes: `{lead, lead_name, phone, reason,
	callback, reason_label, reserved_until, local_time, timezone, last_calls}`; {} when nothing is due."""
	user = check_queue_access()
	found = call_queue.next_call(user)
	if found:
		found.update(lead_details(found["lead"]))
	return found


@frappe.whitelist(methods=["GET"])
def get_call_queue(limit: int | str = 10, agent: str | None = None) -> list[dict]:
	"""The next `limit` calls of the queue, in order (nothing is reserved by looking)."""
	user = check_queue_access(agent)
	limit = parse_limit(limit)
	return [call_queue.answer(candidate) for candidate in call_queue.build_queue(user, limit).offered]


@frappe.whitelist(methods=["GET"])
def get_call_queue_summary(agent: str | None = None) -> dict:
	"""How many leads the calling rules block now (among those looked at), by reason, and when the first
	opens."""
	user = check_queue_access(agent)
	queue = call_queue.build_queue(user, call_queue.MAX_SCAN)
	return {
		"due": len(queue.offered),
		"blocked": queue.blocked,
		"blocked_by_reason": queue.blocked_by_reason,
		"next_opens_at": queue.next_opens_at,
	}


@frappe.whitelist(methods=["POST"])
def skip_call(lead: str) -> dict:
	"""The agent passes on a lead: their reservation ends and it leaves their queue for a while. A lead the
	agent may not write, or another agent holds, is refused and nothing changes."""
	frappe.has_permission("Lead Call Log", "create", throw=True)
	if not isinstance(lead, str) or not frappe.db.exists("Lead", lead) or not can_write_lead(lead):
		deny_lead(str(lead)[:140])
	user = frappe.session.user
	holder, until = frappe.db.get_value("Lead", lead, ["queue_reserved_by", "queue_reserved_until"]) or (
		None,
		None,
	)
	if holder and holder != user and until and until > now_datetime():
		deny(_("Lead {0} is in another agent's hands.").format(frappe.bold(lead)))
	return {"lead": lead, "skipped_until": call_queue.skip(lead, user)}


def parse_limit(limit) -> int:
	try:
		value = int(limit)
	except (TypeError, ValueError):
		value = None
	if value is None or isinstance(limit, bool) or not 1 <= value <= MAX_QUEUE_LIMIT:
		frappe.throw(
			_("Limit must be a whole number from 1 to {0}.").format(MAX_QUEUE_LIMIT),
			exc=InvalidQueueLimitError,
			title=_("Invalid Limit"),
		)
	return value


def lead_details(lead: str) -> dict:
	"""What the agent sees before dialling: the lead's local time and whether it may be called now (the
	calling rules), and its last three calls."""
	rules = check_call(lead=lead)
	calls = frappe.get_list(  # with the user's rights: an agent sees their own calls only
		"Lead Call Log",
		filters={"lead": lead},
		fields=["name", "call_time", "call_status", "direction", "duration", "agent", "note"],
		order_by="call_time desc",
		limit=3,
	)
	titles = dict(frappe.get_all("Call Status", fields=["name", "status_title"], as_list=True))
	for call in calls:
		call.status_title = _(titles.get(call.call_status, call.call_status))
	return {
		"local_time": rules.get("local_time"),
		"timezone": rules.get("timezone"),
		"calling_rules": rules,
		"last_calls": calls,
	}
