# Copyright (c) 2026, call_status_crm developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from call_status_crm.do_not_call import CAMPAIGN, GLOBAL, entry_name, number_key, stamp
from call_status_crm.leads import site_phone_key


class DuplicateDoNotCallError(frappe.ValidationError):
	pass


class DoNotCall(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		added_by: DF.Link | None
		added_on: DF.Datetime | None
		call: DF.Link | None
		campaign: DF.Link | None
		phone: DF.Data
		phone_key: DF.Data | None
		reason: DF.SmallText | None
		scope: DF.Literal["Global", "Campaign"]
		source: DF.Literal["Manual", "Call Status", "Lead Status", "Import"]
	# end: auto-generated types

	def autoname(self):
		self.set_phone_key()
		self.name = entry_name(self.phone_key, self.scope, self.campaign)

	def before_insert(self):
		stamp(self)

	def validate(self):
		self.keep_stamps()
		self.set_phone_key()
		self.validate_scope()
		if self.is_new():
			self.validate_not_listed()

	def keep_stamps(self):
		"""Who listed the number, when and from which call stay as the app set them."""
		before = self.get_doc_before_save()
		if before:
			for fieldname in ("added_by", "added_on", "call"):
				self.set(fieldname, before.get(fieldname))

	def set_phone_key(self):
		"""The number as the app's one phone key; a malformed number is refused, naming it."""
		self.phone = (self.phone or "").strip()
		if self.flags.number_checked:
			self.phone_key = self.phone_key or site_phone_key(self.phone)
			return
		self.phone_key = number_key(self.phone)

	def validate_scope(self):
		self.scope = self.scope or GLOBAL
		if self.scope == GLOBAL:
			self.campaign = None
		elif not self.campaign:
			frappe.throw(
				_("Do Not Call {0}: a Campaign entry needs its campaign.").format(frappe.bold(self.phone)),
				exc=frappe.MandatoryError,
				title=_("Missing Campaign"),
			)

	def validate_not_listed(self):
		if frappe.db.exists("Do Not Call", entry_name(self.phone_key, self.scope, self.campaign)):
			where = (
				_("for campaign {0}").format(frappe.bold(self.campaign))
				if self.scope == CAMPAIGN
				else _("for everyone")
			)
			frappe.throw(
				_("{0} is already on the Do Not Call list {1}.").format(frappe.bold(self.phone), where),
				exc=DuplicateDoNotCallError,
				title=_("Already Listed"),
			)
