"""The week calendar's grid, written in Python like the day calendar's (calendar_html.py): a
week of every agent holds some 2,000 bookings on a busy site, too many for the template
language within the page's budget."""

from __future__ import annotations

from datetime import time
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from bookings.templatetags.board_html import EN_DASH, _name, _Words
from frontoffice.formatting import format_clock

register = template.Library()


def _hm(value) -> str:
    return format_clock(value) if value is not None else ""


def _clock(minute: int) -> str:
    return format_clock(time(min(minute, 24 * 60 - 1) // 60, min(minute, 24 * 60 - 1) % 60))


def _booking_li(item, words: _Words) -> str:
    b = item.booking
    slug, label = words.status_of(b.status)
    service = escape((b.service.name if b.service else "") or "—")
    when = f"{_hm(item.start)}{EN_DASH}{_hm(item.end)}"
    return (
        f'<li class="week-item week-booking cal-{slug}"><a href="{words.detail(b.id)}" '
        f'title="{when} {_name(b, "(no name)")}, {service}: {label}">'
        f'<span class="week-line">{when}</span>'
        f'<span class="week-line week-name">{_name(b, "(no name)")}</span>'
        f'<span class="week-line week-service">{service} '
        f'<span class="chip chip-{slug}">{label}</span></span></a></li>'
    )


def _off_words(wd) -> str:
    return "Day off, yet booked" if wd.count else "Day off"


def _hours_html(wd) -> str:
    """The agent's working hours that day, or their day off (nothing when not set)."""
    if wd.off:
        return f'<p class="week-hours is-off">{_off_words(wd)}</p>'
    if wd.periods:
        return f'<p class="week-hours">Works {wd.hours_label}</p>'
    return ""


def _gap_li(item, *, new_url: str, agent_id: int, day: str, agent_name: str) -> str:
    when = f"{_hm(item.start)}{EN_DASH}{_hm(item.end)}"
    if not new_url:
        return f'<li class="week-item week-free">Free {when}</li>'
    href = f"{new_url}?agent={agent_id}&amp;date={day}&amp;time={_hm(item.start)}"
    return (
        f'<li class="week-item week-free"><a href="{href}">Free {when}'
        f'<span class="sr-only">: book {agent_name} on {day} at {_hm(item.start)}</span></a></li>'
    )


@register.simple_tag(takes_context=True)
def agent_week_columns(context: template.Context, week) -> SafeString:
    """One agent's week: a column a day, its bookings and free gaps in time order."""
    words = _Words()
    row = week.rows[0]
    new_url = escape(str(context.get("new_booking_url") or ""))
    day_url = escape(str(context.get("calendar_url") or ""))
    name = escape(row.agent.display_name or "")
    out = []
    for wd in row.days:
        iso = wd.day.isoformat()
        heading_id = f"week-day-{iso}"
        classes = (
            "week-day"
            + (" is-today" if wd.is_today else "")
            + (" is-past" if wd.past else "")
            + (" is-off" if wd.off else "")
        )
        items = []
        for item in wd.items:
            if item.booking is not None:
                items.append(_booking_li(item, words))
            else:
                items.append(
                    _gap_li(item, new_url=new_url, agent_id=row.agent.id, day=iso, agent_name=name)
                )
        body = (
            f'<ol class="week-items" aria-labelledby="{heading_id}">{"".join(items)}</ol>'
            if items
            else ("" if wd.off else '<p class="muted small">Nothing this day.</p>')
        )
        count = f"{wd.count} booking{'' if wd.count == 1 else 's'}"
        out.append(
            f'<section class="{classes}" aria-labelledby="{heading_id}">'
            f'<h2 class="week-day-head" id="{heading_id}"><a href="{day_url}?date={iso}&amp;'
            f'agent={row.agent.id}">{wd.day:%a} {wd.day.day} {wd.day:%b}</a> '
            f'<span class="week-count">{count}</span></h2>{_hours_html(wd)}{body}</section>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag(takes_context=True)
def every_agent_week_rows(context: template.Context, week) -> SafeString:
    """Every agent's week compacted: a row an agent, a cell a day (bookings, first to last)."""
    day_url = escape(str(context.get("calendar_url") or ""))
    out = []
    for row in week.rows:
        name = escape(row.agent.display_name or f"Agent {row.agent.id}")
        cells = []
        for wd in row.days:
            iso = wd.day.isoformat()
            href = f"{day_url}?date={iso}&amp;agent={row.agent.id}"
            today = (" is-today" if wd.is_today else "") + (" is-off" if wd.off else "")
            if wd.count:
                plural = "" if wd.count == 1 else "s"
                text = (
                    f'<strong>{wd.count}</strong> booking{plural}<span class="week-span">'
                    f"{_hm(wd.first)}{EN_DASH}{_hm(wd.last)}</span>"
                )
            else:
                text = '<span class="muted">No bookings</span>'
            if wd.off:
                text += f'<span class="week-hours">{_off_words(wd)}</span>'
            elif wd.periods:
                text += (
                    f'<span class="week-hours">Works {_clock(wd.periods[0][0])}'
                    f"{EN_DASH}{_clock(wd.periods[-1][1])}</span>"
                )
            label = f"{name}, {wd.day:%A} {wd.day.day} {wd.day:%B}"
            cells.append(
                f'<td class="week-cell{today}"><a href="{href}">'
                f'<span class="sr-only">{label}: </span>{text}</a></td>'
            )
        agent_href = f"{day_url}?view=week&amp;agent={row.agent.id}&amp;date={week.monday}"
        out.append(
            f'<tr><th scope="row" class="week-agent"><a href="{agent_href}">{name}</a> '
            f'<span class="week-count">{row.count} booking{"" if row.count == 1 else "s"}</span>'
            f"</th>{''.join(cells)}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
