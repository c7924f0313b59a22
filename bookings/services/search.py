"""Quick search, the box on Today: customers by name, email or phone, bookings by code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontoffice.upstream import api
from latepoint.models import Booking, Customer

QUICK_SEARCH_LIMIT = 8
_CODE_SHAPE = re.compile(r"[A-Za-z0-9-]{4,20}")


def looks_like_booking_code(q: str) -> bool:
    """One word of letters and digits that reads like a code (EUHJVNH, LP-2024-001, BK7Q2)."""
    q = q.strip()
    if not _CODE_SHAPE.fullmatch(q) or not any(ch.isalpha() for ch in q):
        return False
    return any(ch.isdigit() for ch in q) or "-" in q or (q.isupper() and len(q) >= 5)


@dataclass(frozen=True)
class QuickResults:
    query: str
    customers: tuple[Customer, ...] = ()
    bookings: tuple[Booking, ...] = ()
    more_customers: bool = False

    @property
    def empty(self) -> bool:
        return not self.customers and not self.bookings


QUICK_SEARCH_MIN = 2


def quick_search(*, q: str) -> QuickResults:
    """Customers by name, email or phone, and bookings by code when `q` looks like one."""
    q = q.strip()
    if len(q) < QUICK_SEARCH_MIN:
        return QuickResults(query=q)
    found = api().list_customers(search=q, per_page=QUICK_SEARCH_LIMIT)
    bookings: tuple[Booking, ...] = ()
    if looks_like_booking_code(q):
        bookings = api().list_bookings(booking_code=q, per_page=QUICK_SEARCH_LIMIT).items
    return QuickResults(
        query=q,
        customers=found.items[:QUICK_SEARCH_LIMIT],
        bookings=bookings,
        more_customers=found.total > len(found.items[:QUICK_SEARCH_LIMIT]),
    )
