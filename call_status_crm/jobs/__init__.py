"""Scheduled work. Scheduler hooks only dispatch: one deduplicated job per kind on the long queue."""

import frappe


def dispatch(method: str, job_id: str, timeout: int = 1500) -> None:
	frappe.enqueue(method, queue="long", job_id=job_id, deduplicate=True, timeout=timeout)
