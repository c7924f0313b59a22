"""A customer's money on their profile in a real browser: the panel loads after the profile,
shows the no-show fee they owe, and the fee is paid with the keyboard alone; axe-core finds
nothing on the way. Screenshots at 1440 and 820 wide."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from bookings.services.status import booking_change_status
from tests.booking_slots import backdate, delete_bookings
from tests.checkout.conftest import order_payments
from tests.checkout.fee_bookings import customer_id_of, later_booking, spare_open_today
from tests.conftest import _taken
from tests.e2e.axe import assert_no_axe_violations

WIDTHS = (1440, 820)


@pytest.fixture
def no_show_with_fee(live_sandbox, settings, manager) -> tuple[int, int, int]:
    """(customer id, booking id, fee order id): a booking marked no-show through the front
    office with FRONTOFFICE_NO_SHOW_FEE at 25."""
    settings.FRONTOFFICE_NO_SHOW_FEE = Decimal("25")
    with live_sandbox.db() as conn:
        rows = conn.execute(
            "SELECT b.id, b.customer_id FROM sandbox_booking b JOIN sandbox_customer c "
            "ON c.id = b.customer_id WHERE b.status = 'approved' AND c.status = 'active' "
            # A past day's: only a booking that has begun may be marked a no-show.
            "AND b.start_date < date('now', '-1 day') ORDER BY b.id DESC LIMIT 400"
        ).fetchall()
    booking_id, customer_id = next(
        (r["id"], r["customer_id"]) for r in rows if r["id"] not in _taken
    )
    _taken.add(booking_id)
    outcome = booking_change_status(user=manager, booking_id=booking_id, to_status="no_show")
    assert outcome.done, outcome
    with live_sandbox.db() as conn:
        order_id = conn.execute(
            "SELECT id FROM sandbox_order WHERE confirmation_code = ?", (f"NSF-{booking_id}",)
        ).fetchone()["id"]
    return customer_id, booking_id, order_id


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def _tab_to(page: Page, element_id: str, *, most: int = 400) -> None:
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


def test_a_receptionist_sees_the_fee_owed_and_takes_it_with_the_keyboard(
    no_show_with_fee, as_receptionist: Page, app, live_sandbox, screenshot
):
    customer_id, _booking_id, order_id = no_show_with_fee
    page = as_receptionist
    page.goto(f"{app}/customers/{customer_id}/")

    money = page.get_by_role("region", name="Payments and balance")
    owed = money.locator(f'tr[data-order-id="{order_id}"]')
    expect(owed).to_contain_text("No-show fee")
    expect(owed).to_contain_text("$25.00")
    expect(
        money.get_by_role("table", name="Payment history").or_(
            money.get_by_text("No payments yet.")
        )
    ).to_be_visible()
    expect(money).to_contain_text("Owes $")
    assert_no_axe_violations(page, where="the profile's payments and balance")
    money.scroll_into_view_if_needed()
    _shots(page, screenshot, "profile-money-owed")

    page.locator("body").focus()
    _tab_to(page, f"pay-order-{order_id}")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{app}/customers/{customer_id}/fees/{order_id}/pay/")
    amount = page.get_by_label("Amount", exact=True)
    expect(amount).to_be_focused()
    expect(amount).to_have_value("25.00")
    assert_no_axe_violations(page, where="the fee's Take payment page")
    _shots(page, screenshot, "fee-take-payment")
    amount.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Cash")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Note (optional)")).to_be_focused()
    page.keyboard.type("Paid at the desk")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{app}/customers/{customer_id}/?money=1#customer-money")
    expect(page.get_by_role("status").filter(has_text="Took $25.00 in cash")).to_contain_text(
        "for the no-show fee. Paid in full."
    )
    money = page.get_by_role("region", name="Payments and balance")
    expect(money.locator(f'tr[data-order-id="{order_id}"]')).to_have_count(0)
    expect(money.get_by_role("table", name="Payment history")).to_contain_text("$25.00")
    stored = order_payments(live_sandbox, order_id)
    assert [(Decimal(str(p["amount"])), p["payment_method"]) for p in stored] == [
        (Decimal("25.00"), "cash")
    ]
    assert_no_axe_violations(page, where="the profile after the fee was paid")
    money.scroll_into_view_if_needed()
    _shots(page, screenshot, "profile-money-paid")


def test_a_bad_amount_is_said_beside_the_field_with_what_was_typed_kept(
    no_show_with_fee, as_receptionist: Page, app, screenshot
):
    customer_id, _booking_id, order_id = no_show_with_fee
    page = as_receptionist
    page.goto(f"{app}/customers/{customer_id}/fees/{order_id}/pay/")
    page.get_by_label("Amount", exact=True).fill("40")
    page.get_by_role("radio", name="Card").check()
    page.get_by_role("button", name="Take payment").click()

    amount = page.get_by_label("Amount", exact=True)
    expect(amount).to_have_value("40")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text("That is more than the $25.00 due. Enter at most $25.00.")
    ).to_be_visible()
    expect(page.get_by_role("radio", name="Card")).to_be_checked()
    assert_no_axe_violations(page, where="the fee's form with an error")
    _shots(page, screenshot, "fee-take-payment-error")


@pytest.fixture
def owes_and_arrives_today(live_sandbox, settings, manager):
    """(a booking of today to check in, its code): its customer was marked no-show on a later
    booking (made for the test, deleted afterwards) through the front office, with a no-show
    fee of 25."""
    settings.FRONTOFFICE_NO_SHOW_FEE = Decimal("25")
    today_id = spare_open_today(live_sandbox)
    later = later_booking(live_sandbox, customer_id_of(live_sandbox, today_id))
    backdate(live_sandbox, later)  # a no-show is for a visit that has begun
    outcome = booking_change_status(user=manager, booking_id=later, to_status="no_show")
    assert outcome.done, outcome
    with live_sandbox.db() as conn:
        code = conn.execute(
            "SELECT booking_code FROM sandbox_booking WHERE id = ?", (today_id,)
        ).fetchone()["booking_code"]
    yield today_id, code
    delete_bookings(live_sandbox, [later])


def test_checking_in_on_the_board_says_what_the_customer_owes(
    owes_and_arrives_today, as_receptionist: Page, app, screenshot
):
    booking_id, code = owes_and_arrives_today
    page = as_receptionist
    page.goto(app + "/")
    row = page.locator(f"#today-row-{booking_id}")
    expect(row).to_contain_text(code)

    row.get_by_role("button", name="Check in").click()

    messages = page.locator("#messages")
    expect(messages).to_contain_text(" checked in. Owes $25.00 (no-show fee, ")
    expect(page.locator(f"#today-row-{booking_id}")).to_contain_text("Checked in")
    screenshot("today-check-in-owes")
