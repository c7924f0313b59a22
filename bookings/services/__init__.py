"""Booking rules, one module per concern: `status`, `arrivals` (check-in and the Today board),
`calendar` (the day calendar), `search` (quick search) and `listing` (one booking, the bookings
list).

Views call these functions; only these call LatePoint (through `api()`, which caches reads and
invalidates on writes). Import from the module that holds a name.
"""
