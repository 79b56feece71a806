"""Pure-Python rules of call_status_crm.

Nothing in this package imports Frappe: the unit tier tests it with plain pytest, and the
controllers, hooks, jobs and reports call it so that each rule has one home.
"""
