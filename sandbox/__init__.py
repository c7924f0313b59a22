"""The LatePoint API sandbox: a separate Django project that speaks the documented API.

It runs as its own process (`python -m sandbox ...`, `gunicorn sandbox.wsgi:application`)
with its own SQLite database. The front office never imports it.
"""
