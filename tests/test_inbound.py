from datetime import datetime, timedelta

import pytest

from call_status_crm.core.call_events import (
	APPLIED,
	FAILED,
	MAX_ATTEMPTS,
	PENDING,
	after_failure,
	backoff,
	is_retryable,
)
from call_status_crm.core.phones import phone_key
from call_status_crm.core.recordings import (
	EXOTEL,
	TWILIO,
	blocked_addresses,
	is_blocked_address,
	is_http_url,
	provider_of,
	twilio_account,
)
from call_status_crm.core.unknown_callers import (
	invalid_own_numbers,
	is_unknown_caller,
	may_create_lead,
	own_phone_keys,
)


def key(number):
	return phone_key(number, "IN")


def test_own_phone_keys_read_one_number_a_line():
	text = "+91 98765 43210\n\n  080 4567 8901  # reception\n# a comment\n12"
	assert own_phone_keys(text, key) == frozenset({"+919876543210", "+918045678901"})
	assert own_phone_keys(None, key) == frozenset()
	assert invalid_own_numbers(text, key) == ["12"]


def test_unknown_caller():
	own = {"+918045678901"}
	assert is_unknown_caller("Incoming", None, "+919876543210", own)
	assert not is_unknown_caller("Incoming", "CRM-LEAD-1", "+919876543210", own)
	assert not is_unknown_caller("Outgoing", None, "+919876543210", own)
	assert not is_unknown_caller("Incoming", None, "+918045678901", own)  # the site's own line
	assert not is_unknown_caller("Incoming", None, "", own)
	assert may_create_lead("Incoming", None, "+919876543210", own, True)
	assert not may_create_lead("Incoming", None, "+919876543210", own, False)
	assert not may_create_lead("Incoming", None, "+918045678901", own, True)


def test_backoff_grows_and_gives_up():
	now = datetime(2026, 1, 1, 10, 0)
	assert backoff(1) == timedelta(minutes=1)
	assert backoff(2) == timedelta(minutes=5)
	assert backoff(50) == timedelta(hours=6)
	assert after_failure(1, now) == (PENDING, now + timedelta(minutes=1))
	waits = [after_failure(n, now)[1] - now for n in range(1, MAX_ATTEMPTS)]
	assert waits == sorted(waits)
	assert after_failure(MAX_ATTEMPTS, now) == (FAILED, None)
	assert is_retryable(PENDING) and is_retryable(FAILED) and not is_retryable(APPLIED)


@pytest.mark.parametrize(
	"url",
	[
		"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.mp3",
		"http://example.com/rec.mp3",
		"HTTPS://EXAMPLE.COM/a",
	],
)
def test_http_urls_are_taken(url):
	assert is_http_url(url)


@pytest.mark.parametrize(
	"url",
	[
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)//http://x",
		"data:audio/mp3;base64,AAAA",
		"file:///etc/passwd",
		"ftp://example.com/a.mp3",
		"//example.com/a.mp3",
		"/files/a.mp3",
		"https://user:pw@example.com/a.mp3",
		"https://example.com/a b.mp3",
		"https://example.com:99999/a.mp3",
		"https:///a.mp3",
		"",
		None,
	],
)
def test_other_urls_are_refused(url):
	assert not is_http_url(url)


@pytest.mark.parametrize(
	"address",
	[
		"127.0.0.1",
		"127.8.9.10",
		"10.1.2.3",
		"172.16.0.1",
		"172.31.255.255",
		"192.168.1.1",
		"169.254.169.254",
		"0.0.0.0",
		"::1",
		"fc00::1",
		"fd12:3456::1",
		"fe80::1%eth0",
		"::ffff:127.0.0.1",
		"::ffff:10.0.0.1",
	],
)
def test_private_addresses_are_blocked(address):
	assert is_blocked_address(address)


def test_public_addresses_are_not_blocked():
	for address in ("8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "54.172.60.0"):
		assert not is_blocked_address(address), address
	assert blocked_addresses(["8.8.8.8", "10.0.0.1"]) == ["10.0.0.1"]  # one private address is enough


HOSTS = {TWILIO: ["api.twilio.com"], EXOTEL: ["recordings.exotel.com"]}
SID = "AC" + "a" * 32
RECORDING = "RE" + "b" * 32


def test_providers_by_host_and_path():
	twilio = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Recordings/{RECORDING}.mp3"
	assert provider_of(twilio, HOSTS) == TWILIO
	assert twilio_account(twilio) == SID
	exotel = "https://recordings.exotel.com/exotelrecordings/acme/0f1e2d3c4b5a.mp3"
	assert provider_of(exotel, HOSTS) == EXOTEL
	# the provider's path on another host never gets the provider's credentials
	assert provider_of(twilio.replace("api.twilio.com", "evil.example"), HOSTS) is None
	assert provider_of(exotel.replace("recordings.exotel.com", "api.twilio.com"), HOSTS) is None
	assert provider_of("https://api.twilio.com/2010-04-01/Accounts/x/Calls", HOSTS) is None


def test_private_literal_hosts():
	from call_status_crm.core.recordings import is_private_literal_host

	for url in (
		"http://127.0.0.1:8000/a",
		"http://localhost/a",
		"http://x.localhost/a",
		"http://[::1]/a",
		"http://10.2.3.4/a",
	):
		assert is_private_literal_host(url), url
	for url in ("https://api.twilio.com/a", "http://8.8.8.8/a", "https://internal.example.com/a"):
		assert not is_private_literal_host(url), url
