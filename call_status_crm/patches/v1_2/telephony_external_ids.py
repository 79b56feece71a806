import frappe

from call_status_crm.core.access import TELEPHONY_ID_PREFIX


def execute():
	"""The telephony bridge's external ids get a space of their own (`telephony:<Call Log>`): before
	v1.2 a bridged call's id was the Call Log's bare name, which a Call Log named like an agent's or an
	integration's id shared with that call. One statement."""
	frappe.db.sql(
		"""UPDATE `tabLead Call Log` call_log
		JOIN `tabCall Log` telephony ON telephony.name = call_log.external_id
		SET call_log.external_id = CONCAT(%(prefix)s, call_log.external_id)
		WHERE call_log.source = 'Telephony'""",
		{"prefix": TELEPHONY_ID_PREFIX},
	)
