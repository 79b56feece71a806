from call_status_crm.call_status_crm.doctype.lead_call_log.lead_call_log import set_all_callback_times


def execute():
	set_all_callback_times()
