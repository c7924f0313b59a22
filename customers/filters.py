"""The customer list's filter form: it reads the query string and corrects what it cannot use.

A bad value never becomes an error page: it is dropped or clamped, and a notice says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict

from customers.services.listing import CustomerFilters
from frontoffice.formatting import status_label
from latepoint.models import CustomerStatus

PER_PAGE_CHOICES = (20, 50, 100)
DEFAULT_PER_PAGE = 20
#: Far beyond any real list; keeps absurd numbers out of the upstream request.
MAX_PAGE = 100_000
MAX_TEXT = 100
#: The dates the "created" filters accept.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)

#: The customer statuses LatePoint documents, in the order the filter offers them.
STATUS_LABELS = {status.value: status_label(status) for status in CustomerStatus}
GUEST_CHOICES = (("", "All"), ("guest", "Guests"), ("registered", "Registered"))
BOOKINGS_CHOICES = (("", "Any"), ("yes", "Has bookings"), ("no", "No bookings"))
_YES_NO = {"guest": True, "registered": False, "yes": True, "no": False}

#: Filters tucked under "More filters" (its fold opens when one of them is set).
MORE_FILTERS = ("created_after", "created_before", "first_name", "last_name", "email", "phone")


def _text_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=MAX_TEXT, strip=True)


def _date_field(label: str) -> forms.DateField:
    # A year like 0001 or 9999 is a typing mistake, and LatePoint need not cope with it.
    in_range = f"use a date from {EARLIEST_DATE.year} to {LATEST_DATE.year}."
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(EARLIEST_DATE, message=in_range),
            MaxValueValidator(LATEST_DATE, message=in_range),
        ],
    )


class CustomerFilterForm(forms.Form):
    """Every filter of the customer list, plus the page size. All optional."""

    q = _text_field("Search")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STATUS_LABELS.items()],
    )
    guest = forms.ChoiceField(label="Account", required=False, choices=GUEST_CHOICES)
    has_bookings = forms.ChoiceField(label="Bookings", required=False, choices=BOOKINGS_CHOICES)
    created_after = _date_field("Created on or after")
    created_before = _date_field("Created on or before")
    first_name = _text_field("First name contains")
    last_name = _text_field("Last name contains")
    email = _text_field("Email contains")
    phone = _text_field("Phone contains")
    per_page = forms.TypedChoiceField(
        label="Per page",
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in PER_PAGE_CHOICES],
    )

    def list_query(self) -> ListQuery:
        """The filters, page and page size to show, corrected, with a notice per correction."""
        self.is_valid()
        data = self.cleaned_data
        notices: list[str] = []
        for name, errors in self.errors.items():
            if name in ("per_page", "page") or name not in self.fields:
                continue
            label = self.fields[name].label
            notices.append(f"“{label}” was ignored: {' '.join(errors)}")

        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:
            after, before = before, after
            notices.append(
                "“Created on or after” was later than “Created on or before”: "
                "the two dates were swapped."
            )

        filters = CustomerFilters(
            search=data.get("q") or None,
            status=data.get("status") or None,
            is_guest=_YES_NO.get(data.get("guest") or ""),
            has_bookings=_YES_NO.get(data.get("has_bookings") or ""),
            created_after=after,
            created_before=before,
            first_name=data.get("first_name") or None,
            last_name=data.get("last_name") or None,
            email=data.get("email") or None,
            phone=data.get("phone") or None,
        )
        per_page = _corrected_per_page(self.data.get("per_page"), notices)
        page = _corrected_page(self.data.get("page"), notices)
        return ListQuery(filters=filters, page=page, per_page=per_page, notices=notices)


def _corrected_per_page(raw: Any, notices: list[str]) -> int:
    if raw in (None, ""):
        return DEFAULT_PER_PAGE
    allowed = ", ".join(str(n) for n in PER_PAGE_CHOICES[:-1]) + f" or {PER_PAGE_CHOICES[-1]}"
    try:
        wanted = int(str(raw).strip())
    except ValueError:
        notices.append(
            f"The page size must be {allowed}: showing {DEFAULT_PER_PAGE} customers per page."
        )
        return DEFAULT_PER_PAGE
    if wanted in PER_PAGE_CHOICES:
        return wanted
    nearest = min(PER_PAGE_CHOICES, key=lambda n: (abs(n - wanted), n))
    notices.append(f"The page size must be {allowed}: showing {nearest} customers per page.")
    return nearest


def _corrected_page(raw: Any, notices: list[str]) -> int:
    if raw in (None, ""):
        return 1
    try:
        wanted = int(str(raw).strip())
    except ValueError:
        notices.append("The page number was not a number: showing the first page.")
        return 1
    if wanted < 1:
        notices.append("Pages are numbered from 1: showing the first page.")
        return 1
    return min(wanted, MAX_PAGE)


@dataclass
class ListQuery:
    """What the list shows: corrected filters, page and page size, and what was corrected."""

    filters: CustomerFilters
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    notices: list[str] = field(default_factory=list)

    def params(self, **overrides: Any) -> QueryDict:
        """The query string reproducing this view, without defaults (page 1, 20 per page)."""
        f = self.filters
        values: dict[str, Any] = {
            "q": f.search,
            "status": f.status,
            "guest": _choice_for(f.is_guest, "guest", "registered"),
            "has_bookings": _choice_for(f.has_bookings, "yes", "no"),
            "created_after": f.created_after.isoformat() if f.created_after else None,
            "created_before": f.created_before.isoformat() if f.created_before else None,
            "first_name": f.first_name,
            "last_name": f.last_name,
            "email": f.email,
            "phone": f.phone,
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else None,
            "page": self.page if self.page != 1 else None,
        }
        values.update(overrides)
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if key == "page" and value == 1:
                continue
            if key == "per_page" and value == DEFAULT_PER_PAGE:
                continue
            if value not in (None, ""):
                query[key] = str(value)
        return query

    def querystring(self, **overrides: Any) -> str:
        """`?…` for a link to this view (with overrides, e.g. page=3), or "" for the defaults."""
        encoded = self.params(**overrides).urlencode()
        return f"?{encoded}" if encoded else ""

    @property
    def more_filters_set(self) -> bool:
        return any(getattr(self.filters, name, None) is not None for name in MORE_FILTERS)


def _choice_for(value: bool | None, yes: str, no: str) -> str | None:
    if value is None:
        return None
    return yes if value else no
