"""The local LatePoint sandbox that demo mode and the tests talk to (`make run` starts it).

Plain constants with no imports: settings, the test settings and the test fixtures read them
before Django is configured. scripts/run.sh passes the same key to the sandbox process.
"""

SANDBOX_API_KEY = "lp_test_frontoffice_sandbox"
SANDBOX_API_URL = "http://127.0.0.1:8001/wp-json/latepoint-api/v1"
