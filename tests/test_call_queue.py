from datetime import datetime, timedelta

from call_status_crm.core.call_queue import (
	ANYONE,
	ANYONE_CALLBACK,
	NEVER_CALLED,
	PERSONAL,
	PERSONAL_CALLBACK,
	RECYCLED,
	Block,
	Candidate,
	attempt_bucket,
	callback_type_for,
	escalates,
	escalation_cutoff,
	is_callback_type,
	is_free_for,
	is_valid_minutes,
	order,
	over_cap,
	pick,
	recycled_cutoffs,
	reservation_until,
)

NOW = datetime(2026, 12, 3, 15, 0)


def at(minutes):
	return NOW + timedelta(minutes=minutes)


def names(candidates):
	return [candidate.lead for candidate in candidates]


def test_callbacks_come_first_personal_then_anyone_then_assigned():
	queue = order(
		[
			Candidate("never", NEVER_CALLED),
			Candidate("recycled", RECYCLED, last_call_time=at(-600), call_attempts=1),
			Candidate("anyone", ANYONE_CALLBACK, due_at=at(-120)),
			Candidate("personal", PERSONAL_CALLBACK, due_at=at(-1)),
		]
	)
	assert names(queue) == ["personal", "anyone", "never", "recycled"]


def test_callbacks_in_order_of_their_time():
	queue = order(
		[
			Candidate("late", PERSONAL_CALLBACK, due_at=at(-1)),
			Candidate("early", PERSONAL_CALLBACK, due_at=at(-30)),
			Candidate("anyone_late", ANYONE_CALLBACK, due_at=at(-2)),
			Candidate("anyone_early", ANYONE_CALLBACK, due_at=at(-90)),
		]
	)
	assert names(queue) == ["early", "late", "anyone_early", "anyone_late"]


def test_assigned_leads_oldest_contact_then_fewest_attempts():
	queue = order(
		[
			Candidate("recent", RECYCLED, last_call_time=at(-40), call_attempts=1),
			Candidate("old_many", RECYCLED, last_call_time=at(-300), call_attempts=3),
			Candidate("old_few", RECYCLED, last_call_time=at(-300), call_attempts=1),
			Candidate("never_b", NEVER_CALLED),
			Candidate("never_a", NEVER_CALLED),
		]
	)
	assert names(queue) == ["never_a", "never_b", "old_few", "old_many", "recent"]


def test_a_lead_is_handed_out_once_at_its_first_place():
	queue = order(
		[
			Candidate("lead", RECYCLED, last_call_time=at(-600)),
			Candidate("lead", ANYONE_CALLBACK, due_at=at(-5), callback="CALL-2"),
			Candidate("lead", PERSONAL_CALLBACK, due_at=at(-5), callback="CALL-1"),
		]
	)
	assert [(c.lead, c.reason, c.callback) for c in queue] == [("lead", PERSONAL_CALLBACK, "CALL-1")]


def test_pick_skips_blocked_counts_them_and_says_when_they_open():
	queue = order(
		[
			Candidate("a", PERSONAL_CALLBACK, due_at=at(-10)),
			Candidate("b", NEVER_CALLED),
			Candidate("c", RECYCLED, last_call_time=at(-100)),
			Candidate("d", RECYCLED, last_call_time=at(-50)),
		]
	)
	blocks = {
		"a": Block(("outside_window",), at(600)),
		"c": Block(("cap_reached", "outside_window"), at(120)),
		"d": Block(("dnc",), None),
	}
	result = pick(queue, blocks, limit=1)
	assert names(result.offered) == ["b"]
	assert result.blocked == 3
	assert result.blocked_by_reason == {"outside_window": 2, "cap_reached": 1, "dnc": 1}
	assert result.next_opens_at == at(120)


def test_pick_with_nothing_allowed_offers_nothing():
	result = pick([Candidate("a", NEVER_CALLED)], {"a": Block(("dnc",))}, limit=5)
	assert result.offered == [] and result.blocked == 1 and result.next_opens_at is None


def test_pick_limit():
	queue = order([Candidate(str(n), NEVER_CALLED) for n in range(5)])
	assert names(pick(queue, {}, limit=2).offered) == ["0", "1"]


def test_callback_types():
	assert is_callback_type(PERSONAL) and is_callback_type(ANYONE)
	assert not is_callback_type("personal") and not is_callback_type("") and not is_callback_type(None)
	assert callback_type_for(None, None) == PERSONAL
	assert callback_type_for(None, ANYONE) == ANYONE
	assert callback_type_for(PERSONAL, ANYONE) == PERSONAL


def test_minutes_and_caps():
	assert is_valid_minutes(0) and is_valid_minutes(30)
	assert not is_valid_minutes(-1) and not is_valid_minutes(1.5) and not is_valid_minutes(True)
	assert not over_cap(100, 0)
	assert not over_cap(2, 3)
	assert over_cap(3, 3)


def test_escalation_after_grace():
	assert escalation_cutoff(NOW, 30) == at(-30)
	assert escalates(PERSONAL, at(-30), NOW, 30)
	assert not escalates(PERSONAL, at(-29), NOW, 30)
	assert not escalates(ANYONE, at(-300), NOW, 30)
	assert not escalates(PERSONAL, None, NOW, 30)
	assert escalates(PERSONAL, NOW, NOW, 0)


def test_reservations():
	assert is_free_for(None, None, "a", NOW)
	assert is_free_for("a", at(5), "a", NOW)
	assert not is_free_for("b", at(5), "a", NOW)
	assert is_free_for("b", NOW, "a", NOW)
	assert reservation_until(NOW, 3) == at(3)
	assert reservation_until(NOW, 0) == at(5)


def test_recycled_cutoffs_and_buckets():
	assert recycled_cutoffs({"Not Picked": 30, "Missed": 0}, NOW) == {"Not Picked": at(-30), "Missed": NOW}
	assert [attempt_bucket(n) for n in (None, 0, 1, 2, 3, 9)] == ["0", "0", "1", "2", "3+", "3+"]


# Lead List Penetration: folding the SQL groups into rows


def group(campaign="C", status="Not Picked", place=("UTC", None, None), **counts):
	from call_status_crm.core.penetration import Group

	return Group(campaign, status, *place, **counts)


def test_penetration_rules_off_everything_due_is_dialable():
	from call_status_crm.core.penetration import fold, totals

	rows = fold([group(leads=5, due=3, never_called=1, dnc_due=2, cap_due=1)], None, NOW)
	assert rows[0].counts["dialable_now"] == 3
	assert rows[0].counts["blocked_dnc"] == 0 and rows[0].next_eligible_at == NOW
	assert totals(rows)["leads"] == 5


def test_penetration_blocked_in_order_dnc_hours_cap():
	from call_status_crm.core.penetration import fold

	night, day = ("Asia/Tokyo", None, None), ("UTC", None, None)
	opens = {night: at(600), day: None}
	rows = fold(
		[
			group(place=night, leads=10, due=6, dnc_due=1, cap_due=2, next_due_at=at(900)),
			group(place=day, leads=4, due=4, dnc_due=1, cap_due=2, exhausted=1),
			group(campaign="B", status="Lead", place=day, leads=2, due=0, next_due_at=at(30)),
		],
		opens.get,
		NOW,
	)
	b, c = rows
	assert (b.campaign, b.counts["leads"], b.next_eligible_at) == ("B", 2, at(30))
	assert c.counts["blocked_dnc"] == 2
	assert c.counts["blocked_hours"] == 5  # the night group's due leads not listed
	assert c.counts["blocked_cap"] == 2  # only where the window is open
	assert c.counts["dialable_now"] == 1
	assert c.counts["exhausted"] == 1
	assert c.next_eligible_at == NOW  # one is dialable now


def test_penetration_next_eligible_when_nothing_is_dialable():
	from call_status_crm.core.penetration import fold

	rows = fold(
		[group(due=2, next_due_at=at(45)), group(place=("Asia/Tokyo", None, None), due=1)],
		{("UTC", None, None): at(120), ("Asia/Tokyo", None, None): at(60)}.get,
		NOW,
	)
	assert rows[0].counts["dialable_now"] == 0
	assert rows[0].next_eligible_at == at(45)


def test_penetration_group_applies_the_status_rules_once_per_group():
	from call_status_crm.core.penetration import Scanned, group_of

	scanned = Scanned(
		leads=10,
		called=7,
		attempts_1=3,
		called_without_due_time=2,
		called_before_cutoff=4,
		first_after_cutoff=at(-10),
	)
	delays = {"Not Picked": 30}
	recycled = group_of(("C", "Not Picked", "UTC", None, None), scanned, delays, {"Converted"}, dnc_due=1)
	assert (recycled.never_called, recycled.due, recycled.exhausted) == (3, 7, 2)
	assert recycled.next_due_at == at(20) and recycled.dnc_due == 1 and recycled.timezone == "UTC"
	# a status that is not recycled: only the never-called leads are due, nothing is exhausted
	plain = group_of(("C", "Lead", None, None, None), scanned, delays, {"Converted"})
	assert (plain.due, plain.exhausted, plain.next_due_at) == (3, 0, None)
	# a protected status (even one with a recycle rule) and a lead without a status are never due
	for status in ("Not Picked", None):
		closed = group_of(("C", status, None, None, None), scanned, delays, {"Not Picked"})
		assert (closed.due, closed.exhausted, closed.next_due_at) == (0, 0, None)
