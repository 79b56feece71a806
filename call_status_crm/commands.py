"""bench commands of the app: `bench --site SITE rebuild-call-rollups` and `verify-call-rollups`
(DESIGN.md §11)."""

import json

import click
from frappe.commands import get_site, pass_context


@click.command("rebuild-call-rollups")
@click.option("--from-date", help="first day to recompute (default: the first day with calls)")
@click.option("--to-date", help="last day to recompute (default: the last day with calls)")
@pass_context
def rebuild_call_rollups(context, from_date=None, to_date=None):
	"""Recompute the call roll-ups of a range of days from the calls."""
	import frappe

	from call_status_crm.rollups import ensure_tables, rebuild

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		ensure_tables()
		click.echo(json.dumps(rebuild(from_date, to_date, commit=True), default=str))
	finally:
		frappe.destroy()


@click.command("verify-call-rollups")
@click.option("--from-date", help="first day to check (default: the first day with calls)")
@click.option("--to-date", help="last day to check (default: the last day with calls)")
@pass_context
def verify_call_rollups(context, from_date=None, to_date=None):
	"""Compare the call roll-ups with a recomputation from the calls; print the rows that differ."""
	import frappe

	from call_status_crm.rollups import verify

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		rows = verify(from_date, to_date)
	finally:
		frappe.destroy()
	for row in rows:
		click.echo(json.dumps(row, default=str))
	click.echo(f"{len(rows)} roll-up rows differ from the calls")
	if rows:
		raise SystemExit(1)


commands = [rebuild_call_rollups, verify_call_rollups]
