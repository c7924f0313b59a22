"""The front-desk tablet: every main screen fits an 820x1180 portrait tablet (no sideways page
scrolling, no table that must be scrolled sideways, the main heading in view, 44px touch
targets), and the keyboard works: a skip link, the nav and the first control are reachable with
a visible focus ring, "/" finds the search box, and no htmx swap (filters, paging, check-in)
drops the focus to <body>. Every control, table, chip and chart has a name a screen reader reads.
Each screen is saved as test-artifacts/screenshots/tablet-<screen>.png for a person to look at."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from audit.models import AuditEntry
from audit.services import audit_record
from tests.e2e.conftest import wait_until, wait_until_settled

PORTRAIT = {"width": 820, "height": 1180}
LANDSCAPE = {"width": 1180, "height": 820}
NEXT = re.compile(r"^Next\b")  # the pagination link, "Next" and an arrow

# name, path (with the ids of rich_records filled in), who looks at it at work
SCREENS = [
    ("today", "/", "receptionist"),
    ("customers", "/customers/", "receptionist"),
    ("customer-profile", "/customers/{customer}/", "receptionist"),
    ("customer-edit", "/customers/{customer}/edit/", "receptionist"),
    ("customer-new", "/customers/new/", "receptionist"),
    ("bookings", "/bookings/", "receptionist"),
    ("booking-detail", "/bookings/{booking}/", "receptionist"),
    ("booking-actions", "/bookings/{upcoming}/", "receptionist"),
    ("booking-cancel", "/bookings/{upcoming}/status/?to_status=cancelled", "receptionist"),
    ("customer-blocked", "/customers/{blocked}/", "receptionist"),
    ("stats", "/stats/", "manager"),
    ("audit", "/audit/", "manager"),
]

# What a screen must not do on the tablet, measured in the page itself.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const name = (el) => {
    const tag = el.id ? "#" + el.id : el.tagName.toLowerCase();
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return `${tag}${classes} "${text.slice(0, 40)}"`;
  };
  // Template code that did not render shows as text.
  for (const token of ["{%", "{{", "{#"]) {
    if (document.body.innerText.includes(token)) {
      problems.push(`the page shows template code "${token}"`);
    }
  }
  // A table that has to be scrolled sideways hides columns from a receptionist.
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    if (!shown(wrap)) continue;
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      const table = name(wrap.querySelector("table") || wrap);
      problems.push(`table ${table} needs ${wrap.scrollWidth}px in ${wrap.clientWidth}px`);
    }
  }
  // Touch targets: buttons, button-like links, form controls and tabs at least 44px high.
  const targets = document.querySelectorAll(
    "button, .button, select, textarea, [role=tab], .nav a, summary, " +
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
  );
  for (const el of targets) {
    if (!shown(el) || el.closest(".sr-only")) continue;
    const box = el.getBoundingClientRect();
    if (box.height < 43.5) problems.push(`${name(el)} is ${Math.round(box.height)}px high`);
  }
  // Nothing sticks out of the card it sits in.
  for (const card of document.querySelectorAll(".card")) {
    if (!shown(card)) continue;
    const edge = card.getBoundingClientRect().right;
    const inside = card.querySelectorAll("input, select, textarea, button, .button, table, dl");
    for (const child of inside) {
      if (!shown(child) || child.closest(".table-wrap")) continue;
      if (child.getBoundingClientRect().right > edge + 1) {
        problems.push(`${name(child)} sticks out of its card`);
      }
    }
  }
  return problems;
}
"""


@pytest.fixture
def rich_records(live_sandbox, manager, receptionist) -> dict[str, int]:
    """The seeded customer with the most on their profile, their fullest booking, an approved
    booking of theirs still ahead, and a few audit entries: every screen shows long real content."""
    with live_sandbox.db() as db:
        customer = db.execute(
            "SELECT id FROM sandbox_customer WHERE email = 'anne-marie.obrien@example.com'"
        ).fetchone()["id"]
        booking = db.execute(
            "SELECT id FROM sandbox_booking WHERE customer_id = ? ORDER BY"
            " length(transactions) + length(service_extras) + length(notes)"
            " + length(coalesce(customer_comment, '')) DESC, id LIMIT 1",
            (customer,),
        ).fetchone()["id"]
        blocked = db.execute(
            "SELECT id FROM sandbox_customer WHERE email = 'zoe.dangelo@example.com'"
        ).fetchone()["id"]
        # An approved booking still ahead: its page offers check-in and the status actions.
        upcoming = db.execute(
            "SELECT id FROM sandbox_booking WHERE customer_id = ? AND status = 'approved'"
            " AND start_at >= ? ORDER BY start_at, id LIMIT 1",
            (customer, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ).fetchone()["id"]
    audit_record(
        user=receptionist,
        action=AuditEntry.Action.CUSTOMER_UPDATE,
        object_type="customer",
        object_id=customer,
        customer_id=customer,
        summary="Edited contact details",
        changes={
            "phone": {"before": "+1 212 555 0100", "after": "+1 212 555 0199"},
            "email": {
                "before": "anne-marie.obrien@example.com",
                "after": "anne-marie.obrien.with.a.much.longer.address@example.com",
            },
        },
    )
    audit_record(
        user=manager,
        action=AuditEntry.Action.CUSTOMER_STATUS,
        object_type="customer",
        object_id=customer,
        customer_id=customer,
        summary="Status active → blocked",
        changes={"status": {"before": "active", "after": "blocked"}},
        result=AuditEntry.Result.FAILED,
        error="LatePoint could not be reached. Check the connection and try again.",
    )
    return {"customer": customer, "booking": booking, "upcoming": upcoming, "blocked": blocked}


@pytest.mark.parametrize(("screen", "path", "role"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen_fits_a_portrait_tablet(
    page: Page, app, request, rich_records, screen, path, role, screenshot
):
    page.set_viewport_size(PORTRAIT)
    if screen == "stats":
        request.getfixturevalue("synced_history")
    request.getfixturevalue(f"as_{role}")
    response = page.goto(app + path.format(**rich_records))
    assert response is not None and response.ok, response and response.status
    wait_until_settled(page)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()
    problems = page.evaluate(LAYOUT_PROBLEMS)
    screenshot(f"tablet-{screen}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("screen", "path", "role"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen_fits_a_landscape_tablet(
    page: Page, app, request, rich_records, screen, path, role, screenshot
):
    page.set_viewport_size(LANDSCAPE)
    if screen == "stats":
        request.getfixturevalue("synced_history")
    request.getfixturevalue(f"as_{role}")
    response = page.goto(app + path.format(**rich_records))
    assert response is not None and response.ok, response and response.status
    wait_until_settled(page)

    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    problems = page.evaluate(LAYOUT_PROBLEMS)
    screenshot(f"tablet-landscape-{screen}")
    assert problems == [], "\n".join(problems)


# --- keyboard ------------------------------------------------------------------------------

# The focused element shows a ring: it matches :focus-visible and draws an outline or a shadow.
# Read from document.activeElement and retried, so a swap that replaces the element is waited out.
FOCUS_RING = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.matches(":focus-visible")) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== "none";
  return outline || shadow;
}
"""


def _tab_to(page: Page, locator, limit: int = 40) -> int:
    """Press Tab until the locator's element has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("(el) => el === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} not reached in {limit} presses of Tab")


def _focused_with_ring(locator) -> None:
    expect(locator).to_be_focused()
    expect(locator).to_be_visible()
    try:
        wait_until(locator.page, f"({FOCUS_RING.strip()})()")
    except AssertionError:
        raise AssertionError(f"{locator} has the focus but no visible focus ring") from None


def test_tabbing_from_the_top_reaches_skip_link_nav_and_first_control(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.set_viewport_size(PORTRAIT)
    page.goto(app + "/")
    wait_until_settled(page)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    _focused_with_ring(skip)
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link shows off screen"
    screenshot("tablet-focus-skip-link")

    nav = page.get_by_role("navigation", name="Main")
    for link in ("Front office", "Today", "Calendar", "Customers", "Bookings"):
        page.keyboard.press("Tab")
        _focused_with_ring(nav.get_by_role("link", name=link, exact=True))
    screenshot("tablet-focus-nav")

    _tab_to(page, page.get_by_role("button", name="Sign out"))
    # The day's actions come first on the page: a walk-in, a new booking; then the search.
    _tab_to(page, page.get_by_role("link", name="Walk-in"))
    _focused_with_ring(page.get_by_role("link", name="Walk-in"))
    page.keyboard.press("Tab")
    _focused_with_ring(page.get_by_role("link", name="New booking"))
    _tab_to(page, page.get_by_label("Find a customer or a booking"))
    _focused_with_ring(page.get_by_label("Find a customer or a booking"))
    screenshot("tablet-focus-today-search")

    # The skip link takes the keyboard past the nav to the page itself.
    page.goto(app + "/customers/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    _focused_with_ring(page.get_by_role("link", name="New customer"))


def test_slash_focuses_the_today_search(as_receptionist: Page, app, live_sandbox):
    page = as_receptionist
    page.set_viewport_size(PORTRAIT)
    page.goto(app + "/")
    wait_until_settled(page)
    box = page.get_by_label("Find a customer or a booking")
    expect(box).not_to_be_focused()

    page.locator("h1").click()
    page.keyboard.press("/")
    _focused_with_ring(box)
    expect(box).to_have_value("")  # the "/" itself is not typed into the box


def test_focus_stays_in_the_filter_form_after_a_table_swap(
    as_receptionist: Page, app, live_sandbox
):
    page = as_receptionist
    page.set_viewport_size(PORTRAIT)

    # Customers: a filter chosen from the keyboard swaps the table; the select keeps the focus.
    page.goto(app + "/customers/")
    wait_until_settled(page)
    status = page.get_by_label("Status", exact=True)
    status.focus()
    with page.expect_response(lambda r: "/customers/?" in r.url and "status=inactive" in r.url):
        status.select_option("inactive")
    wait_until_settled(page)
    expect(page.locator("#customer-table")).to_contain_text("inactive", ignore_case=True)
    expect(status).to_be_focused()

    # Customers: searching as you type swaps the table under the box without taking the focus.
    page.goto(app + "/customers/")
    wait_until_settled(page)
    search = page.get_by_label("Search", exact=True)
    search.click()
    with page.expect_response(lambda r: "q=O%27Brien" in r.url or "q=O'Brien" in r.url):
        search.press_sequentially("O'Brien", delay=30)
    wait_until_settled(page)
    expect(page.locator("#customer-table")).to_contain_text("Anne-Marie")
    expect(search).to_be_focused()
    assert page.evaluate("document.activeElement !== document.body")

    # Bookings: a status filter swaps the table; the focus stays on the select. (Every date:
    # no-shows are in the past, and the list opens from today on.)
    page.goto(app + "/bookings/?date_from=")
    wait_until_settled(page)
    booking_status = page.locator("form.booking-filters").get_by_label("Status", exact=True)
    booking_status.focus()
    with page.expect_response(lambda r: "/bookings/?" in r.url and "no_show" in r.url):
        booking_status.select_option("no_show")
    wait_until_settled(page)
    expect(page.locator("#booking-table")).to_contain_text("No-show")
    expect(booking_status).to_be_focused()

    # A pagination link swaps the table it sits in: the focus moves to the same link in the
    # new table, not to <body>, so Enter again goes on to the next page.
    page.goto(app + "/customers/")
    wait_until_settled(page)
    next_link = page.locator("#customer-table").get_by_role("link", name=NEXT)
    next_link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#customer-table")).to_contain_text("Page 2 of")
    wait_until_settled(page)
    assert page.evaluate("document.activeElement !== document.body"), "focus was lost to <body>"
    _focused_with_ring(page.locator("#customer-table").get_by_role("link", name=NEXT))
    page.keyboard.press("Enter")
    expect(page.locator("#customer-table")).to_contain_text("Page 3 of")

    # The same on the bookings list.
    page.goto(app + "/bookings/")
    wait_until_settled(page)
    page.locator("#booking-table").get_by_role("link", name=NEXT).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#booking-table")).to_contain_text("Page 2 of")
    wait_until_settled(page)
    _focused_with_ring(page.locator("#booking-table").get_by_role("link", name=NEXT))


def test_checking_in_from_the_keyboard_keeps_the_focus_on_the_row(
    as_receptionist: Page, app, live_sandbox, screenshot
):
    page = as_receptionist
    page.set_viewport_size(PORTRAIT)
    page.goto(app + "/")
    wait_until_settled(page)
    button = page.locator("#today-board").get_by_role("button", name="Check in").first
    button_id = button.get_attribute("id")
    row = page.locator(f"tr:has(#{button_id})")
    button.focus()
    page.keyboard.press("Enter")
    expect(row.locator(".chip-checked-in")).to_contain_text("Checked in")
    wait_until_settled(page)
    # The row was replaced; the focus is on its new button (Undo), not lost to <body>.
    undo = page.locator(f"#{button_id}")
    expect(undo).to_contain_text("Undo")
    _focused_with_ring(undo)
    screenshot("tablet-focus-after-check-in")


# --- names and labels -----------------------------------------------------------------------

NAMELESS = """
() => {
  const problems = [];
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!shown(el)) continue;
    const labels = [...(el.labels || [])].filter((l) => l.textContent.trim());
    const labelled = labels.length || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.title;
    if (!labelled) problems.push(`${el.tagName.toLowerCase()}[name=${el.name}] has no label`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!shown(el)) continue;
    const image = el.querySelector("img[alt]:not([alt=''])");
    if (!(el.innerText.trim() || el.getAttribute("aria-label") || image)) {
      problems.push(`${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)} has no name`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    if (!table.querySelector("th")) {
      problems.push(`table ${table.id || table.className} has no headers`);
    }
  }
  for (const chip of document.querySelectorAll(".chip")) {
    if (!chip.textContent.trim()) problems.push(`empty chip ${chip.className}`);
  }
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    const ids = (svg.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const title = ids.map((id) => document.getElementById(id)).filter(Boolean)
      .map((el) => el.textContent.trim()).join(" ") || svg.getAttribute("aria-label");
    if (!title) problems.push("a chart has no title");
  }
  const headings = [...document.querySelectorAll("h1, h2, h3, h4")].filter(shown)
    .map((h) => +h.tagName[1]);
  headings.forEach((level, i) => {
    if (i > 0 && level > headings[i - 1] + 1) {
      problems.push(`heading h${level} follows h${headings[i - 1]}`);
    }
  });
  if (headings[0] !== 1) problems.push(`the first heading is h${headings[0]}, not h1`);
  return problems;
}
"""


def test_every_control_table_chip_and_chart_has_a_name(
    synced_history, as_manager: Page, app, rich_records
):
    page = as_manager
    problems: list[str] = []
    for _, path, _ in SCREENS:
        url = path.format(**rich_records)
        page.goto(app + url)
        wait_until_settled(page)
        problems += [f"{url}: {p}" for p in page.evaluate(NAMELESS)]
    assert problems == [], "\n".join(problems)

    # The labels a person reads are the names a screen reader (and a test) finds.
    page.goto(app + "/stats/")
    expect(page.get_by_role("img", name="Bookings per day")).to_be_visible()
    expect(page.get_by_role("img", name="Revenue by service")).to_be_visible()
    page.goto(app + "/customers/")
    for label in ("Search", "Status", "Account", "Bookings", "Per page"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.goto(app + "/bookings/")
    page.locator("details.more-filters summary").click()  # the filters a desk rarely needs
    for label in ("From", "To", "Status", "Agent", "Service", "Location", "Payment"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_label("Customer or booking code")).to_be_visible()
    page.goto(app + "/customers/new/")
    for label in (
        "First name",
        "Last name",
        "Email",
        "Phone",
        "Date of birth",
        "Gender",
        "Status",
        "Street address",
        "City",
        "State or province",
        "ZIP or postal code",
        "Country",
        "Notes",
    ):
        # The label's "*" is hidden from screen readers: the name is the label's words alone.
        field = page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))
        expect(field).to_be_visible()
        expect(field).to_have_accessible_name(label)
