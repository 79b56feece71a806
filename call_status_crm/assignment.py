"""Frappe's assignment (DESIGN.md §5), written for a whole batch of leads at once.

`assign_to.add` / `remove` handle one document at a time (per lead: two ToDo saves, two timeline
comments, two RQ jobs for Notification Logs; about 45 ms). `reassign()` writes the same rows (the
cancelled and the new ToDo, `_assign`, the "Assignment Completed" and "Assigned" comments, the
Notification Logs with Frappe's subjects, a share when the assignee cannot read the lead, a follow when
the user follows assigned documents) with one statement per kind and batch, but runs no other app's ToDo
hooks and sends no e-mail (the job's `reassign_one_by_one()` goes through `assign_to` for sites that
need those: a setting).
"""

from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import get_title_html, set_notifications_as_unseen
from frappe.desk.doctype.notification_settings.notification_settings import is_notifications_enabled
from frappe.utils import escape_html, get_fullname, now_datetime, nowdate

from call_status_crm.follow_up import set_follow_up_status


@dataclass
class Reassignment:
	"""Give document `name` to `to_user`, closing its open assignments (`previous`: ToDo rows)."""

	name: str
	title: str
	to_user: str
	description: str
	previous: list = field(default_factory=list)
	todo: str | None = None  # the new ToDo, once written


def open_assignments(doctype: str, names: list[str]) -> dict[str, list]:
	"""Open ToDos per document (what `_assign` lists), in one query."""
	todo = frappe.qb.DocType("ToDo")
	rows = (
		frappe.qb.from_(todo)
		.select(todo.name, todo.allocated_to, todo.assigned_by, todo.reference_name)
		.where(
			(todo.reference_type == doctype)
			& todo.reference_name.isin(names)
			& todo.status.notin(("Cancelled", "Closed"))
			& todo.allocated_to.isnotnull()
		)
		.orderby(todo.creation)
		.run(as_dict=True)
	)
	by_document: dict[str, list] = {name: [] for name in names}
	for row in rows:
		by_document[row.reference_name].append(row)
	return by_document


def reassign(
	doctype: str, items: list[Reassignment], owner_field: str | None = None, users: "UserInfo | None" = None
) -> None:
	"""Cancel each document's open assignments and assign it to its new user, as `assign_to` would.
	`owner_field` (e.g. `lead_owner`) is set to the new user too when given. The caller holds the
	documents' row locks and commits."""
	if not items:
		return
	now, user = now_datetime(), frappe.session.user
	users = users or UserInfo()
	cancelled = [(item, row) for item in items for row in item.previous]
	if cancelled:
		todo = frappe.qb.DocType("ToDo")
		names = [row.name for _item, row in cancelled]
		(
			frappe.qb.update(todo)
			.set(todo.status, "Cancelled")
			.set(todo.modified, now)
			.set(todo.modified_by, user)
			.where(todo.name.isin(names))
		).run()
		set_follow_up_status(names, "Cancelled")

	for item in items:
		item.todo = frappe.generate_hash(length=10)
	insert(
		"ToDo",
		now,
		{
			"status": "Open",
			"priority": "Medium",
			"date": nowdate(),
			"allocated_to": [item.to_user for item in items],
			"description": [item.description for item in items],
			"reference_type": doctype,
			"reference_name": [item.name for item in items],
			"assigned_by": user,
			"assigned_by_full_name": users.full_name(user),
		},
		names=[item.todo for item in items],
	)
	update_documents(doctype, items, owner_field, now)
	add_comments(doctype, items, cancelled, users, now)
	notify(doctype, items, cancelled, users, now)
	share_and_follow(doctype, items, users)


def update_documents(doctype: str, items: list[Reassignment], owner_field: str | None, now) -> None:
	"""`_assign` (the Assigned To sidebar and list filter) lists the one new assignee; one UPDATE per user."""
	table = frappe.qb.DocType(doctype)
	by_user: dict[str, list[str]] = {}
	for item in items:
		by_user.setdefault(item.to_user, []).append(item.name)
	for to_user, names in by_user.items():
		query = frappe.qb.update(table).set(table._assign, frappe.as_json([to_user], indent=None))
		if owner_field:
			query = (
				query.set(table[owner_field], to_user)
				.set(table.modified, now)
				.set(table.modified_by, frappe.session.user)
			)
		query.where(table.name.isin(names)).run()


def add_comments(doctype: str, items, cancelled, users: "UserInfo", now) -> None:
	"""The timeline lines ToDo writes: "Assignment of X removed by Y" and "Y assigned X: …"."""
	by = users.full_name(frappe.session.user)
	rows = [
		(
			"Assignment Completed",
			item.name,
			_("Assignment of {0} removed by {1}").format(users.full_name(row.allocated_to), by),
		)
		for item, row in cancelled
	] + [
		(
			"Assigned",
			item.name,
			_("{0} assigned {1}: {2}").format(by, users.full_name(item.to_user), item.description),
		)
		for item in items
	]
	add_timeline_comments(doctype, rows, now)


def add_timeline_comments(doctype: str, rows: list[tuple[str, str, str]], now) -> None:
	"""Insert (comment type, document name, content) Comments on `doctype` in one statement."""
	if rows:
		insert(
			"Comment",
			now,
			{
				"comment_type": [row[0] for row in rows],
				"comment_email": frappe.session.user,
				"reference_doctype": doctype,
				"reference_name": [row[1] for row in rows],
				"content": [row[2] for row in rows],
			},
		)


def notify(doctype: str, items, cancelled, users: "UserInfo", now) -> None:
	"""The Notification Logs `notify_assignment` would create (same rules and subjects), then one bell
	refresh per user instead of one per notification."""
	sender = frappe.session.user
	by = users.full_name(sender)
	rows = []
	for item, row in cancelled:
		if users.notifiable(row.allocated_to, row.assigned_by):
			lang = users.language(row.allocated_to)
			subject = _("Your assignment on {0} {1} has been removed by {2}", lang=lang).format(
				frappe.bold(_(doctype)), get_title_html(item.title), frappe.bold(by)
			)
			rows.append((row.allocated_to, item.name, subject, None))
	for item in items:
		if users.notifiable(item.to_user, sender):
			lang = users.language(item.to_user)
			subject = _("{0} assigned a new task {1} {2} to you", lang=lang).format(
				frappe.bold(by), frappe.bold(_(doctype, lang=lang)), get_title_html(item.title)
			)
			rows.append((item.to_user, item.name, subject, f"<div>{item.description}</div>"))
	if not rows:
		return
	insert(
		"Notification Log",
		now,
		{
			"type": "Assignment",
			"document_type": doctype,
			"from_user": sender,
			"for_user": [row[0] for row in rows],
			"document_name": [row[1] for row in rows],
			"subject": [row[2] for row in rows],
			"email_content": [row[3] for row in rows],
			"read": 0,
		},
	)
	for user in {row[0] for row in rows}:
		set_notifications_as_unseen(user)
		frappe.publish_realtime("notification", after_commit=True, user=user)


def share_and_follow(doctype: str, items, users: "UserInfo") -> None:
	"""Share the document with an assignee who cannot read it (as `assign_to.add` does) and follow it for
	users who follow assigned documents. Both are rare; they use Frappe's own functions."""
	from frappe.desk.form.document_follow import follow_document

	for item in items:
		if not users.can_read(doctype, item.name, item.to_user):
			if frappe.get_system_settings("disable_document_sharing"):
				frappe.throw(
					_("User {0} is not permitted to access this document.").format(frappe.bold(item.to_user))
				)
			frappe.share.add_docshare(
				doctype, item.name, item.to_user, flags={"ignore_share_permission": True}
			)
		if users.follows_assigned(item.to_user):
			follow_document(doctype, item.name, item.to_user)


def insert(doctype: str, now, values: dict, names: list[str] | None = None) -> None:
	"""One INSERT of n rows: `values` maps a field to a list (one value a row) or to one shared value."""
	count = next(len(value) for value in values.values() if isinstance(value, list))
	names = names or [frappe.generate_hash(length=10) for _ in range(count)]
	user = frappe.session.user
	fields = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", *values]
	columns = [value if isinstance(value, list) else [value] * count for value in values.values()]
	rows = [(names[i], now, now, user, user, 0, 0, *(column[i] for column in columns)) for i in range(count)]
	frappe.db.bulk_insert(doctype, fields, rows)


class UserInfo:
	"""Per-user facts looked up once a batch: full name, language, notification and follow settings."""

	def __init__(self):
		self._users: dict[str, frappe._dict] = {}
		self._readers: dict[str, bool] = {}

	def _get(self, user: str) -> frappe._dict:
		if user not in self._users:
			row = (
				frappe.db.get_value(
					"User", user, ["enabled", "language", "follow_assigned_documents"], as_dict=True
				)
				or frappe._dict()
			)
			row.full_name = escape_html(get_fullname(user))
			self._users[user] = row
		return self._users[user]

	def full_name(self, user: str) -> str:
		return self._get(user).full_name

	def language(self, user: str) -> str | None:
		return self._get(user).language

	def follows_assigned(self, user: str) -> bool:
		return bool(self._get(user).follow_assigned_documents)

	def notifiable(self, user: str, assigned_by: str | None) -> bool:
		"""`notify_assignment`'s rule: not self-assigned, the user enabled and taking notifications."""
		if not user or not assigned_by or user == assigned_by:
			return False
		return bool(self._get(user).enabled) and bool(is_notifications_enabled(user))

	def can_read(self, doctype: str, name: str, user: str) -> bool:
		"""Role permission is checked once per user; only users with User Permissions (which can exclude
		single documents) are checked per document."""
		if user not in self._readers:
			self._readers[user] = frappe.has_permission(doctype, "read", user=user) and not frappe.db.exists(
				"User Permission", {"user": user}
			)
		if self._readers[user]:
			return True
		return frappe.has_permission(doctype, "read", doc=name, user=user)
