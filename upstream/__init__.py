"""The one way to LatePoint.

- `gateway`: cached reads and budgeted walks (`api()`), the only code that calls the client;
- `budget`: the API key's shared request budget, by class (desk, manager, background);
- `writes`: the record lock, send-once tokens, read-back and the `Outcome` of every write;
- `failures`: one description of a LatePoint failure, and what "may have landed" means;
- `metrics`: the calls and time each response spent upstream (Server-Timing).

Only services use `gateway` and `writes`' sending; views see outcomes and failures only.
"""
