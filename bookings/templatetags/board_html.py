"""The busy screens' repeated markup, written in Python: the Today board's rows, the calendar's
grid and the printed day sheets.

On a busy day (588 bookings at 10,000 customers) the template language spent 250 to 390 ms on
these rows: a URL reversal per link and about 28,000 filter, translation and time-zone lookups
a render. Here each URL is built from one reversed prefix, each time converted once, each
status's words looked up once, and the same markup written without the templates' indentation.
Everything from LatePoint or the database is escaped (`html.escape`, as Django's `escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from bookings.services.arrivals import BoardRow
from frontoffice.formatting import format_clock
from frontoffice.templatetags.formatting import status_label
from notes.templatetags.notes_tags import compact_alert_html

register = template.Library()

DASH = "—"
EN_DASH = "\u2013"
_SENTINEL = 987654321


def _url_of(name: str) -> Callable[[int], str]:
    """`name`'s URL for any id, from one reversal: "/bookings/{id}/check-in/"."""
    before, _, after = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{before}{pk}{after}"


class _Words:
    """Per render: each status's label and class, and each URL's prefix, worked out once."""

    def __init__(self) -> None:
        self.detail = _url_of("bookings:detail")
        self.customer = _url_of("customers:detail")
        self.check_in = _url_of("bookings:check-in")
        self.undo = _url_of("bookings:check-in-undo")
        self.status = _url_of("bookings:status")
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self._labels: dict[object, tuple[str, str]] = {}

    def status_of(self, status) -> tuple[str, str]:
        """(its CSS slug, its words) for a booking status."""
        found = self._labels.get(status)
        if found is None:
            found = (escape(slugify(status)), escape(status_label(status, "Unknown")))
            self._labels[status] = found
        return found


def _hm(value: datetime | None, zone) -> str:
    """ "HH:MM" in `zone` (the business's, read once a render: each read goes through asgiref)."""
    return format_clock(value.astimezone(zone).time()) if value is not None else ""


def badge_html(badge, *, unknown: bool = True) -> str:
    """The customer's badge on a row, then their pinned alert (`notes`), if any."""
    alerts = compact_alert_html(badge.alerts) if badge is not None else ""
    return _chips_html(badge, unknown=unknown) + alerts


def _chips_html(badge, *, unknown: bool = True) -> str:
    """The customer's badge on a row (bookings/includes/badge.html without `detail`); with
    `unknown=False` (a calendar block, short of room), nothing while the risk is not known."""
    out = ""
    if badge is not None and badge.blocked:
        out = '<span class="chip chip-blocked" role="status">Blocked: cannot book</span>'
    if badge is not None and badge.risk:
        risk = badge.risk
        level, label = escape(str(risk.level)), escape(str(risk.label))
        return f'{out}<span class="chip chip-{level}">{label}</span>'
    if not unknown:
        return out
    return out + '<span class="muted small risk-unknown">Risk not known yet</span>'


def _name(booking, empty: str) -> str:
    customer = booking.customer
    return escape((customer.full_name if customer is not None else "") or empty)


# --- the Today board ---------------------------------------------------------------------------


def _arrival_forms(row: BoardRow, words: _Words, csrf: str, hidden_next: str, who: str) -> str:
    pk = row.id
    target = ' class="inline"'  # hx-target, hx-swap: the table body's (its row, outerHTML)
    if row.check_in is not None:
        url = words.undo(pk)
        out = (
            '<span class="chip chip-checked-in">Checked in '
            f"{_hm(row.check_in.checked_in_at, words.zone)}</span>"
            f'<form method="post" action="{url}" hx-post="{url}"{target} data-confirm="Undo this '
            f'check-in?">{csrf}{hidden_next}<button type="submit" class="small" id="arrival-{pk}">'
            f'Undo<span class="sr-only"> check-in of {who}</span></button></form>'
        )
    elif row.can_check_in:
        url = words.check_in(pk)
        out = (
            f'<form method="post" action="{url}" hx-post="{url}"{target}>{csrf}{hidden_next}'
            f'<button type="submit" class="primary small" id="arrival-{pk}">Check in'
            f'<span class="sr-only"> {who}</span></button></form>'
        )
    else:
        out = "" if _pay_label(row) else '<span class="muted small">—</span>'
    out += _pay_link(row, words, who)
    if row.no_show_offered:
        url = words.status(pk)
        seen = escape(str(row.booking.status))
        out += (
            # No browser confirmation: the status view answers with its page asking why.
            f'<form method="post" action="{url}" hx-post="{url}"{target}>{csrf}'
            '<input type="hidden" name="to_status" value="no_show">'
            f'<input type="hidden" name="seen_status" value="{seen}"><button type="submit" '
            f'class="small" id="no-show-{pk}">No-show…<span class="sr-only"> {who}</span>'
            "</button></form>"
        )
    return out


#: LatePoint's words for a booking with something still to pay.
_OWING = ("not_paid", "partially_paid")


def _pay_label(row: BoardRow) -> str:
    """The row's checkout words: "Pay" for a completed visit with a balance, "Complete and
    pay" for an approved one whose customer has arrived; "" otherwise. From the board's own
    bookings list (no call): its price, and LatePoint's payment status for what was paid."""
    b = row.booking
    if str(b.payment_status) not in _OWING or not (b.price or 0) > 0:
        return ""
    if b.status == "completed":
        return "Pay"
    if b.status == "approved" and row.check_in is not None:
        return "Complete and pay"
    return ""


def _pay_link(row: BoardRow, words: _Words, who: str) -> str:
    """The row's checkout: a link to the booking's Take payment form, its amount focused."""
    label = _pay_label(row)
    if not label:
        return ""
    href = f"{words.detail(row.id)}?pay=1#take-payment"
    return (
        f'<a class="button primary small" href="{href}" id="pay-{row.id}">{label}'
        f'<span class="sr-only"> {who}</span></a>'
    )


def _where_html(b) -> str:
    """Agent and location under the service, shown where the tablet folds their columns."""
    parts = [
        escape(x)
        for x in (b.agent.display_name if b.agent else "", b.location.name if b.location else "")
        if x
    ]
    if not parts:
        return ""
    return f'<span class="board-where muted small">{" · ".join(parts)}</span>'


def _doubles_html(row: BoardRow, words: _Words) -> str:
    """The flag of a customer booked twice at once, naming the other booking's time and agent."""
    if not row.doubles:
        return ""
    others = "; ".join(
        _hm(o.start, words.zone) + (f" with {escape(o.agent.display_name)}" if o.agent else "")
        for o in row.doubles
    )
    return (
        f' <span class="chip chip-double" id="double-{row.id}">Booked twice</span>'
        f'<span class="board-double small">Also {others}</span>'
    )


def board_row_html(
    row: BoardRow, words: _Words, *, csrf: str, next_url: str, show_cancelled: bool, error: str
) -> str:
    """One `<tr>` of the board, as the `today-row` partial drew it."""
    b, pk = row.booking, row.id
    classes = "board-row"
    if row.check_in is not None:
        classes += " is-checked-in"
    elif row.late_minutes:
        classes += " is-late"
    if row.cancelled:
        classes += " is-cancelled"
    hidden = " hidden" if row.cancelled and not show_cancelled else ""
    detail = words.detail(pk)
    if b.start is not None:
        when = f'<a href="{detail}"><strong>{_hm(b.start, words.zone)}</strong></a>'
        if b.end is not None:
            when += f'<span class="muted small">{EN_DASH}{_hm(b.end, words.zone)}</span>'
    else:
        when = f'<a href="{detail}">—</a>'
    customer = b.customer
    if customer is not None and customer.id:
        who_cell = (
            f'<a href="{words.customer(customer.id)}">{_name(b, "(no name)")}</a> '
            f'<span class="row-badge" id="badge-{pk}">{badge_html(row.badge)}</span>'
        )
    else:
        who_cell = _name(b, DASH)
    who_cell += _doubles_html(row, words)
    slug, label = words.status_of(b.status)
    late = (
        f' <span class="chip chip-late">Late by {row.late_minutes} min</span>'
        if row.late_minutes
        else ""
    )
    hidden_next = f'<input type="hidden" name="next" value="{escape(next_url)}">'
    forms = _arrival_forms(row, words, csrf, hidden_next, _name(b, ""))
    return (
        f'<tr id="today-row-{pk}" class="{classes}"{hidden}>'
        f'<td class="board-time">{when}<br><span class="muted small">'
        f"{escape(b.booking_code or '')}</span></td>"
        f"<td>{who_cell}</td>"
        f"<td>{escape((b.service.name if b.service else '') or DASH)}{_where_html(b)}</td>"
        f'<td class="fold-tablet">{escape((b.agent.display_name if b.agent else "") or DASH)}</td>'
        f'<td class="fold-tablet">{escape((b.location.name if b.location else "") or DASH)}</td>'
        f'<td><span class="chip chip-{slug}">{label}</span>{late}</td>'
        f'<td class="board-arrival">{forms}'
        f'<p class="field-error row-error" id="row-error-{pk}" role="alert">{escape(error)}</p>'
        "</td></tr>\n"
    )


def _csrf_input(context: template.Context) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag(takes_context=True)
def board_rows(context: template.Context, rows: Iterable[BoardRow]) -> SafeString:
    """Every row of the board (or the one row a check-in sends back)."""
    words = _Words()
    csrf = _csrf_input(context)
    next_url = str(context.get("next_url") or "")
    show_cancelled = bool(context.get("show_cancelled"))
    error = str(context.get("row_error") or "")
    return mark_safe(  # noqa: S308 - every value above is escaped
        "".join(
            board_row_html(
                row,
                words,
                csrf=csrf,
                next_url=next_url,
                show_cancelled=show_cancelled,
                error=error,
            )
            for row in rows
        )
    )


# --- the printed day sheets ----------------------------------------------------------------------


@register.simple_tag
def day_sheets(sheets: Iterable[tuple[str, list[BoardRow]]], day: date) -> SafeString:
    """Each agent's printed day sheet (hidden on screen: static/css/app.css, "Print")."""
    words = _Words()
    heading = escape(date_format(day, "l, F j, Y"))
    out = ['<div class="day-sheets">']
    for name, rows in sheets:
        out.append(
            f'<section class="day-sheet"><h2 class="day-sheet-title">{escape(str(name))} '
            f'<span class="day-sheet-day">{heading}</span></h2><ol class="day-sheet-list">'
        )
        for row in rows:
            b = row.booking
            when = DASH
            if b.start is not None:
                when = _hm(b.start, words.zone)
                if b.end is not None:
                    when += EN_DASH + _hm(b.end, words.zone)
            what = escape((b.service.name if b.service else "") or DASH)
            if b.location is not None and b.location.name:
                what += f" · {escape(b.location.name)}"
            state = words.status_of(b.status)[1]
            if row.check_in is not None:
                state += f" · checked in {_hm(row.check_in.checked_in_at, words.zone)}"
            out.append(
                f'<li><span class="sheet-time">{when}</span> <span class="sheet-who">'
                f'{_name(b, "(no name)")}</span> <span class="sheet-what">{what}</span> '
                f'<span class="sheet-state">{state}</span></li>'
            )
        if not rows:
            out.append("<li>No bookings.</li>")
        out.append("</ol></section>")
    out.append("</div>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
