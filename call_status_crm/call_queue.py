"""The agent's call queue (DESIGN.md §9): the next lead to dial, from the agent's due Personal callbacks, the
pool's due Anyone callbacks and the agent's assigned leads that are due (recycled, or never called), in the
order `core.call_queue` decides, skipping what the calling rules block now. A lead handed out is reserved
on the Lead itself (`queue_reserved_by`, `queue_reserved_until`) with one conditional UPDATE, so two agents
asking at the same moment never get the same lead; logging a call on it or skipping it ends the
reservation. A service of `api/call_queue.py` and of the Lead Call Log controller."""

from datetime import datetime

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from call_status_crm import callbacks, permissions
from call_status_crm.call_queue_blocks import blocks_for
from call_status_crm.calling_rule_settings import get_rules as get_calling_rules
from call_status_crm.core.call_queue import (
	ANYONE,
	ANYONE_CALLBACK,
	DEFAULT_SKIP_MINUTES,
	NEVER_CALLED,
	PERSONAL,
	PERSONAL_CALLBACK,
	RECYCLED,
	Candidate,
	Pick,
	order,
	pick,
	recycled_cutoffs,
)
from call_status_crm.do_not_call import DO_NOT_CONTACT
from call_status_crm.recycling import get_agent_pool
from call_status_crm.recycling import get_rules as get_recycle_rules
from call_status_crm.settings import SETTINGS, get_protected_lead_statuses

PAGE = 100  # candidates read per tier and round
FIRST_PAGE = 20  # the first round of a tier reads fewer: the next call is usually among them
MAX_SCAN = 2000  # candidates looked at per answer, at most (what the rules block is counted among them)
LEAD_FIELDS = ("lead_name", "mobile_no", "phone", "last_call_time", "call_attempts")


def reservation_fields() -> tuple[str, ...]:
	"""The Lead's reservation field, as far as the site has it (read with the Lead's lock by a new call, so
	that only a reserved lead costs an UPDATE)."""
	return ("queue_reserved_by",) if frappe.get_meta("Lead").has_field("queue_reserved_by") else ()


def release(lead: str, user: str | None = None) -> None:
	"""End a lead's reservation (anyone's, or only `user`'s). One UPDATE by primary key."""
	lead_table = frappe.qb.DocType("Lead")
	query = (
		frappe.qb.update(lead_table)
		.set(lead_table.queue_reserved_by, None)
		.set(lead_table.queue_reserved_until, None)
		.where((lead_table.name == lead) & lead_table.queue_reserved_by.isnotnull())
	)
	if user:
		query = query.where(lead_table.queue_reserved_by == user)
	if frappe.db.has_column("Lead", "queue_reserved_by"):
		query.run()


def reserve(lead: str, user: str, now: datetime, minutes: int | None = None) -> bool:
	"""Take the lead for `user` unless another agent holds it: one conditional UPDATE, which InnoDB runs
	against the latest committed row under its row lock, so of two agents at once exactly one matches.
	The hold's end carries microseconds, so a match almost always changes the row (its row count says so)."""
	from call_status_crm.core.call_queue import reservation_until

	until = reservation_until(now, callbacks.reservation_minutes() if minutes is None else minutes)
	frappe.db.sql(
		"""UPDATE `tabLead` SET queue_reserved_by = %(user)s, queue_reserved_until = %(until)s
		WHERE name = %(lead)s
			AND (queue_reserved_until IS NULL OR queue_reserved_until <= %(now)s OR queue_reserved_by = %(user)s)""",
		{"user": user, "until": until, "lead": lead, "now": now},
	)
	if frappe.db._cursor.rowcount == 1:
		return True
	# matched but unchanged (the same agent again within the same microsecond), or held by another agent
	held = frappe.db.sql(
		"SELECT queue_reserved_by, queue_reserved_until FROM `tabLead` WHERE name = %s FOR UPDATE", lead
	)
	return bool(held) and held[0][0] == user and get_datetime(held[0][1]) == get_datetime(until)


def skip_key(user: str) -> str:
	return f"call_status_crm:call_queue_skips:{user}"


def skipped_leads(user: str, now: datetime) -> list[str]:
	"""The leads `user` skipped lately (kept out of their queue for a while, never out of anyone else's)."""
	skips = frappe.cache.get_value(skip_key(user), expires=True) or {}
	return [lead for lead, until in skips.items() if get_datetime(until) > now]


def skip(lead: str, user: str, now: datetime | None = None) -> datetime:
	"""The agent passes on a lead: its reservation (theirs) ends and it leaves their queue for a while."""
	now = now or now_datetime()
	until = add_to_date(now, minutes=DEFAULT_SKIP_MINUTES)
	skips = {
		name: value
		for name, value in (frappe.cache.get_value(skip_key(user), expires=True) or {}).items()
		if get_datetime(value) > now
	}
	skips[lead] = str(until)
	frappe.cache.set_value(skip_key(user), skips, expires_in_sec=DEFAULT_SKIP_MINUTES * 60)
	release(lead, user)
	return until


def free_condition(alias: str = "l") -> str:
	return (
		f"({alias}.queue_reserved_until IS NULL OR {alias}.queue_reserved_until <= %(now)s"
		f" OR {alias}.queue_reserved_by = %(user)s)"
	)


def callback_candidates(user: str, kind: str, now, skipped, offset: int, limit: int) -> list[Candidate]:
	"""Due open callbacks of a type (Personal: the agent's own; Anyone: the pool's), earliest first, along
	the callback indexes; those on a lead another agent holds or this one skipped are left out."""
	agent = "AND c.agent = %(user)s" if kind == PERSONAL else ""
	rows = frappe.db.sql(
		f"""SELECT c.name AS callback, c.lead, c.follow_up_at AS due_at, l.lead_name, l.mobile_no, l.phone,
			l.last_call_time, l.call_attempts
		FROM `tabLead Call Log` c
		JOIN `tabLead` l ON l.name = c.lead
		WHERE c.callback_type = %(kind)s {agent} AND c.follow_up_status = 'Open'
			AND c.follow_up_at <= %(now)s AND l.last_call_time <= c.call_time
			AND {free_condition()} AND l.name NOT IN %(skipped)s
		ORDER BY c.follow_up_at, c.lead
		LIMIT %(limit)s OFFSET %(offset)s""",
		{
			"kind": kind,
			"user": user,
			"now": now,
			"skipped": tuple(skipped) or ("",),
			"limit": limit,
			"offset": offset,
		},
		as_dict=True,
	)
	reason = PERSONAL_CALLBACK if kind == PERSONAL else ANYONE_CALLBACK
	return [to_candidate(row, reason) for row in rows]


def recycle_delays() -> dict[str, int]:
	"""Minutes each recycled status waits after a lead's last call (the active recycle rules)."""
	return {status: rule.delay_minutes for status, rule in get_recycle_rules().items()}


def due_condition(values: dict, now, delays: dict[str, int] | None = None) -> str:
	"""SQL: the Lead `l` is due to be dialled: never called, or in a recycled status whose delay since the
	last call is over and whose recycles are not used up (`recycle_due_at` still set); a protected status
	never. Binds `protected` and each recycled status's cutoff in `values`. The one SQL home of the rule, for
	the queue's candidates and the penetration report's blocked counts (`core.penetration.group_of` applies
	it per group of leads)."""
	values["protected"] = (*tuple(get_protected_lead_statuses()), DO_NOT_CONTACT)
	recycled = []
	for number, (status, cutoff) in enumerate(
		recycled_cutoffs(recycle_delays() if delays is None else delays, now).items()
	):
		values[f"status_{number}"], values[f"cutoff_{number}"] = status, cutoff
		recycled.append(
			f"(l.status = %(status_{number})s AND l.last_call_time <= %(cutoff_{number})s"
			" AND l.recycle_due_at IS NOT NULL)"
		)
	return f"(l.status NOT IN %(protected)s AND ({' OR '.join(['l.last_call_time IS NULL', *recycled])}))"


def assigned_candidates(user: str, now, skipped, offset: int, limit: int) -> list[Candidate]:
	"""The agent's assigned leads (open ToDos) that are due (`due_condition`). Oldest last contact first
	(never called before any), then fewest attempts."""
	values = {
		"user": user,
		"now": now,
		"skipped": tuple(skipped) or ("",),
		"limit": limit,
		"offset": offset,
	}
	due = due_condition(values, now)
	rows = frappe.db.sql(
		f"""SELECT l.name AS lead, l.lead_name, l.mobile_no, l.phone, l.last_call_time, l.call_attempts
		FROM `tabLead` l
		WHERE l.name IN (
				SELECT t.reference_name FROM `tabToDo` t
				WHERE t.allocated_to = %(user)s AND t.status = 'Open' AND t.reference_type = 'Lead'
			)
			AND {due} AND {free_condition()} AND l.name NOT IN %(skipped)s
		ORDER BY l.last_call_time IS NOT NULL, l.last_call_time, l.call_attempts, l.name
		LIMIT %(limit)s OFFSET %(offset)s""",
		values,
		as_dict=True,
	)
	return [to_candidate(row, NEVER_CALLED if row.last_call_time is None else RECYCLED) for row in rows]


def to_candidate(row, reason: str) -> Candidate:
	return Candidate(
		lead=row.lead,
		reason=reason,
		lead_name=row.lead_name,
		phone=row.mobile_no or row.phone,
		callback=row.get("callback"),
		due_at=get_datetime(row.due_at) if row.get("due_at") else None,
		last_call_time=get_datetime(row.last_call_time) if row.last_call_time else None,
		call_attempts=row.call_attempts or 0,
	)


def in_pool(user: str) -> bool:
	return user in get_agent_pool(frappe.get_cached_doc(SETTINGS))


def writable(candidates: list[Candidate], user: str) -> list[Candidate]:
	"""Only leads the agent may write (a call needs it): Frappe's own check, skipped when nothing about one
	Lead can change its answer."""
	if permissions.writes_every_lead(user):
		return candidates
	return [candidate for candidate in candidates if permissions.can_write_lead(candidate.lead, user)]


def build_queue(user: str, limit: int, now: datetime | None = None) -> Pick:
	"""The agent's next `limit` leads in order, and what the rules block among those looked at. Each tier
	is read a page at a time in the queue's own order, so the first allowed leads are found without
	reading the rest; at most MAX_SCAN candidates are looked at."""
	now = now or now_datetime()
	rules = get_calling_rules()
	skipped = skipped_leads(user, now)
	fetchers = [lambda offset, size: callback_candidates(user, PERSONAL, now, skipped, offset, size)]
	if in_pool(user):
		fetchers.append(lambda offset, size: callback_candidates(user, ANYONE, now, skipped, offset, size))
	fetchers.append(lambda offset, size: assigned_candidates(user, now, skipped, offset, size))
	result, seen, scanned = Pick(), set(), 0
	for fetch in fetchers:
		offset, size = 0, min(max(limit * 4, FIRST_PAGE), PAGE)
		while len(result.offered) < limit and scanned < MAX_SCAN:
			page = fetch(offset, size)
			offset += len(page)
			scanned += len(page)
			fresh = [candidate for candidate in order(page) if candidate.lead not in seen]
			seen.update(candidate.lead for candidate in fresh)
			fresh = writable(fresh, user)
			part = pick(fresh, blocks_for(fresh, rules, now), limit - len(result.offered))
			merge(result, part)
			if len(page) < size:
				break
			size = PAGE  # the first page was small: most answers need no second one
	return result


def merge(result: Pick, part: Pick) -> None:
	result.offered.extend(part.offered)
	result.blocked += part.blocked
	for reason, count in part.blocked_by_reason.items():
		result.blocked_by_reason[reason] = result.blocked_by_reason.get(reason, 0) + count
	if part.next_opens_at and (result.next_opens_at is None or part.next_opens_at < result.next_opens_at):
		result.next_opens_at = part.next_opens_at


def next_call(user: str, now: datetime | None = None) -> dict:
	"""The agent's next lead, reserved for them: `{lead, lead_name, phone, reason, callback, …}`, or {}
	when nothing is due. A lead another agent took meanwhile (their UPDATE matched first) is passed over."""
	now = now or now_datetime()
	for _round in range(3):
		queue = build_queue(user, 5, now)
		for candidate in queue.offered:
			if reserve(candidate.lead, user, now):
				return answer(
					candidate,
					reserved_until=frappe.db.get_value("Lead", candidate.lead, "queue_reserved_until"),
				)
		if not queue.offered:
			break
	return {}


def answer(candidate: Candidate, reserved_until=None) -> dict:
	from frappe import _

	labels = {
		PERSONAL_CALLBACK: _("Your callback, due {0}"),
		ANYONE_CALLBACK: _("A callback for anyone, due {0}"),
		RECYCLED: _("Not reached: last called {0}"),
		NEVER_CALLED: _("Assigned to you, never called"),
	}
	moment = candidate.due_at or candidate.last_call_time
	return {
		"lead": candidate.lead,
		"lead_name": candidate.lead_name,
		"phone": candidate.phone,
		"reason": candidate.reason,
		"reason_label": labels[candidate.reason].format(
			frappe.utils.format_datetime(moment) if moment else ""
		),
		"callback": candidate.callback,
		"due_at": candidate.due_at,
		"last_call_time": candidate.last_call_time,
		"call_attempts": candidate.call_attempts,
		"reserved_until": reserved_until,
	}
