"""Whitelisted API for the desk, diallers and AI agents (DESIGN.md §7): one module per capability, every
endpoint re-exported here so that each `/api/method/call_status_crm.api.<method>` path stays as it is."""

from call_status_crm.api.call_queue import (
	get_call_queue,
	get_call_queue_summary,
	get_next_call,
	skip_call,
)
from call_status_crm.api.calling_rules import MissingCallTargetError, check_call
from call_status_crm.api.calls import (
	end_call,
	get_lead_status_choices,
	log_call,
	schedule_follow_up,
	start_call,
)
from call_status_crm.api.inbound import create_lead_from_call, get_recording, retry_call_event
from call_status_crm.api.statuses import (
	CALL_STATUS_API_FIELDS,
	InvalidAudienceError,
	InvalidDirectionError,
	get_call_statuses,
	search_call_statuses,
	validate_audience,
	validate_direction,
)

__all__ = [
	"CALL_STATUS_API_FIELDS",
	"InvalidAudienceError",
	"InvalidDirectionError",
	"MissingCallTargetError",
	"check_call",
	"create_lead_from_call",
	"end_call",
	"get_call_queue",
	"get_call_queue_summary",
	"get_call_statuses",
	"get_lead_status_choices",
	"get_next_call",
	"get_recording",
	"log_call",
	"retry_call_event",
	"schedule_follow_up",
	"search_call_statuses",
	"skip_call",
	"start_call",
	"validate_audience",
	"validate_direction",
]
