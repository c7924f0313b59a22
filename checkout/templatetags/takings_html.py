"""The takings' list of payments, written in Python: a busy day has 600 rows, which the
template language would spend most of the page's time on (a URL reversal and a dozen filter
lookups per row). Each URL is built from one reversed prefix, each amount formatted once.
Everything from LatePoint or the database is escaped (`html.escape`, as Django's `escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from checkout.takings import NO_AGENT, TakingsLine
from frontoffice.formatting import format_clock, format_money

register = template.Library()

DASH = "—"
MINUS = "\u2212"
_SENTINEL = 987654321


def _url_of(name: str) -> Callable[[int], str]:
    """`name`'s URL for any id, from one reversal: "/bookings/{id}/"."""
    before, _, after = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    return lambda pk: f"{before}{pk}{after}"


def _amount(line: TakingsLine) -> str:
    text = format_money(line.amount)
    return f"{MINUS}{text}" if line.is_refund else text


def _row(line: TakingsLine, booking_url, customer_url, *, status: bool) -> str:
    when = format_clock(line.when) if line.when else DASH
    if line.customer and line.customer_id:
        customer = f'<a href="{customer_url(line.customer_id)}">{escape(line.customer)}</a>'
    else:
        customer = escape(line.customer) or f'<span class="muted">{DASH}</span>'
    if line.booking_id:
        booking = (
            f'<a href="{booking_url(line.booking_id)}" '
            f'aria-label="Booking {line.booking_id}">#{line.booking_id}</a>'
        )
    else:
        booking = f'<span class="muted">{DASH}</span>'
    agent = escape(line.agent)
    if line.agent == NO_AGENT:
        agent = f'<span class="muted">{agent}</span>'
    receipt = escape(line.payment.receipt_number) or f'<span class="muted">{DASH}</span>'
    state = f"<td>{escape(line.status)}</td>" if status else ""
    refund = ' class="is-refund"' if line.is_refund else ""
    return (
        f'<tr id="payment-{line.id}"{refund}><td class="nowrap">{when}</td>'
        f"<td>{customer}</td><td>{booking}</td><td>{agent}</td>"
        f"<td>{escape(line.method)}</td><td>{line.kind}</td>{state}"
        f'<td>{receipt}</td><td class="num nowrap">{_amount(line)}</td></tr>'
    )


@register.simple_tag
def takings_rows(lines: Iterable[TakingsLine], status: bool = False) -> SafeString:
    """The rows of the takings' list (with a Status cell when `status`)."""
    booking_url = _url_of("bookings:detail")
    customer_url = _url_of("customers:detail")
    return mark_safe(  # noqa: S308 - every value from upstream is escaped above
        "\n".join(_row(line, booking_url, customer_url, status=status) for line in lines)
    )
