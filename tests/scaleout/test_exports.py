"""A CSV export on several processes: asked for through one, written by the `run_huey`
consumer from the stack's queue (Redis, or SQLite beside the database), followed and downloaded
through the other."""

from __future__ import annotations

import csv
import io
import re
import time

from tests.scaleout.conftest import MANAGER, sign_in, upstream_calls

API = "/wp-json/latepoint-api/v1"


def test_an_export_asked_through_one_process_is_written_by_the_worker(
    stack, huey_consumer, sandbox
):
    status, body = sandbox.request("GET", f"{API}/customers?status=active&per_page=1")
    assert status == 200, body
    expected = int(body["pagination"]["total"])
    manager = sign_in(stack.a, MANAGER)
    page = manager.get(stack.a.url + "/customers/?status=active", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    started = manager.post(
        stack.a.url + "/exports/start/",
        data={"kind": "customers", "query": "status=active", "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert started.status_code == 302, started.text[:500]
    assert upstream_calls(started) == 0  # the worker reads LatePoint, not the request
    job_url = stack.b.url + started.headers["Location"]

    deadline = time.monotonic() + 60
    while True:
        shown = manager.get(job_url, headers={"HX-Request": "true"}, timeout=30)
        assert shown.status_code == 200
        if "Ready:" in shown.text or "The export stopped" in shown.text:
            break
        assert huey_consumer.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, "the export did not finish within 60 s"
        time.sleep(0.3)
    assert f"Ready:</strong> {expected} rows." in shown.text

    download = manager.get(job_url + "download/", timeout=30)
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == expected
    assert {row["status"] for row in rows} == {"active"}
    assert upstream_calls(download) == 0
    manager.close()
