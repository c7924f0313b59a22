"""The customer list fits the screen at the desk (1440 px) and on a portrait tablet (820 px):
no column off screen, no sideways scrolling, names on one line."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS

SIZES = {
    "table": "document.querySelector('table.customer-table').scrollWidth",
    "wrap": "document.querySelector('#customer-table .table-wrap').clientWidth",
    "page": "document.documentElement.scrollWidth",
    "window": "window.innerWidth",
}
# How many lines each customer's name takes, at most.
NAME_LINES = """Math.max(...Array.from(
    document.querySelectorAll('table.customer-table td > a:first-child'),
    a => { const s = getComputedStyle(a);
           const text = a.getBoundingClientRect().height
                        - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
           return Math.round(text / parseFloat(s.lineHeight)); }))"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (820, 1180)])
def test_the_customer_table_fits_the_screen(as_receptionist: Page, app, screenshot, width, height):
    page = as_receptionist
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app + "/customers/?per_page=50")
    table = page.locator("table.customer-table")
    expect(table).to_be_visible()

    sizes = {name: page.evaluate(expression) for name, expression in SIZES.items()}
    assert sizes["table"] <= sizes["wrap"], sizes  # nothing to scroll to inside the table
    assert sizes["page"] <= sizes["window"], sizes  # nor on the page
    for header in ("Customer", "Status", "Last booking", "Next booking"):
        expect(table.get_by_role("columnheader", name=header)).to_be_in_viewport()
    assert page.evaluate(NAME_LINES) <= 1, "a name wraps"
    screenshot(f"customers-list-{width}")
    # What the screen shows before any scrolling, for a person to judge at that size.
    page.screenshot(path=str(SCREENSHOTS / f"customers-list-{width}-screen.png"))
