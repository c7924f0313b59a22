"""In a real browser, with the Content-Security-Policy enforced: every main screen works without
a single violation, htmx injects no <style>, and the seeded script customer never runs code."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from audit.models import AuditEntry
from audit.services import audit_record
from tests.e2e.conftest import sign_in, wait_until_settled

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}`);
});
"""
API = "/wp-json/latepoint-api/v1"


def _hostile_ids(sandbox) -> tuple[int, int]:
    with sandbox.db() as conn:
        customer = conn.execute(
            "SELECT id FROM sandbox_customer WHERE email = 'script.test@example.com'"
        ).fetchone()
        booking = conn.execute(
            "SELECT id FROM sandbox_booking WHERE customer_id = ? ORDER BY id LIMIT 1",
            (customer["id"],),
        ).fetchone()
    return customer["id"], booking["id"]


def test_screens_run_under_the_csp_without_violations(
    page: Page, app, live_sandbox, manager, receptionist, screenshot
):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console_csp: list[str] = []
    page.on(
        "console",
        lambda msg: console_csp.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(WATCH)
    customer_id, booking_id = _hostile_ids(live_sandbox)
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        summary="Edited phone",
        changes={"phone": {"before": "+1 212 555 0100", "after": "+1 212 555 0199"}},
    )
    audit_record(
        user=manager,
        action=AuditEntry.Action.CUSTOMER_STATUS,
        object_type="customer",
        object_id=customer_id,
        customer_id=customer_id,
        summary="Status active → blocked",
        changes={"status": {"before": "active", "after": "blocked"}},
        result=AuditEntry.Result.FAILED,
        error="LatePoint could not be reached. Check the connection and try again.",
    )
    audit_record(user=manager, action=AuditEntry.Action.EXPORT, summary="Exported 500 customers")
    sign_in(page, app, manager.username)
    screens = [
        "/",
        "/customers/?q=script.test%40example.com",
        f"/customers/{customer_id}/",
        f"/customers/{customer_id}/edit/",
        "/customers/new/",
        "/bookings/",
        f"/bookings/{booking_id}/",
        "/stats/",
        "/audit/",
    ]
    problems: list[str] = []
    for path in screens:
        response = page.goto(app + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp, path
        wait_until_settled(page)
        # htmx has started (its config is read) and added no <style> of its own.
        assert page.evaluate("typeof window.htmx") == "object", path
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False, path
        assert page.evaluate("document.querySelectorAll('style').length") == 0, path
        problems += [f"{path}: {v}" for v in page.evaluate("window.__cspViolations")]
    # An htmx swap under the CSP: filter the audit trail.
    page.goto(app + "/audit/")
    screenshot("audit-trail")
    page.get_by_label("Action").select_option("export")
    expect(page).to_have_url(
        app + "/audit/?person=&action=export&result=&date_from=&date_to=&customer="
    )
    wait_until_settled(page)
    problems += [f"audit filter: {v}" for v in page.evaluate("window.__cspViolations")]
    expect(page.locator("#audit-table")).to_contain_text("Exported 500 customers")
    expect(page.locator("#audit-table")).not_to_contain_text("Edited phone")
    screenshot("audit-trail-filtered")
    assert not problems, "\n".join(problems)
    assert console_csp == []
    assert dialogs == [], f"script from upstream data ran: {dialogs}"
