"""Call recordings (DESIGN.md §10): which URLs a call may keep, which addresses the server may never
fetch, and the providers whose recordings need their credentials. No Frappe here."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000
# The networks a server-side fetch never reaches (DESIGN.md §10): loopback, private, link-local (cloud
# metadata at 169.254.169.254), unique-local IPv6, and what is no real host (0.0.0.0, multicast, reserved).
BLOCKED_NETWORKS = tuple(
	ipaddress.ip_network(net)
	for net in (
		"0.0.0.0/8",
		"10.0.0.0/8",
		"100.64.0.0/10",
		"127.0.0.0/8",
		"169.254.0.0/16",
		"172.16.0.0/12",
		"192.168.0.0/16",
		"224.0.0.0/4",
		"240.0.0.0/4",
		"::/128",
		"::1/128",
		"fc00::/7",
		"fe80::/10",
		"ff00::/8",
	)
)

TWILIO, EXOTEL = "Twilio", "Exotel"
_TWILIO_PATH = re.compile(
	r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Recordings/(RE[0-9a-fA-F]{32})(\.\w+)?$"
)
_EXOTEL_PATH = re.compile(r"^/(?:v1/Accounts/[\w-]+/)?exotelrecordings/[\w-]+/[\w.-]+$")


def is_http_url(url: str | None) -> bool:
	"""An absolute http(s) URL with a host, no credentials in it, no spaces or control characters."""
	if not url or len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
		return False
	try:
		parts = urlsplit(url)
		_port = parts.port  # raises on a port that is no number
	except ValueError:
		return False
	return parts.scheme.lower() in SCHEMES and bool(parts.hostname) and not (parts.username or parts.password)


def is_blocked_address(address: str) -> bool:
	"""An address the server never fetches from (an IPv4-mapped IPv6 address counts as its IPv4)."""
	ip = ipaddress.ip_address(address.split("%", 1)[0])
	if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
		ip = ip.ipv4_mapped
	return any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version)


def blocked_addresses(addresses: Iterable[str]) -> list[str]:
	"""The addresses a host resolved to that may not be fetched: one is enough to refuse the host."""
	return [address for address in addresses if is_blocked_address(address)]


def is_private_literal_host(url: str) -> bool:
	"""The URL names its host as a blocked address (or localhost): refused without any lookup."""
	host = (urlsplit(url).hostname or "").lower().rstrip(".")
	if host == "localhost" or host.endswith(".localhost"):
		return True
	try:
		return is_blocked_address(host)
	except ValueError:  # a host name: resolved (and checked) only when fetched
		return False


def provider_of(url: str, provider_hosts: dict[str, Iterable[str]]) -> str | None:
	"""The provider whose credentials a recording URL needs: its host must be one of the provider's own
	hosts (`provider_hosts`), so credentials never go to anyone else, and its path the provider's form:
	Twilio `/2010-04-01/Accounts/AC…/Recordings/RE…[.mp3]`, Exotel `…/exotelrecordings/<account>/<file>`."""
	parts = urlsplit(url)
	host = (parts.hostname or "").lower()
	for provider, pattern in ((TWILIO, _TWILIO_PATH), (EXOTEL, _EXOTEL_PATH)):
		hosts = {h.lower() for h in provider_hosts.get(provider, ())}
		if host in hosts and pattern.match(parts.path):
			return provider
	return None


def twilio_account(url: str) -> str | None:
	"""The Account SID in a Twilio recording URL."""
	match = _TWILIO_PATH.match(urlsplit(url).path)
	return match.group(1) if match else None
