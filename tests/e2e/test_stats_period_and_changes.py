"""The manager's stats: a new period applies as soon as it is chosen, From and To show only for
custom dates, each change says (in words and colour) whether it is good news, and the charts'
labels are readable (12 px or more, AA contrast) on a desk screen and a portrait tablet."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, wait_until

GREEN = "rgb(6, 118, 71)"  # --ok
RED = "rgb(180, 35, 24)"  # --danger

# Each chart label: its size on screen (its font size times the SVG's scale), its colour.
CHART_LABELS = """Array.from(document.querySelectorAll('#stats-dashboard svg text'), t => {
    const style = getComputedStyle(t);
    return [t.textContent.trim(), parseFloat(style.fontSize) * t.getScreenCTM().a, style.fill];
})"""


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(n) for n in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def visible_text(locator) -> str:
    """The text a sighted user reads (without the words only screen readers get)."""
    return locator.evaluate(
        """e => { const c = e.cloneNode(true);
                 c.querySelectorAll('.sr-only').forEach(s => s.remove());
                 return c.textContent.trim(); }"""
    )


def contrast_on_white(rgb: str) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def test_a_period_applies_when_chosen_and_dates_show_for_custom_only(as_manager: Page, app):
    page = as_manager
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app + "/stats/")
    expect(page.locator(".stats-period")).to_contain_text("Last 30 days:")
    expect(page.get_by_label("From")).to_be_hidden()
    expect(page.get_by_label("To", exact=True)).to_be_hidden()

    page.get_by_label("Period").focus()
    page.get_by_label("Period").select_option("90d")  # no "Show" pressed
    expect(page.locator(".stats-period")).to_contain_text("Last 90 days:", timeout=30_000)
    expect(page).to_have_url(re.compile(r"period=90d"))
    expect(page.get_by_label("Period")).to_be_focused()  # still where the manager was

    page.get_by_label("Period").select_option("custom")
    expect(page.get_by_label("From")).to_be_visible()
    expect(page.get_by_label("To", exact=True)).to_be_visible()
    expect(page.locator(".stats-period")).to_contain_text("Custom dates:")
    # The switch to custom dates has been answered (its answer redraws the date fields).
    expect(page).to_have_url(re.compile(r"period=custom"), timeout=30_000)
    expect(page.locator("#stats-dashboard.htmx-request, .htmx-request")).to_have_count(0)
    # A new date applies too: a week up to the To date.
    end = date.fromisoformat(page.get_by_label("To", exact=True).input_value())
    start = (end - timedelta(days=6)).isoformat()
    page.get_by_label("From").fill(start)
    expect(page).to_have_url(re.compile(rf"date_from={start}"), timeout=30_000)
    expect(page.locator(".stats-period")).to_contain_text("(7 days)", timeout=30_000)
    expect(page.get_by_label("From")).to_be_visible()

    page.get_by_label("Period").select_option("week")
    expect(page.get_by_label("From")).to_be_hidden()
    expect(page.locator(".stats-period")).to_contain_text("This week:", timeout=30_000)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (820, 1180)])
def test_changes_say_better_or_worse_and_chart_labels_are_readable(
    synced_history, as_manager: Page, app, screenshot, width, height
):
    page = as_manager
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app + "/stats/?period=90d")
    expect(page.locator("#figure-bookings")).to_be_visible()

    changes = page.locator("#stats-dashboard .stats-change")
    said = 0
    for index in range(changes.count()):
        change = changes.nth(index)
        text = visible_text(change)
        colour = change.evaluate("e => getComputedStyle(e).color")
        if "(worse)" in text:
            assert colour == RED, (text, colour)
        elif "(better)" in text:
            assert colour == GREEN, (text, colour)
        else:
            assert colour not in (RED, GREEN), (text, colour)  # no colour without the words
            continue
        said += 1
        assert re.match(r"^[▲▼] \d", text), text
    assert said, "no change said whether it is good news"
    # A rising no-show rate is bad news, a rising revenue good news.
    for key, rising, falling in (
        ("no_show_rate", "worse", "better"),
        ("cancellation_rate", "worse", "better"),
        ("revenue", "better", "worse"),
        ("bookings", "better", "worse"),
    ):
        text = visible_text(page.locator(f"#figure-{key} .stats-change"))
        if text.startswith("▲"):
            assert text.endswith(f"({rising})"), (key, text)
        elif text.startswith("▼"):
            assert text.endswith(f"({falling})"), (key, text)

    wait_until(page, "document.querySelectorAll('#stats-dashboard svg text').length > 5")
    labels = page.evaluate(CHART_LABELS)
    assert labels
    for text, size, fill in labels:
        assert size >= 12, (text, size)
        assert contrast_on_white(fill) >= 4.5, (text, fill)
    screenshot(f"stats-{width}")
    page.screenshot(path=str(SCREENSHOTS / f"stats-{width}-screen.png"))
