"""Forms: the status change (with its confirmation), the list filters and the board filters.

Filter forms never fail a page: a value that cannot be used is dropped with a message saying so.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.http import QueryDict

from bookings.services.listing import PAYMENT_STATUSES, SORT_FIELDS, BookingFilters
from bookings.services.status import CANCEL_REASON_MAX
from frontoffice.formatting import status_label
from frontoffice.reference import ReferenceData
from latepoint.models import BookingStatus

STATUS_CHOICES = [(status.value, status_label(status)) for status in BookingStatus]
PAYMENT_CHOICES = [(value, status_label(value)) for value in PAYMENT_STATUSES]
SORT_LABELS = {
    "start_date": "Date",
    "created_at": "Created",
    "customer_name": "Customer",
    "status": "Status",
    "id": "ID",
}
PER_PAGE_CHOICES = [(n, str(n)) for n in (25, 50, 100)]
#: The widest date range the list accepts (a longer one is cut to this).
MAX_RANGE_DAYS = 366


class StatusChangeForm(forms.Form):
    """One status change. `confirmed` is set by the confirmation step (JS or the server page)."""

    to_status = forms.ChoiceField(choices=STATUS_CHOICES, widget=forms.HiddenInput)
    seen_status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False,
        max_length=CANCEL_REASON_MAX,
        label="Reason for cancelling",
        help_text="Kept by the front office for the audit trail; not sent to the customer.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        cancelling = data.get("to_status") == BookingStatus.CANCELLED
        if cancelling and data.get("confirmed") == "yes" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the booking is cancelled.")
        return data

    @property
    def is_confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("confirmed") == "yes"


def _choices(items, label) -> list[tuple[str, str]]:
    return [("", "Any")] + [(str(item.id), label(item)) for item in items]


class BookingFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *STATUS_CHOICES])
    agent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    service = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    location = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    payment_status = forms.ChoiceField(
        required=False, label="Payment", choices=[("", "Any"), *PAYMENT_CHOICES]
    )
    search = forms.CharField(
        required=False,
        max_length=100,
        label="Customer or booking code",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email or code"}),
    )
    sort = forms.ChoiceField(required=False, choices=[(f, SORT_LABELS[f]) for f in SORT_FIELDS])
    order = forms.ChoiceField(
        required=False, choices=[("asc", "Ascending"), ("desc", "Descending")]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    per_page = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=PER_PAGE_CHOICES, label="Per page"
    )

    def __init__(self, data: QueryDict, *, reference: ReferenceData) -> None:
        super().__init__(data)
        self.fields["agent"].choices = _choices(reference.agents, lambda a: a.display_name)
        self.fields["service"].choices = _choices(reference.services, lambda s: s.name)
        self.fields["location"].choices = _choices(reference.locations, lambda loc: loc.name)

    def filters(self) -> tuple[BookingFilters, list[str]]:
        """The usable filters, and a message for each value that was dropped or corrected."""
        self.is_valid()
        messages = []
        for name in self.errors:
            label = self.fields[name].label or name.replace("_", " ").capitalize()
            value = self.data.get(name, "")
            messages.append(f"{label}: “{value[:40]}” is not a valid value and was ignored.")
        data = self.cleaned_data
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
            messages.append("The dates were the wrong way round; they have been swapped.")
        if date_from and date_to and (date_to - date_from).days > MAX_RANGE_DAYS:
            date_to = date_from + timedelta(days=MAX_RANGE_DAYS)
            messages.append(f"The date range was cut to {MAX_RANGE_DAYS} days.")
        filters = BookingFilters(
            date_from=date_from,
            date_to=date_to,
            status=data.get("status") or None,
            agent_id=data.get("agent"),
            service_id=data.get("service"),
            location_id=data.get("location"),
            payment_status=data.get("payment_status") or None,
            search=(data.get("search") or "").strip() or None,
            sort=data.get("sort") or "start_date",
            order=data.get("order") or "desc",
            page=data.get("page") or 1,
            per_page=data.get("per_page") or 25,
        )
        return filters, messages


def filters_query(filters: BookingFilters, **overrides) -> str:
    """The query string that reproduces `filters` (with `overrides`), defaults left out."""
    values = {
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "status": filters.status or "",
        "agent": filters.agent_id or "",
        "service": filters.service_id or "",
        "location": filters.location_id or "",
        "payment_status": filters.payment_status or "",
        "search": filters.search or "",
        "sort": filters.sort if filters.sort != "start_date" else "",
        "order": filters.order if filters.order != "desc" else "",
        "per_page": filters.per_page if filters.per_page != 25 else "",
        "page": filters.page if filters.page != 1 else "",
    }
    values.update(overrides)
    query = QueryDict(mutable=True)
    for key, value in values.items():
        if key == "page" and str(value) == "1":
            continue
        if value not in ("", None):
            query[key] = str(value)
    return query.urlencode()


def corrected_data(filters: BookingFilters) -> QueryDict:
    """The filter values as they are applied, to show the corrected form."""
    return QueryDict(filters_query(filters))


class TodayFilterForm(forms.Form):
    agent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    location = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, data: QueryDict, *, reference: ReferenceData) -> None:
        super().__init__(data)
        self.fields["agent"].choices = _choices(reference.agents, lambda a: a.display_name)
        self.fields["location"].choices = _choices(reference.locations, lambda loc: loc.name)

    def filters(self) -> tuple[int | None, int | None, list[str]]:
        self.is_valid()
        messages = [
            f"{self.fields[name].label or name.capitalize()}: that choice is not available and "
            "was ignored."
            for name in self.errors
        ]
        return self.cleaned_data.get("agent"), self.cleaned_data.get("location"), messages
