"""Small things users notice: the product's name and icon on the sign-in page, an icon that
every page finds, and a booking page with one primary button and phones written as elsewhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, sign_in


def test_sign_in_names_the_product_and_every_icon_is_found(
    page: Page, app, receptionist, screenshot
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(app + "/accounts/login/")
    expect(page.locator(".sign-in-product")).to_have_text("LatePoint Front Office")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot("sign-in")

    sign_in(page, app, receptionist.username)
    page.goto(app + "/customers/")
    for href in page.locator("link[rel=icon]").evaluate_all("links => links.map(l => l.href)"):
        assert page.request.get(href).ok, href
    icon = page.request.get(app + "/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/x-icon"
    assert not problems, problems


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (820, 1180)])
def test_a_booking_page_has_one_primary_button(
    as_receptionist: Page, app, take_booking, width, height
):
    page = as_receptionist
    page.set_viewport_size({"width": width, "height": height})
    booking_id = take_booking("approved", "today")
    page.goto(f"{app}/bookings/{booking_id}/")
    main = page.locator("main")
    expect(main.locator("button.primary, a.button.primary")).to_have_count(1)
    expect(main.locator("button.primary")).to_have_text("Check in")
    expect(main.locator("button.primary", has_text="Complete")).to_have_count(0)
    phone = page.locator(".booking-detail dd a[href^='tel:']").first
    if phone.count():
        # The business's region in its national format, any other internationally.
        expect(phone).to_have_text(re.compile(r"^(\(\d{3}\) \d{3}-\d{4}|\+\d{1,3} [\d ()-]+)$"))
    page.screenshot(path=str(SCREENSHOTS / f"booking-detail-{width}-screen.png"))
