"""What the calling rules say now of the call queue's candidates (DESIGN.md §8, §9), read for a page of
leads at once: their zones and places, the Do Not Call list and the calls of the last 24 hours (four
queries at most, whatever the number of leads); the window is asked once per zone and place. A service of
`call_queue`."""

from datetime import datetime

import frappe
from frappe.utils import add_to_date

from call_status_crm.calling_rule_settings import country_code
from call_status_crm.calling_rules import to_site, to_utc
from call_status_crm.core import calling_rules as engine
from call_status_crm.core.call_queue import Block, Candidate
from call_status_crm.do_not_call import listed_leads


def blocks_for(candidates: list[Candidate], rules, now: datetime) -> dict[str, Block]:
	"""What the calling rules say now of each lead, read for all of them at once (lead values, the Do Not
	Call list, the calls of the last 24 hours: four queries at most); nothing when the rules are off."""
	if rules is None or not candidates:
		return {}
	names = list({candidate.lead for candidate in candidates})
	lead = frappe.qb.DocType("Lead")
	rows = (
		frappe.qb.from_(lead)
		.select(lead.name, lead.call_timezone, lead.country, lead.state, lead.phone_key, lead.mobile_key)
		.where(lead.name.isin(names))
		.run(as_dict=True)
	)
	listed = listed_leads(names)
	calls = recent_calls(rows, now) if rules.max_attempts_24h else {}
	at, blocks, verdicts = to_utc(now), {}, {}
	for row in rows:
		on_dnc, made = row.name in listed, calls.get(row.name, ())
		key = (row.call_timezone, row.country, row.state)
		if on_dnc or made or key not in verdicts:
			target = engine.Target(row.call_timezone, country_code(row.country), row.state, on_dnc, made)
			verdict = engine.check(rules, target, at)
			if not (on_dnc or made):
				verdicts[key] = verdict
		else:
			verdict = verdicts[key]
		if not verdict.allowed:
			opens = to_site(verdict.next_allowed_at) if verdict.next_allowed_at else None
			blocks[row.name] = Block(verdict.reasons, opens)
	return blocks


def recent_calls(rows, now: datetime) -> dict[str, tuple]:
	"""Each lead's outgoing calls of the last 24 hours (UTC), by its numbers' keys and, for calls logged
	without a number, by the lead: two queries for all the leads."""
	since = add_to_date(now, hours=-24)
	by_key: dict[str, set[str]] = {}
	for row in rows:
		for key in (row.phone_key, row.mobile_key):
			if key:
				by_key.setdefault(key, set()).add(row.name)
	made: dict[str, list] = {}
	if by_key:
		for key, call_time in frappe.db.sql(
			"""SELECT phone_key, call_time FROM `tabLead Call Log`
			WHERE phone_key IN %(keys)s AND direction = 'Outgoing' AND call_time > %(since)s
				AND call_time <= %(now)s""",
			{"keys": tuple(by_key), "since": since, "now": now},
		):
			for name in by_key[key]:
				made.setdefault(name, []).append(to_utc(call_time))
	for name, call_time in frappe.db.sql(
		"""SELECT lead, call_time FROM `tabLead Call Log`
		WHERE lead IN %(names)s AND phone_key IS NULL AND call_date >= %(since_date)s
			AND direction = 'Outgoing' AND call_time > %(since)s AND call_time <= %(now)s""",
		{"names": tuple(row.name for row in rows), "since": since, "since_date": since.date(), "now": now},
	):
		made.setdefault(name, []).append(to_utc(call_time))
	return {name: tuple(times) for name, times in made.items()}
