"""The local LatePoint sandbox that demo mode and the tests talk to (`make run` starts it).

Plain constants with no imports: settings, the test settings and the test fixtures read them
before Django is configured. scripts/run.sh passes the same key to the sandbox process.
"""

SANDBOX_API_KEY = "lp_test_frontoffice_sandbox"
SANDBOX_API_URL = "http://127.0.0.1:8001/wp-json/latepoint-api/v1"

#: The sandbox's seeded agents' working hours (sandbox/schedule.py), as FRONTOFFICE_AGENT_HOURS
#: says them: demo mode's default, so the week shows each agent's days off.
SANDBOX_AGENT_HOURS = (
    "1: Mon-Fri 08:00-12:00 13:00-17:00; "
    "2: Mon Tue Thu Fri Sat 09:00-13:00 14:00-18:00; "
    "3: Mon-Thu 08:30-12:30 13:30-17:30; "
    "4: Tue-Sat 10:00-14:00 14:30-19:00; "
    "5: Mon Wed-Sat 09:00-12:30 13:30-18:00; "
    "6: Mon-Wed Fri 08:00-12:00 12:45-16:00"
)
