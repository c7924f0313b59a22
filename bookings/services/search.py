"""Quick search, the box on Today: customers by name, email or phone, bookings by code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookings.services import arrivals
from customers.services.matching import customer_matches_query, search_term
from customers.services.matching import digits as _digits
from customers.services.matching import plain as _plain
from latepoint.errors import LatePointError
from latepoint.models import Booking, Customer
from upstream.gateway import api

QUICK_SEARCH_LIMIT = 8
#: One call reads this many matches (newest first, LatePoint's only order), ranked here; the
#: best QUICK_SEARCH_LIMIT are shown. A bigger page costs the same single call.
QUICK_SEARCH_FETCH = 50
_CODE_SHAPE = re.compile(r"[A-Za-z0-9-]{4,20}")


def looks_like_booking_code(q: str) -> bool:
    """One word of letters and digits that reads like a code (EUHJVNH, LP-2024-001, BK7Q2)."""
    q = q.strip()
    if not _CODE_SHAPE.fullmatch(q) or not any(ch.isalpha() for ch in q):
        return False
    return any(ch.isdigit() for ch in q) or "-" in q or (q.isupper() and len(q) >= 5)


@dataclass(frozen=True)
class CustomerHit:
    customer: Customer
    #: Today's bookings of the customer that can be checked in or already are (board rows).
    arrivals: tuple[arrivals.BoardRow, ...] = ()


@dataclass(frozen=True)
class BookingHit:
    booking: Booking
    #: The booking as a board row when it is today's, open or checked in (its Check in slot).
    arrival: arrivals.BoardRow | None = None


@dataclass(frozen=True)
class QuickResults:
    query: str
    customers: tuple[CustomerHit, ...] = ()
    bookings: tuple[BookingHit, ...] = ()
    more_customers: bool = False

    @property
    def empty(self) -> bool:
        return not self.customers and not self.bookings


QUICK_SEARCH_MIN = 2


def match_rank(customer: Customer, q: str) -> int:
    """How well `customer` matches `q`, best first: 0 the name starts with it ("ma" → Maria
    Lopez), 1 another word of the name does, or every word typed starts one (Ana Mangold), 2 the
    name contains it (Thomas), 3 the phone number does, 4 the email's part before the @, 5 only
    the email's domain (ma → hotmail.com), 6 none of these.
    """
    needle = " ".join(_plain(q).split())
    if not needle:
        return 6
    name = " ".join(_plain(customer.full_name).split())
    words = name.split()
    if name.startswith(needle):
        return 0
    if all(any(word.startswith(term) for word in words) for term in needle.split()):
        return 1
    if needle in name:
        return 2
    digits = _digits(q)
    # A phone number is typed as digits with spaces, dashes, dots, brackets or a leading +.
    if len(digits) >= QUICK_SEARCH_MIN and not re.search(r"[^\d\s().+-]", q):
        if digits in _digits(customer.phone):
            return 3
    elif needle in _plain(customer.phone):
        return 3
    local, _at, domain = _plain(customer.email).partition("@")
    if needle in local:
        return 4
    if needle in domain or needle in _plain(customer.email):
        return 5
    return 6


def rank_customers(customers: list[Customer], q: str) -> list[Customer]:
    """Name matches first, then phone, then the email's name part, the email's domain last;
    within a rank, by name (LatePoint can only order by creation date)."""
    return sorted(
        customers,
        key=lambda c: (match_rank(c, q), _plain(c.full_name) or "\uffff", c.id or 0),
    )


def _arrivals_for(customer_ids: list[int]) -> dict[int, list[arrivals.BoardRow]]:
    """Check-in slots of the found customers, or none if LatePoint cannot say now: the
    results matter more than their buttons."""
    try:
        return arrivals.todays_arrivals(customer_ids=customer_ids)
    except LatePointError:
        return {}


def quick_search(*, q: str) -> QuickResults:
    """Customers by name, email or phone (best matches first, with a Check in button for
    today's open bookings), and bookings by code when `q` looks like one."""
    q = q.strip()
    if len(q) < QUICK_SEARCH_MIN:
        return QuickResults(query=q)
    # LatePoint matches one fragment: several words are sent as the longest, a phone number
    # as its digits, and what comes back is kept when it matches the whole query.
    term = search_term(q)
    found = api().list_customers(search=term, per_page=QUICK_SEARCH_FETCH)
    matched = list(found.items)
    if term != q:
        matched = [c for c in matched if customer_matches_query(c, q)]
    best = rank_customers(matched, q)[:QUICK_SEARCH_LIMIT]
    bookings: tuple[Booking, ...] = ()
    if looks_like_booking_code(q):
        bookings = api().list_bookings(booking_code=q, per_page=QUICK_SEARCH_LIMIT).items
    today = _arrivals_for(
        [c.id for c in best if c.id] + [b.customer.id for b in bookings if b.customer]
    )
    by_booking = {row.id: row for rows in today.values() for row in rows}
    return QuickResults(
        query=q,
        customers=tuple(CustomerHit(c, tuple(today.get(c.id, ()))) for c in best),
        bookings=tuple(BookingHit(b, by_booking.get(b.id)) for b in bookings),
        more_customers=len(matched) > len(best) or found.has_next,
    )
