from call_status_crm.calls import set_all_callback_times


def execute():
	set_all_callback_times()
