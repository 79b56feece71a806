"""The Lead `status` options: what the app adds, merged with (never replacing) a site's own."""

from __future__ import annotations

from collections.abc import Iterable

# DESIGN.md §4: the Lead statuses the app's call statuses set that ERPNext does not ship.
APP_LEAD_STATUSES = ("Not Interested", "Followups", "Not Picked", "Missed")

# Lead statuses a call never overwrites unless an admin changes the setting.
DEFAULT_PROTECTED_LEAD_STATUSES = (
	"Converted",
	"Opportunity",
	"Quotation",
	"Lost Quotation",
	"Do Not Contact",
)


def split_options(options: str | None) -> list[str]:
	"""Select options as Frappe stores them: one per line, blanks dropped, order and first copy kept."""
	seen: list[str] = []
	for line in (options or "").split("\n"):
		option = line.strip()
		if option and option not in seen:
			seen.append(option)
	return seen


def join_options(options: Iterable[str]) -> str:
	return "\n".join(options)


def merge_options(current: str | None, wanted: Iterable[str] = APP_LEAD_STATUSES) -> str:
	"""The current options with each wanted option appended once; nothing is removed or reordered."""
	merged = split_options(current)
	merged.extend(option for option in wanted if option not in merged)
	return join_options(merged)


def remove_options(current: str | None, unwanted: Iterable[str], keep: Iterable[str] = ()) -> str:
	"""The current options less the unwanted ones, except those to keep (e.g. still used by a Lead)."""
	drop = set(unwanted) - set(keep)
	return join_options(option for option in split_options(current) if option not in drop)
