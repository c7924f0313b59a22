"""Checkout with the keyboard alone: from Today's Pay button on a completed visit to "Paid",
pressing only Tab, Space, Enter and typing; axe-core finds nothing on the way. Screenshots of
the booking page's money at 1440 and 820 wide, before and after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.checkout.conftest import booking_payment_status, order_payments, unpaid_booking
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import API

WIDTHS = (1440, 820)


@pytest.fixture
def completed_today(live_sandbox):
    """One of today's visits, completed with nothing paid (moved there through the API)."""
    visit = unpaid_booking(live_sandbox, "approved", "today")
    status, body = live_sandbox.request(
        "PUT", f"{API}/bookings/{visit.id}", {"status": "completed"}
    )
    assert status == 200, body
    return visit


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def _tab_to(page: Page, element_id: str, *, most: int = 600) -> None:
    """Press Tab until the element is focused (the way a keyboard user gets there)."""
    for _ in range(most):
        if _focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def _shots(page: Page, screenshot, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1180, "height": 820})


def test_a_receptionist_checks_out_a_visit_with_the_keyboard(
    completed_today, as_receptionist: Page, app, live_sandbox, screenshot
):
    """The visit is completed before the receptionist signs in (and the board is read)."""
    page = as_receptionist
    visit = completed_today
    page.goto(app + "/")
    pay = page.locator(f"#pay-{visit.id}")
    expect(pay).to_contain_text("Pay")

    # From the top of the board to the row's Pay button, then Enter.
    page.locator("body").focus()
    _tab_to(page, f"pay-{visit.id}")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{app}/bookings/{visit.id}/?pay=1#take-payment")
    amount = page.get_by_label("Amount", exact=True)
    expect(amount).to_be_focused()
    expect(amount).to_have_value(f"{visit.due:.2f}")
    money = page.get_by_role("region", name="Price and payment")
    expect(money).to_contain_text("Not paid")
    expect(page.get_by_role("region", name="Payments and refunds")).to_contain_text(
        "Nothing paid yet."
    )
    assert_no_axe_violations(page, where="the booking page with Take payment")
    _shots(page, screenshot, "checkout-take-payment")
    amount.focus()  # the screenshots moved nothing, but say where the keyboard was

    # The amount is the balance already: Tab to the methods, Space picks Cash, a note typed.
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Cash")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Cash")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Tip (optional)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Note (optional)")).to_be_focused()
    page.keyboard.type("Paid at the desk")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Take payment")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{app}/bookings/{visit.id}/")
    expect(page.locator("#messages")).to_contain_text(
        f"Took ${visit.due:,.2f} in cash. Paid in full."
    )
    expect(money.locator("#payment-state")).to_have_text("Paid")
    payments = page.get_by_role("region", name="Payments and refunds")
    expect(payments.get_by_role("row")).to_have_count(2)
    expect(payments).to_contain_text("Paid at the desk")
    expect(payments).to_contain_text("Rita")
    expect(page.get_by_label("Amount", exact=True)).to_have_count(0)
    stored = order_payments(live_sandbox, visit.order_id)
    assert [Decimal(str(p["amount"])) for p in stored] == [visit.due]
    assert booking_payment_status(live_sandbox, visit.id) == "paid"
    assert_no_axe_violations(page, where="the booking page after payment")
    _shots(page, screenshot, "checkout-paid")

    # Back on Today, the row no longer asks for payment.
    page.goto(app + "/")
    expect(page.locator(f"#today-row-{visit.id}")).to_be_visible()
    expect(page.locator(f"#pay-{visit.id}")).to_have_count(0)


def test_a_manager_sees_the_refund_form_and_axe_finds_nothing(
    as_manager: Page, app, live_sandbox, screenshot
):
    visit = unpaid_booking(live_sandbox)
    status, body = live_sandbox.request(
        "POST",
        f"{API}/payments",
        {"order_id": visit.order_id, "amount": str(visit.due), "payment_method": "cash"},
    )
    assert status == 200, body
    page = as_manager
    page.goto(f"{app}/bookings/{visit.id}/")
    payments = page.get_by_role("region", name="Payments and refunds")
    expect(payments).to_contain_text("in LatePoint")  # not taken through the front office

    payments.get_by_role("link", name="Refund…").click()
    amount = page.get_by_label("Amount to refund")
    expect(amount).to_be_focused()
    expect(amount).to_have_value(f"{visit.due:.2f}")
    expect(page.get_by_role("radio", name="Cash").last).to_be_checked()
    assert_no_axe_violations(page, where="the booking page with the refund form open")
    _shots(page, screenshot, "checkout-refund-form")
