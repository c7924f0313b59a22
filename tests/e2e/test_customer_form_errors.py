"""A refused customer save brings the user to what needs fixing: the focus lands on an error
summary at the top of the form, and each of its links leads to its field. A possible duplicate
is said the same way, before anything is created."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import new_customer


def _fill_with_two_mistakes(page: Page) -> None:
    page.get_by_label("First name").fill("J")
    page.get_by_label("Last name").fill("Doe")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Notes").fill("Walk-in, asked about evening times.")


def _summary_has_the_focus(page: Page) -> None:
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#id_first_name")
    expect(summary.get_by_role("link").last).to_have_attribute("href", "#id_email")


@pytest.mark.parametrize("width", [1440, 820])
def test_htmx_save_refused_focuses_the_summary_and_its_links_focus_the_fields(
    as_receptionist: Page, app, screenshot, width
):
    page = as_receptionist
    page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 1180})
    page.goto(app + "/customers/new/")
    _fill_with_two_mistakes(page)
    create = page.get_by_role("button", name="Create customer")
    create.scroll_into_view_if_needed()
    create.click()  # the form is swapped in by htmx, down where the user had scrolled to

    _summary_has_the_focus(page)
    assert page.evaluate("window.scrollY") < 200  # the page's heading is back in view
    screenshot(f"customer-new-error-summary-{width}")

    # By keyboard: Tab from the summary reaches its first link, Enter goes to the field.
    page.keyboard.press("Tab")
    expect(page.locator("#form-errors").get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("First name")).to_be_focused()
    expect(page.locator("label[for=id_first_name]")).to_be_in_viewport()

    # By a tap: the email link focuses the email field; typed values are all still there.
    page.locator("#form-errors").get_by_role("link", name=re.compile(r"^Email: ")).click()
    expect(page.get_by_label("Email")).to_be_focused()
    expect(page.get_by_label("Email")).to_have_value("not-an-email")
    expect(page.get_by_label("Notes")).to_have_value("Walk-in, asked about evening times.")


def test_plain_post_refused_focuses_the_summary(as_receptionist: Page, app):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/customers/new/")
    _fill_with_two_mistakes(page)
    # form.submit() skips the submit event, so htmx stays out: a plain POST and a new page.
    with page.expect_navigation():
        page.evaluate("document.getElementById('customer-form').submit()")

    _summary_has_the_focus(page)
    page.locator("#form-errors").get_by_role("link", name=re.compile(r"^Email: ")).click()
    expect(page.get_by_label("Email")).to_be_focused()


def test_a_possible_duplicate_is_shown_before_anything_is_created(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.set_viewport_size({"width": 1440, "height": 900})
    last = "Duplessis-" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:6])
    other = new_customer(live_sandbox, first_name="Rosa", last_name=last, phone="+1 512 544 2223")
    page.goto(app + "/customers/new/")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(f"rosa.{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Phone").fill("(512) 544-2223")
    page.get_by_label("Notes").fill("Says she has never been here.")
    page.get_by_role("button", name="Create customer").click()

    warning = page.locator("#duplicate-warning")
    expect(warning).to_be_focused()
    expect(warning.get_by_role("link", name=f"Rosa {last}")).to_have_attribute(
        "href", f"/customers/{other['id']}/"
    )
    expect(page.get_by_label("Notes")).to_have_value("Says she has never been here.")
    expect(page).to_have_url(app + "/customers/new/")
    screenshot("customer-new-possible-duplicate")

    warning.get_by_role("button", name="Create anyway").click()
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    assert not page.url.endswith(f"/customers/{other['id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Rosa {last}")
