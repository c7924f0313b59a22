"""The day calendar's grid, written in Python (the same markup bookings/calendar.html drew):
on a busy day its 540 blocks and 900 cells took about 250 ms in the template language, for the
reasons bookings/templatetags/board_html.py gives."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from bookings.templatetags.board_html import EN_DASH, _hm, _name, _Words, badge_html

register = template.Library()


def elsewhere_html(item, words: _Words, *, day: str) -> str:
    """An agent's booking at another location, on a calendar narrowed to one: the time is
    busy here too ("Busy at Brooklyn Studio"), and opens like any booking."""
    b = item.booking
    url = words.detail(b.id)
    begins = item.start.strftime("%H:%M") if item.start is not None else ""
    until = item.end.strftime("%H:%M") if item.end is not None else ""
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
    chips = ""
    mark = ""
    if row.check_in is not None:
        classes += " is-checked-in"
        at = _hm(row.check_in.checked_in_at, words.zone)
        chips = f'<span class="chip chip-checked-in">Checked in {at}</span>'
        mark = ' <span class="cal-mark" aria-hidden="true">✓</span>'
    elif row.late_minutes:
        classes += " is-late"
        chips = f'<span class="chip chip-late">Late {row.late_minutes} min</span>'
    if item.span == 1:
        classes += " is-one"
    elif item.span == 2:
        classes += " is-short"
    chips += f' <span class="chip chip-{slug}">{label}</span>'
    if b.customer is not None and b.customer.id:
        badge = badge_html(row.badge, unknown=False)
        chips += f' <span class="row-badge" id="cal-badge-{b.id}">{badge}</span>'
    url = words.detail(b.id)
    start = " data-cal-start" if b.id == focus_id else ""
    until = item.end.strftime("%H:%M") if item.end is not None else ""
    begins = item.start.strftime("%H:%M") if item.start is not None else ""
    service = escape((b.service.name if b.service else "") or "—")
    return (
        f'<a id="cal-booking-{b.id}" class="{classes}" href="{url}" hx-get="{url}?day={day}" '
        f'data-cal-item data-col="{item.column}" '
        f'data-row="{item.first}"{start}><span class="cal-block-line"><strong>{begins}</strong> '
        f'{_name(b, "(no name)")}{mark}</span><span class="cal-block-chips">{chips}</span>'
        f'<span class="cal-block-line cal-block-service">{service} '
        f'<span class="cal-until">until {until}</span></span></a>'
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
            f'data-row="{row.index}" data-time="{label}">{inner}<span class="sr-only">Free: book '
            f"{escape(str(cell.agent_name))} at {label}</span></a>"
        )
    return f'<span class="cal-gap-label">Free until {free}</span>' if free else ""


def _cell_html(cell, row, words: _Words, context: dict) -> str:
    end = " is-col-end" if cell.last_lane else ""
    span = f' colspan="{cell.lanes}"' if cell.lanes > 1 else ""
    if cell.block:
        block = block_html(cell.block, words, day=context["day"], focus_id=context["focus_id"])
        return f'<td class="cal-slot cal-slot-block{end}" rowspan="{cell.block.span}">{block}</td>'
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
