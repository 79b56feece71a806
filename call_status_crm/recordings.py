"""Call recordings (DESIGN.md §10): a call keeps only an http(s) `recording_url`; `get_recording`
streams it through the app for a user who may read the call, with the provider's credentials (Twilio,
Exotel) added on the server and never sent anywhere but the provider's own hosts; the server never
fetches a private-network address (every address the host resolves to is checked, and each redirect's).
A service of the Lead Call Log controller and the API."""

import socket
from urllib.parse import quote, urljoin, urlsplit

import frappe
import requests
from frappe import _
from werkzeug.wrappers import Response

from call_status_crm.core import recordings as rules
from call_status_crm.settings import SETTINGS

# The providers' own hosts: their credentials go to these and nowhere else.
PROVIDER_HOSTS = {
	rules.TWILIO: ("api.twilio.com",),
	rules.EXOTEL: ("recordings.exotel.com", "recordings.exotel.in"),
}
# (host, port) pairs a fetch may reach although they resolve to a private address. Empty in the app; a
# test adds the one stub server it starts on 127.0.0.1 (and nothing else).
PRIVATE_HOSTS_ALLOWED: set[tuple[str, int]] = set()
MAX_REDIRECTS = 3
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 30
CHUNK = 64 * 1024


class InvalidRecordingUrlError(frappe.ValidationError):
	pass


class RecordingHostRefusedError(frappe.ValidationError):
	pass


class NoRecordingError(frappe.DoesNotExistError):
	pass


class RecordingFetchError(frappe.ValidationError):
	http_status_code = 502


def validate_recording_url(url: str) -> None:
	"""An http(s) URL whose host is not written as a private-network address (a host name is resolved
	only when the recording is fetched: `check_host`)."""
	if not rules.is_http_url(url):
		frappe.throw(
			_("Recording URL {0} is not an http or https address.").format(frappe.bold(str(url)[:80])),
			exc=InvalidRecordingUrlError,
			title=_("Invalid Recording URL"),
		)
	if rules.is_private_literal_host(url) and host_port(url) not in PRIVATE_HOSTS_ALLOWED:
		refuse_private_host(urlsplit(url).hostname)


def host_port(url: str) -> tuple[str, int]:
	parts = urlsplit(url)
	return parts.hostname or "", parts.port or (443 if parts.scheme.lower() == "https" else 80)


def refuse_private_host(host: str) -> None:
	frappe.throw(
		_("The recording's host {0} is on a private network: the server does not fetch from there.").format(
			frappe.bold(host)
		),
		exc=RecordingHostRefusedError,
		title=_("Recording Refused"),
	)


def needs_credentials(url: str | None) -> bool:
	"""Whether the desk must play the recording through the app (a provider's, needing its credentials)."""
	return bool(url) and rules.provider_of(url, PROVIDER_HOSTS) is not None


def player_src(call: str, url: str | None) -> str | None:
	"""Where the desk's audio player reads a call's recording: through the app (`get_recording`) when the
	provider's credentials are needed, else the URL itself (the browser fetches it, not the server)."""
	if not url or not rules.is_http_url(url):
		return None
	if needs_credentials(url):
		return f"/api/method/call_status_crm.api.get_recording?call={quote(call)}"
	return url


def check_host(url: str) -> None:
	"""Refuse a URL whose host is, or resolves to (any of its addresses), a private-network address."""
	host, port = host_port(url)
	if (host, port) in PRIVATE_HOSTS_ALLOWED:
		return
	try:
		addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
	except (socket.gaierror, UnicodeError):
		addresses = set()
	if not addresses:
		frappe.throw(
			_("The recording's host {0} could not be found.").format(frappe.bold(host)),
			exc=RecordingFetchError,
			title=_("Recording Unavailable"),
		)
	if rules.blocked_addresses(addresses):
		refuse_private_host(host)


def provider_auth(url: str) -> tuple[str, str] | None:
	"""The credentials of the provider whose recording this is (only on the provider's own hosts)."""
	provider = rules.provider_of(url, PROVIDER_HOSTS)
	if not provider:
		return None
	settings = frappe.get_cached_doc(SETTINGS)
	if provider == rules.TWILIO:
		user, secret_field = rules.twilio_account(url), "twilio_auth_token"
		if user != settings.get("twilio_account_sid"):
			return None  # another account's recording: this site's token is not sent for it
	else:
		user, secret_field = settings.get("exotel_api_key"), "exotel_api_token"
	secret = (
		settings.get_password(secret_field, raise_exception=False) if settings.get(secret_field) else None
	)
	return (user, secret) if user and secret else None


def open_recording(url: str) -> requests.Response:
	"""GET the recording, following at most MAX_REDIRECTS redirects, each target checked like the first;
	credentials go only to the provider's hosts (Twilio redirects to its storage without them)."""
	for _hop in range(MAX_REDIRECTS + 1):
		validate_recording_url(url)
		check_host(url)
		response = requests.get(
			url,
			auth=provider_auth(url),
			stream=True,
			allow_redirects=False,
			timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
		)
		if response.is_redirect and response.headers.get("Location"):
			response.close()
			url = urljoin(url, response.headers["Location"])
			continue
		if response.status_code != 200:
			response.close()
			frappe.throw(
				_("The recording could not be fetched (the provider answered {0}).").format(
					response.status_code
				),
				exc=RecordingFetchError,
				title=_("Recording Unavailable"),
			)
		return response
	frappe.throw(
		_("The recording could not be fetched (too many redirects)."),
		exc=RecordingFetchError,
		title=_("Recording Unavailable"),
	)


def stream(url: str, name: str) -> Response:
	"""The recording as a streamed response (never read whole into memory)."""
	upstream = open_recording(url)
	content_type = upstream.headers.get("Content-Type", "")
	if not content_type.startswith("audio/"):
		content_type = "application/octet-stream"

	def body():
		try:
			yield from upstream.iter_content(CHUNK)
		finally:
			upstream.close()

	response = Response(body(), content_type=content_type, direct_passthrough=True)
	if upstream.headers.get("Content-Length", "").isdigit():
		response.headers["Content-Length"] = upstream.headers["Content-Length"]
	response.headers["Content-Disposition"] = f'inline; filename="{name}"'
	response.headers["Cache-Control"] = "private, no-store"
	response.headers["X-Content-Type-Options"] = "nosniff"
	return response
