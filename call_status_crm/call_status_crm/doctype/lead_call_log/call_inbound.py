"""Inbound calls (DESIGN.md §10): unknown callers and recordings. A mixin of the Lead Call Log controller;
the rules live in `core.unknown_callers` / `core.recordings`, the work in the `unknown_callers` and
`recordings` services."""

from call_status_crm import recordings, unknown_callers


class CallInbound:
	"""Inbound steps of a Lead Call Log (the controller's `validate` and `on_update` run them)."""

	def create_lead_for_unknown_caller(self):
		"""`create_lead_for_unknown_callers`: an unknown inbound caller gets a Lead (one per number)."""
		lead = unknown_callers.lead_for_unknown_caller(self)
		if lead:
			self.lead = lead
			self.flags.lead_write_checked = lead  # made (or found under the number's lock) by the app
			self.flags.adopt_unknown_calls = True

	def set_unknown_caller(self):
		self.unknown_caller = int(unknown_callers.is_unknown_caller(self))

	def onload(self):
		# the form's audio player: the URL itself, or the app's `get_recording` for a provider's (§10)
		self.set_onload("recording_src", recordings.player_src(self.name, self.recording_url))

	def validate_recording_url(self):
		if self.recording_url and self.value_changed("recording_url"):
			recordings.validate_recording_url(self.recording_url)

	def after_inbound_update(self):
		"""The Lead made for an unknown caller takes the number's earlier lead-less calls; a lead-less
		call back marks the unknown caller's missed calls called back."""
		if self.flags.pop("adopt_unknown_calls", None) and self.lead:
			unknown_callers.adopt_calls(self.lead, self.phone_key, exclude=self.name)
		if not self.lead and self.direction == "Outgoing":
			unknown_callers.update_unknown_callback_times(self)
