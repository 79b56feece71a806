"""Call status rules: the code format, the system catalogue, who sees which status, and ordering."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
CODE_MAX_LENGTH = 64

DIRECTIONS = ("Any", "Outgoing", "Incoming")
OUTCOMES = ("Connected", "Attempt", "Missed", "Live", "Failed")
SET_BY = ("Agent", "System")
AUDIENCES = ("agent", "ai_agent")
INDICATOR_COLORS = ("Blue", "Cyan", "Gray", "Green", "Orange", "Pink", "Purple", "Red", "Yellow")

# The fields the catalogue fixes on a system status: locked for admins, brought up to date on migrate.
CATALOGUE_FIELDS = ("direction", "outcome", "set_by")

# The fields an admin owns once a status exists: a catalogue re-sync never writes them.
ADMIN_EDITABLE_FIELDS = (
	"status_title",
	"sort_order",
	"show_to_agent",
	"show_to_ai_agent",
	"lead_status",
	"requires_note",
	"requires_follow_up",
	"indicator_color",
	"description",
)


def is_valid_code(code: str | None) -> bool:
	"""A code is a lower-case symbol: a letter, then letters, digits or underscores."""
	return bool(code) and len(code) <= CODE_MAX_LENGTH and CODE_PATTERN.fullmatch(code) is not None


@dataclass(frozen=True)
class StatusSpec:
	code: str
	status_title: str
	direction: str
	outcome: str
	lead_status: str | None
	show_to_agent: bool
	sort_order: int
	indicator_color: str
	requires_note: bool = False
	requires_follow_up: bool = False
	description: str = ""

	@property
	def set_by(self) -> str:
		# Statuses an agent is never offered are set by diallers, integrations or jobs.
		return "Agent" if self.show_to_agent else "System"

	@property
	def show_to_ai_agent(self) -> bool:
		return self.show_to_agent

	def as_record(self) -> dict:
		record = asdict(self)
		record["lead_status"] = self.lead_status or ""
		record["set_by"] = self.set_by
		record["show_to_ai_agent"] = self.show_to_ai_agent
		record["is_system"] = True
		return record


def _spec(n, code, title, direction, outcome, lead_status, shown, color, **flags) -> StatusSpec:
	return StatusSpec(code, title, direction, outcome, lead_status, shown, n * 10, color, **flags)


# DESIGN.md §2: the system catalogue, in its order (sort_order 10, 20, …). The statuses an agent is offered
# for one direction each have a color of their own, and no two statuses next to each other in sort order
# share one (a stacked chart shows each as its own block); the color is a default: admins own it, so a new default reaches new sites only.
SYSTEM_STATUSES: tuple[StatusSpec, ...] = (
	_spec(1, "called", "Called", "Any", "Connected", None, True, "Green"),
	_spec(2, "busy", "Busy", "Outgoing", "Attempt", "Not Picked", True, "Red"),
	_spec(3, "no_answer", "No Answer", "Outgoing", "Attempt", "Not Picked", True, "Yellow"),
	_spec(4, "missed", "Missed", "Incoming", "Missed", "Missed", True, "Red"),
	_spec(5, "in_progress", "In-progress", "Any", "Live", None, False, "Blue"),
	_spec(
		6, "follow_up", "Follow up", "Any", "Connected", "Followups", True, "Purple", requires_follow_up=True
	),
	_spec(
		7,
		"rescheduled",
		"Rescheduled",
		"Any",
		"Connected",
		"Followups",
		True,
		"Pink",
		requires_note=True,
		requires_follow_up=True,
	),
	_spec(8, "rejected", "Rejected", "Any", "Attempt", "Not Picked", True, "Orange"),
	_spec(9, "voicemail", "Voicemail", "Any", "Attempt", "Not Picked", True, "Cyan"),
	_spec(10, "canceled", "Canceled", "Outgoing", "Failed", None, False, "Gray"),
	_spec(11, "unavailable", "Unavailable", "Incoming", "Missed", "Missed", False, "Red"),
	_spec(12, "ivr_drop", "Dropped in IVR", "Incoming", "Missed", "Missed", False, "Orange"),
	_spec(13, "welcome_drop", "Dropped at welcome message", "Incoming", "Missed", "Missed", False, "Yellow"),
	_spec(
		14, "not_set_up", "Call not set up (out of hours)", "Incoming", "Missed", "Missed", False, "Purple"
	),
	_spec(15, "qualified", "Qualified", "Any", "Connected", "Interested", True, "Blue"),
	_spec(16, "disqualified", "Disqualified", "Any", "Connected", "Not Interested", True, "Gray"),
	_spec(17, "call_terminated", "Call terminated", "Outgoing", "Failed", None, False, "Pink"),
	_spec(18, "not_accepted", "Not accepted by operator", "Any", "Failed", None, False, "Cyan"),
	_spec(
		19,
		"post_processing_incomplete",
		"Post processing not completed",
		"Any",
		"Failed",
		None,
		False,
		"Gray",
	),
	_spec(20, "missed_by_system", "Missed by the system", "Any", "Failed", None, False, "Purple"),
)

SYSTEM_STATUS_CODES = frozenset(spec.code for spec in SYSTEM_STATUSES)


def missing_system_statuses(existing_codes: Iterable[str]) -> list[StatusSpec]:
	"""The catalogue entries a site does not have yet, in catalogue order.

	Existing records are never in the result, so their admin edits are never overwritten.
	"""
	existing = set(existing_codes)
	return [spec for spec in SYSTEM_STATUSES if spec.code not in existing]


def catalogue_fixes(existing: Iterable[Mapping]) -> dict[str, dict]:
	"""For system statuses a site has, the catalogue's fixed fields (CATALOGUE_FIELDS) that differ from
	what the site stores: {code: {field: catalogue value}}. Admin-owned fields are never in it."""
	catalogue = {spec.code: spec.as_record() for spec in SYSTEM_STATUSES}
	fixes = {}
	for status in existing:
		spec = catalogue.get(status.get("name") or status.get("code"))
		if not spec:
			continue
		changed = {field: spec[field] for field in CATALOGUE_FIELDS if status.get(field) != spec[field]}
		if changed:
			fixes[spec["code"]] = changed
	return fixes


def matches_direction(status_direction: str | None, call_direction: str | None) -> bool:
	"""A status for "Any" direction fits every call; a directed status fits only its own direction.

	With no call direction (or "Any"), every status fits.
	"""
	if not call_direction or call_direction == "Any":
		return True
	return (status_direction or "Any") in ("Any", call_direction)


def is_visible(status: Mapping, audience: str, direction: str | None = None) -> bool:
	"""Whether a status is offered to an audience ("agent" or "ai_agent") for a call direction."""
	flag = "show_to_agent" if audience == "agent" else "show_to_ai_agent"
	return bool(status.get(flag)) and matches_direction(status.get("direction"), direction)


def sort_key(status: Mapping) -> tuple:
	"""Every picker and report orders statuses by sort order, then title, then code."""
	return (status.get("sort_order") or 0, status.get("status_title") or "", status.get("code") or "")


def visible_statuses(statuses: Iterable[Mapping], audience: str, direction: str | None = None) -> list:
	"""The statuses offered to an audience for a direction, in picker order."""
	return sorted((s for s in statuses if is_visible(s, audience, direction)), key=sort_key)
