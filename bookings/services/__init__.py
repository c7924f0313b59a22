"""Booking rules, one module per concern:

- `booking` (a new booking, a walk-in, "book again"), `free_times`, `moving` (a move under the
  booking's lock, with the conflict check) and `status` (status changes): every write returns
  an `upstream.writes.Outcome`;
- `arrivals` (check-in and the Today board) and `badges` (risk from the local history);
- `calendar`, `calendar_types` and `calendar_layout` (the day calendar);
- `search` (quick search) and `listing` (one booking, the bookings list).

Views call these functions; only these call LatePoint (through `upstream.gateway.api()`, which
caches reads and invalidates on writes). Import from the module that holds a name.
"""
