"""Who may write what on a call (DESIGN.md §1a): the audience comes from the user's roles, never from
the request. No Frappe here: the permission service passes the user's roles in."""

from __future__ import annotations

from collections.abc import Iterable

MANUAL, DIALLER, AI_AGENT, TELEPHONY = "Manual", "Dialler", "AI Agent", "Telephony"
SOURCES = (MANUAL, DIALLER, AI_AGENT, TELEPHONY)

CALL_AGENT_ROLE = "Call Agent"
AI_CALL_AGENT_ROLE = "AI Call Agent"
INTEGRATION_ROLE = "Call Integration"
MANAGER_ROLES = ("Call Center Manager", "System Manager")
# Roles that may set any status (system ones too), any source, and act for any agent.
TRUSTED_ROLES = (INTEGRATION_ROLE, *MANAGER_ROLES)
ADMINISTRATOR = "Administrator"

# The status list a source's calls come from: agents pick by hand, AI agents through the API; diallers
# and telephony report what happened (hidden system statuses included).
SOURCE_AUDIENCE = {MANUAL: "agent", AI_AGENT: "ai_agent"}


def is_manager(user: str, roles: Iterable[str]) -> bool:
	return user == ADMINISTRATOR or bool(set(MANAGER_ROLES) & set(roles))


def is_trusted(user: str, roles: Iterable[str]) -> bool:
	"""Integrations and managers: any status, any source, any agent."""
	return user == ADMINISTRATOR or bool(set(TRUSTED_ROLES) & set(roles))


def allowed_sources(user: str, roles: Iterable[str]) -> tuple[str, ...]:
	"""The sources a user's calls may carry: Call Agent → Manual, AI Call Agent → AI Agent, trusted → all."""
	roles = set(roles)
	if is_trusted(user, roles):
		return SOURCES
	return tuple(
		source
		for source, role in ((MANUAL, CALL_AGENT_ROLE), (AI_AGENT, AI_CALL_AGENT_ROLE))
		if role in roles
	)


def default_source(user: str, roles: Iterable[str]) -> str | None:
	"""The source of a call whose request named none: what the user's role makes it."""
	roles = set(roles)
	if is_trusted(user, roles):
		return DIALLER
	sources = allowed_sources(user, roles)
	return sources[0] if sources else None


def status_audience(source: str | None) -> str | None:
	"""Whose status list a call of this source must come from (None: any status)."""
	return SOURCE_AUDIENCE.get(source or MANUAL)


# The telephony bridge's external ids (`telephony:<Call Log name>`): a space no request may claim, so a
# Call Log's name can never meet an agent's or an integration's id.
TELEPHONY_ID_PREFIX = "telephony:"


def telephony_external_id(call_log: str) -> str:
	return f"{TELEPHONY_ID_PREFIX}{call_log}"


def is_telephony_external_id(external_id: str | None) -> bool:
	return bool(external_id) and external_id.startswith(TELEPHONY_ID_PREFIX)


def scoped_external_id(external_id: str | None, user: str, trusted: bool) -> str | None:
	"""The stored external id: an integration's ids are global; a user's own ids are scoped to that user,
	so one agent can neither claim nor probe another's call by guessing its id."""
	if not external_id or trusted:
		return external_id
	return f"{user}:{external_id}"


def unscoped_external_id(stored: str | None, user: str | None) -> str | None:
	"""The id as its sender knows it."""
	prefix = f"{user}:"
	if stored and user and stored.startswith(prefix):
		return stored[len(prefix) :]
	return stored
