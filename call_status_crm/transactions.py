"""Records that must outlive the transaction that asked for them (a refusal's audit, a failed telephony
event): written once that transaction ends, committed or rolled back, in one of their own."""

import frappe


def insert_after_transaction(values: dict) -> None:
	"""Insert the document `values` once the current transaction ends, whichever way, and commit it."""
	written = []

	def write():
		if written:
			return
		written.append(True)
		frappe.get_doc(values).insert(ignore_permissions=True, ignore_links=True)
		frappe.db.commit()

	frappe.db.after_rollback.add(write)
	frappe.db.after_commit.add(write)
