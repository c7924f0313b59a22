"""Customer services: the filtered, paged customer list (its CSV export is a background job:
`customers.export.KIND`).

LatePoint pages the list itself and always orders it by `created_at DESC`; these services pass
the filters through and never re-sort what comes back. Only a search LatePoint cannot do alone
(several words) is sifted and paged here, in the same order (`customers.services.matching`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from customers.services.matching import customer_matches_query, looks_like_phone, search_term
from latepoint.models import Customer, Page
from upstream.gateway import api

__all__ = ["SIFT_PAGE", "CustomerFilters", "SiftedPage", "customer_list"]

#: The answers one call reads for a search sifted here (LatePoint's largest page).
SIFT_PAGE = 100


@dataclass(frozen=True)
class CustomerFilters:
    """The filters LatePoint's customer list understands; None means "not filtered"."""

    search: str | None = None
    status: str | None = None
    is_guest: bool | None = None
    has_bookings: bool | None = None
    created_after: date | None = None
    created_before: date | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in asdict(self).values())

    def as_api_kwargs(self) -> dict[str, Any]:
        """Only the filters that are set, as keyword arguments of `list_customers()`."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    def describe(self) -> dict[str, str]:
        """The filters that are set, as text (for the audit trail)."""
        return {key: str(value) for key, value in self.as_api_kwargs().items()}


@dataclass(frozen=True)
class SiftedPage(Page[Customer]):
    """A page of a search LatePoint cannot do alone ("Marg Mie"): its longest word was asked
    for once, and the answers that match the whole query are paged here."""

    #: The word sent to LatePoint, and whether it had more answers than one call reads.
    term: str = ""
    cut_short: bool = False


def customer_list(*, filters: CustomerFilters, page: int, per_page: int) -> Page[Customer]:
    """One page of customers matching `filters`, newest first: one (cached) upstream call.

    A search of several words ("Marg Mie") is sent as its longest word, up to 100 answers
    (one call), kept when every word starts a part of the name and paged here; a phone number
    typed with separators ("415-956") is sent as its digits."""
    kwargs = filters.as_api_kwargs()
    query = filters.search or ""
    term = search_term(query) if query else ""
    if not term or term == query:
        return api().list_customers(**kwargs, page=page, per_page=per_page)
    if looks_like_phone(query):
        return api().list_customers(**{**kwargs, "search": term}, page=page, per_page=per_page)
    found = api().list_customers(**{**kwargs, "search": term}, page=1, per_page=SIFT_PAGE)
    matched = [c for c in found.items if customer_matches_query(c, query)]
    pages = max(math.ceil(len(matched) / per_page), 1) if matched else 0
    start = (page - 1) * per_page
    return SiftedPage(
        items=tuple(matched[start : start + per_page]),
        page=page,
        per_page=per_page,
        total=len(matched),
        total_pages=pages,
        has_next=page < pages,
        has_previous=page > 1,
        term=term,
        cut_short=found.has_next,
    )
