"""Recordings (DESIGN.md §10): only http(s) URLs; played where the call is, for who may read the call;
`get_recording` streams a provider's recording with its credentials kept on the server (Twilio's and
Exotel's URL forms, against a stub server on 127.0.0.1), and never fetches a private-network address.

The stub: the private-network refusal is relaxed for exactly the stub's (127.0.0.1, port) through
`recordings.PRIVATE_HOSTS_ALLOWED`, and 127.0.0.1 stands for the provider's host through
`recordings.PROVIDER_HOSTS`, both patched in-process for the test only (the test client serves requests in
this process); a test without the patch proves 127.0.0.1 is refused and the stub never hit."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

import frappe

from call_status_crm import recordings
from call_status_crm.core.recordings import EXOTEL, TWILIO
from call_status_crm.integrations.erpnext.lead import get_timeline_content
from call_status_crm.settings import SETTINGS
from call_status_crm.tests.inbound_cases import InboundTestCase
from call_status_crm.tests.utils import AGENT, AGENT_2, ago

SID = "AC" + "1" * 32
TOKEN = "csc-twilio-secret-token"
EXOTEL_KEY, EXOTEL_TOKEN = "csc-exotel-key", "csc-exotel-secret-token"
AUDIO = b"ID3" + bytes(range(256)) * 40
TWILIO_PATH = f"/2010-04-01/Accounts/{SID}/Recordings/RE{'2' * 32}.mp3"
EXOTEL_PATH = "/exotelrecordings/acme/0f1e2d3c4b5a.mp3"


HITS: list = []  # (path, Authorization) of each request the stub got


class Stub(BaseHTTPRequestHandler):
	def do_GET(self):
		HITS.append((self.path, self.headers.get("Authorization")))
		expected = {
			TWILIO_PATH: (SID, TOKEN),
			EXOTEL_PATH: (EXOTEL_KEY, EXOTEL_TOKEN),
		}.get(self.path)
		if self.path == "/redirect-private":
			self.send_response(302)
			self.send_header("Location", "http://10.1.2.3/secret.mp3")
			self.end_headers()
			return
		auth = "Basic " + base64.b64encode(":".join(expected).encode()).decode() if expected else None
		if not expected or self.headers.get("Authorization") != auth:
			self.send_response(401)
			self.end_headers()
			return
		self.send_response(200)
		self.send_header("Content-Type", "audio/mpeg")
		self.send_header("Content-Length", str(len(AUDIO)))
		self.end_headers()
		self.wfile.write(AUDIO)

	def log_message(self, *args):
		pass


class TestRecordings(InboundTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
		cls.port = cls.server.server_address[1]
		threading.Thread(target=cls.server.serve_forever, daemon=True).start()

	@classmethod
	def tearDownClass(cls):
		cls.server.shutdown()
		super().tearDownClass()

	def setUp(self):
		super().setUp()
		HITS.clear()
		self.lead = self.new_lead("CSC Recording Lead")
		settings = frappe.get_doc(SETTINGS)
		before = (settings.twilio_account_sid, settings.exotel_api_key)
		settings.update(
			{
				"twilio_account_sid": SID,
				"twilio_auth_token": TOKEN,
				"exotel_api_key": EXOTEL_KEY,
				"exotel_api_token": EXOTEL_TOKEN,
			}
		)
		settings.save(ignore_permissions=True)
		frappe.db.commit()

		def restore():
			settings = frappe.get_doc(SETTINGS)
			settings.twilio_account_sid, settings.exotel_api_key = before
			settings.twilio_auth_token = settings.exotel_api_token = None
			settings.save(ignore_permissions=True)
			frappe.db.commit()

		self.addCleanup(restore)

	def stub_url(self, path: str) -> str:
		return f"http://127.0.0.1:{self.port}{path}"

	def stub_allowed(self):
		"""The stub on 127.0.0.1 stands for the providers' hosts, and only it may be reached there."""
		return patch.multiple(
			recordings,
			PROVIDER_HOSTS={TWILIO: ("127.0.0.1",), EXOTEL: ("127.0.0.1",)},
			PRIVATE_HOSTS_ALLOWED={("127.0.0.1", self.port)},
		)

	def log(self, recording_url: str, client=None) -> str:
		response = self.post(
			client or self.agent,
			"log_call",
			call_status="busy",
			lead=self.lead,
			call_time=ago(4),
			recording_url=recording_url,
		)
		self.assertEqual(response.status_code, 200, response.text)
		return response.json["message"]["name"]

	def get_recording(self, client, call: str):
		return client.get("/api/method/call_status_crm.api.get_recording", {"call": call})

	def assertRecordingRefused(self, url: str, message: str):
		"""An agent's call with this recording URL is refused (417, `message`) and nothing is written."""
		response = self.assertNothingWritten(
			lambda: self.post(
				self.agent,
				"log_call",
				call_status="busy",
				lead=self.lead,
				call_time=ago(4),
				recording_url=url,
			)
		)
		self.assertRefused(response, 417, message)

	def test_only_http_urls_are_kept(self):
		for url in (
			"javascript:alert(document.cookie)",
			"file:///etc/passwd",
			"ftp://x.example/a.mp3",
			"//x/a",
		):
			self.assertRecordingRefused(url, "is not an http or https address")
		self.log("https://media.example.com/rec/1.mp3")

	def test_twilio_and_exotel_recordings_stream_with_credentials_kept_on_the_server(self):
		for path in (TWILIO_PATH, EXOTEL_PATH):
			with self.stub_allowed():
				call = self.log(self.stub_url(path))
				response = self.get_recording(self.agent, call)
			self.assertEqual(response.status_code, 200, response.data[:300])
			self.assertEqual(response.data, AUDIO)
			self.assertEqual(response.headers["Content-Type"], "audio/mpeg")
			for secret in (TOKEN, EXOTEL_TOKEN):
				self.assertNotIn(secret.encode(), response.data)
				self.assertNotIn(secret, str(response.headers))
		self.assertEqual([hit[0] for hit in HITS], [TWILIO_PATH, EXOTEL_PATH])
		self.assertTrue(all(hit[1] and hit[1].startswith("Basic ") for hit in HITS))

	def test_private_addresses_are_never_saved_nor_fetched(self):
		for url in (
			self.stub_url(TWILIO_PATH),
			"http://localhost/a.mp3",
			"http://10.0.0.1/a.mp3",
			"http://[::1]/a",
		):
			self.assertRecordingRefused(url, "private network")
		with self.stub_allowed():
			call = self.log(self.stub_url(TWILIO_PATH))
		# saved while the stub was allowed, fetched after: refused, the stub never asked
		self.assertRefused(self.get_recording(self.agent, call), 417, "private network")
		with self.stub_allowed():  # the stub may be reached; where it redirects to may not
			call = self.log(self.stub_url("/redirect-private"))
			self.assertRefused(self.get_recording(self.agent, call), 417, "private network")
		self.assertEqual([hit[0] for hit in HITS], ["/redirect-private"])

	def test_every_address_of_the_host_is_checked(self):
		addresses = [(2, 1, 6, "", ("93.184.216.34", 443)), (2, 1, 6, "", ("10.0.0.7", 443))]
		with (
			patch("socket.getaddrinfo", return_value=addresses),
			self.assertRaises(recordings.RecordingHostRefusedError),
		):
			recordings.check_host("https://mixed.example.com/a.mp3")
		for url in ("http://169.254.169.254/latest/meta-data", "http://[::1]:8000/a", "http://[fd00::1]/a"):
			with self.assertRaises(recordings.RecordingHostRefusedError):
				recordings.check_host(url)

	def test_only_who_may_read_the_call_gets_it(self):
		with self.stub_allowed():
			call = self.log(self.stub_url(TWILIO_PATH))
			for client, status in ((self.agent_2, 403), (self.plain, 403), (self.guest, 403)):
				self.assertEqual(self.get_recording(client, call).status_code, status)
			self.assertEqual(self.get_recording(self.manager, call).status_code, 200)
		self.assertEqual(len(HITS), 1)  # the manager's only

	def test_the_form_and_timeline_play_it(self):
		public = self.log("https://media.example.com/rec/2.mp3")
		with self.stub_allowed():
			provider = self.log(self.stub_url(TWILIO_PATH))
			doc = frappe.get_doc("Lead Call Log", provider)
			doc.run_method("onload")
			self.assertEqual(
				doc.get_onload().recording_src,
				f"/api/method/call_status_crm.api.get_recording?call={provider}",
			)
			frappe.set_user(AGENT)
			lines = " ".join(line["content"] for line in get_timeline_content("Lead", self.lead))
		self.assertIn("<audio controls preload='none' src='https://media.example.com/rec/2.mp3'>", lines)
		self.assertIn(f"get_recording?call={provider}", lines)
		self.assertTrue(public)
		frappe.set_user(AGENT_2)  # not their calls: no line, no player
		self.assertEqual(get_timeline_content("Lead", self.lead), [])
