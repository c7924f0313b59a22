"""The day calendar's grid, written in Python (the same markup bookings/calendar.html drew):
on a busy day its 540 blocks and 900 cells took about 250 ms in the template language, for the
reasons bookings/templatetags/board_html.py gives."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from bookings.templatetags.board_html import EN_DASH, _hm, _name, _Words, badge_html
from bookings.templatetags.calendar_move_html import move_attributes
from frontoffice.formatting import format_clock

register = template.Library()

#: A block of this many rows or fewer (30 minutes) shows the customer's name alone.
SHORT_ROWS = 2
#: Each status's icon beside the name: the status is never told by colour alone.
STATUS_ICONS = {
    "approved": "●",
    "pending": "◌",
    "completed": "✔",
    "no_show": "✕",
    "cancelled": "⊘",
}
#: What the front office knows of an approved or pending booking: arrived, or late.
STATE_ICONS = {"checked-in": "✓", "late": "!"}
FINAL_STATUSES = ("completed", "no_show", "cancelled")


def elsewhere_html(item, words: _Words, *, day: str) -> str:
    """An agent's booking at another location, on a calendar narrowed to one: the time is
    busy here too ("Busy at Brooklyn Studio"), and opens like any booking."""
    b = item.booking
    url = words.detail(b.id)
    begins = format_clock(item.start.time()) if item.start is not None else ""
    until = format_clock(item.end.time()) if item.end is not None else ""
    where = escape(item.elsewhere)
    return (
        f'<a id="cal-booking-{b.id}" class="cal-block cal-elsewhere" href="{url}" '
        f'hx-get="{url}?day={day}" data-cal-item data-col="{item.column}" '
        f'data-row="{item.first}" title="{begins}{EN_DASH}{until} at {where}: {_name(b, "")}">'
        f'<span class="cal-block-line"><strong>{begins}</strong> Busy at {where}</span>'
        f'<span class="cal-block-line cal-block-service">{_name(b, "(no name)")} '
        f'<span class="cal-until">until {until}</span></span></a>'
    )


def block_html(item, words: _Words, *, day: str, focus_id) -> str:
    """One booking's block on the grid (it opens in the side panel: the table's hx-target)."""
    if item.elsewhere:
        return elsewhere_html(item, words, day=day)
    b, row = item.booking, item.row
    slug, label = words.status_of(b.status)
    classes = f"cal-block cal-{slug}"
    icon, state = STATUS_ICONS.get(slug, "●"), ""
    chips = ""
    if row.check_in is not None:
        classes += " is-checked-in"
        at = _hm(row.check_in.checked_in_at, words.zone)
        chips = f'<span class="chip chip-checked-in">Checked in {at}</span>'
        state = "checked-in"
    elif row.late_minutes:
        classes += " is-late"
        chips = f'<span class="chip chip-late">Late by {row.late_minutes} min</span>'
        state = "late"
    if state and slug not in FINAL_STATUSES:
        icon = STATE_ICONS[state]
    short = item.span <= SHORT_ROWS
    if item.span == 1:
        classes += " is-one"
    elif short:
        classes += " is-short"
    chips += f' <span class="chip chip-{slug}">{label}</span>'
    if b.customer is not None and b.customer.id:
        badge = badge_html(row.badge, unknown=False)
        chips += f' <span class="row-badge" id="cal-badge-{b.id}">{badge}</span>'
    url = words.detail(b.id)
    start = " data-cal-start" if b.id == focus_id else ""
    until = format_clock(item.end.time()) if item.end is not None else ""
    begins = format_clock(item.start.time()) if item.start is not None else ""
    service = escape((b.service.name if b.service else "") or "—")
    name = _name(b, "(no name)")
    mark = f'<span class="cal-icon cal-icon-{state or slug}" aria-hidden="true">{icon}</span>'
    # The name first, alone on its line. A short block (30 minutes or less) shows nothing
    # else: its time, service, status and risk are said to a screen reader and shown on hover
    # and focus (.cal-block-more); a longer one shows them below, a line each.
    when = f'<span class="cal-block-line cal-block-time">{begins}{EN_DASH}{until}</span>'
    return (
        f'<a id="cal-booking-{b.id}" class="{classes}" href="{url}" hx-get="{url}?day={day}" '
        f'data-cal-item data-col="{item.column}" '
        f'data-row="{item.first}"{move_attributes(item, today=words.today)}{start}>'
        f'<span class="cal-block-line cal-block-name">{mark}{name}</span>'
        f'<span class="cal-block-more">{when}<span class="cal-block-chips">{chips}</span>'
        f'<span class="cal-block-line cal-block-service">{service}</span></span></a>'
    )


def _gap_html(cell, row, *, new_booking_url: str, day: str, location: str) -> str:
    free = escape(str(cell.free_until)) if cell.free_until else ""
    if new_booking_url and cell.agent_id:
        label = escape(str(row.label))
        inner = (
            f'<span class="cal-gap-label" aria-hidden="true">Free until {free}</span>'
            if free
            else ""
        )
        return (
            f'<a class="cal-gap-link" id="cal-gap-{cell.column}-{row.index}" '
            f'href="{new_booking_url}?agent={escape(str(cell.agent_id))}&amp;date={day}'
            f'&amp;time={label}{location}" data-cal-item data-col="{cell.column}" '
            f'data-agent="{escape(str(cell.agent_id))}" '
            f'data-row="{row.index}" data-time="{label}">{inner}<span class="sr-only">Free: book '
            f"{escape(str(cell.agent_name))} at {label}</span></a>"
        )
    return f'<span class="cal-gap-label">Free until {free}</span>' if free else ""


def _cell_html(cell, row, words: _Words, context: dict) -> str:
    end = " is-col-end" if cell.last_lane else ""
    span = f' colspan="{cell.lanes}"' if cell.lanes > 1 else ""
    if cell.block:
        block = block_html(cell.block, words, day=context["day"], focus_id=context["focus_id"])
        return (
            f'<td class="cal-slot cal-slot-block{end}" rowspan="{cell.block.span}"{span}>'
            f"{block}</td>"
        )
    if cell.gap:
        gap = _gap_html(
            cell,
            row,
            new_booking_url=context["new_booking_url"],
            day=context["day"],
            location=context["location"],
        )
        return f'<td class="cal-slot cal-gap{end}"{span}>{gap}</td>'
    state = ""
    if cell.free:
        state = " cal-gap"
    elif cell.past:
        state = " is-past"
    elif cell.off_hours:
        state = " is-off"
    return f'<td class="cal-slot{state}{end}"{span}></td>'


#: The share of the grid's width the agents' lanes take (the time column has the rest, about
#: 4.75rem: less at 1,000 px would make the table wider than its box).
LANES_SHARE = 92.0


@register.simple_tag
def calendar_cols(cal) -> SafeString:
    """The grid's `<col>`s: the time, then each agent's lanes. An agent's column is wider the
    more lanes it has, but not in proportion, so an agent alone at their times keeps room to
    read; the lanes split it evenly. (Widths as attributes: the page's CSP allows no inline
    style.) CSS uses them where the agents share a desk's width (static/css/calendar.css)."""
    weights = [1 + 0.6 * (column.lanes - 1) for column in cal.columns]
    total = sum(weights) or 1
    cols = ['<col class="cal-col-time">']
    for column, weight in zip(cal.columns, weights, strict=True):
        share = LANES_SHARE * weight / total / column.lanes
        cols += [f'<col width="{share:.3f}%">'] * column.lanes
    return mark_safe("".join(cols))  # noqa: S308 - numbers only


@register.simple_tag(takes_context=True)
def calendar_rows(context: template.Context, cal) -> SafeString:
    """The grid's `<tr>`s: a time a row, a cell (a block, a free gap or nothing) an agent lane."""
    words = _Words()
    location_id = context.get("location_id")
    shared = {
        "day": cal.day.isoformat(),
        "focus_id": cal.focus_id,
        "new_booking_url": escape(str(context.get("new_booking_url") or "")),
        "location": f"&amp;location={escape(str(location_id))}" if location_id else "",
    }
    out = []
    for row in cal.rows:
        classes = (
            "cal-row" + (" is-hour" if row.on_the_hour else "") + (" is-now" if row.now else "")
        )
        now_offset = f' data-now-offset="{row.now_offset}"' if row.now else ""
        label = escape(str(row.label))
        if not row.on_the_hour:
            label = f'<span class="cal-quarter">{label}</span>'
        if row.now:
            label += f' <span class="cal-now-label">Now {escape(str(row.now))}</span>'
        cells = "".join(_cell_html(cell, row, words, shared) for cell in row.cells)
        out.append(
            f'<tr class="{classes}"{now_offset}><th scope="row" class="cal-time">{label}</th>'
            f"{cells}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
