"""What the app reads of ERPNext's Employee: an agent's branch and department, snapshotted on each call.

Read on every call's save, so it is cached per user. An Employee's change clears the cache at once, and
again when its transaction commits or rolls back (a request elsewhere may have cached the values the
change was replacing); an entry lives at most CACHE_SECONDS, for a change made straight in the database.
"""

import frappe

CACHE_KEY = "call_status_crm:agent_employee"
CACHE_SECONDS = 600
PENDING_FLAG = "call_status_crm_employee_users"  # users whose entry to forget at commit / rollback


def get_agent_details(user: str | None) -> dict:
	"""The branch and department of the user's active Employee (both None without one)."""
	if not user:
		return {"branch": None, "department": None}
	key = f"{CACHE_KEY}:{user}"
	details = frappe.cache.get_value(key)
	if details is None:
		employee = frappe.db.get_value(
			"Employee", {"user_id": user, "status": "Active"}, ["branch", "department"], as_dict=True
		)
		details = {
			"branch": employee.branch if employee else None,
			"department": employee.department if employee else None,
		}
		frappe.cache.set_value(key, details, expires_in_sec=CACHE_SECONDS)
	return details


def clear_agent_details(doc, method=None, *args):
	"""`doc_events` Employee on_update, on_trash and after_rename: forget its user's (and its previous
	user's) entry now, and once more when this transaction commits or rolls back."""
	before = doc.get_doc_before_save() if method == "on_update" else None
	users = {doc.get("user_id"), before.get("user_id") if before else None} - {None, ""}
	forget(users)
	if PENDING_FLAG not in frappe.local.flags:  # one pair of callbacks per transaction, however many saves
		frappe.local.flags[PENDING_FLAG] = set()
		frappe.db.after_commit.add(forget_pending)
		frappe.db.after_rollback.add(forget_pending)
	frappe.local.flags[PENDING_FLAG].update(users)


def forget_pending() -> None:
	forget(frappe.local.flags.pop(PENDING_FLAG, set()))


def forget(users) -> None:
	if users:
		frappe.cache.delete_value([f"{CACHE_KEY}:{user}" for user in users])
