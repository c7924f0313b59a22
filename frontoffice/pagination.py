"""Page links for the lists LatePoint pages itself (customers, bookings): one rule, one template.

`templates/includes/pagination.html` renders a `PageLinks`; each list supplies how a link to
page n is written, so its filters survive in every link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from latepoint.models import Page


@dataclass(frozen=True)
class PageLinks:
    """Row range, totals, and first/previous/next/last links ("" where there is none)."""

    first_row: int
    last_row: int
    total: int
    number: int
    last_page: int
    first_url: str
    previous_url: str
    next_url: str
    last_url: str

    @property
    def several_pages(self) -> bool:
        return self.last_page > 1 or self.number > 1


def page_links(page: Page[Any], url_for: Callable[[int], str]) -> PageLinks:
    """Links from the API's own paging; `url_for(n)` is the URL of page n of the same list."""
    first_row = (page.page - 1) * page.per_page + 1 if page.items else 0
    last_row = first_row + len(page.items) - 1 if page.items else 0
    last_page = max(page.total_pages, 1)
    number = page.page
    return PageLinks(
        first_row=first_row,
        last_row=last_row,
        total=page.total,
        number=number,
        last_page=last_page,
        first_url=url_for(1) if number > 1 else "",
        previous_url=url_for(number - 1) if number > 1 else "",
        next_url=url_for(number + 1) if number < last_page else "",
        last_url=url_for(last_page) if number < last_page else "",
    )
