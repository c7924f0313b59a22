"""Forms: the status change (with its confirmation), the list filters and the board filters.

Filter forms never fail a page: a value that cannot be used is dropped with a message saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from bookings.reasons import REASON_TEXT_MAX, reason_kind, reason_picked
from bookings.services.listing import PAYMENT_STATUSES, SORT_FIELDS, BookingFilters
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
#: The list opens in time order, from today on (see `BookingFilterForm.filters`).
DEFAULT_SORT = "start_date"
DEFAULT_ORDER = "asc"
#: Statuses only a booking that has begun can have: the list's "from today on" does not apply
#: to them (it would hide every one), and they list latest first.
PAST_ONLY_STATUSES = ("completed", "no_show")
#: The widest date range the list accepts (a longer one is cut to this).
MAX_RANGE_DAYS = 366
#: Filters tucked under "More filters" (its fold opens when one of them is set).
MORE_FILTERS = ("agent", "service", "location", "payment_status")


class StatusChangeForm(forms.Form):
    """One status change. `confirmed` is set by the confirmation step (JS or the server page).

    A cancellation or a no-show asks why: `reason`, a reason's slug from the admin's list
    (`bookings.reasons`), and optional words of its own in `reason_text`.
    """

    to_status = forms.ChoiceField(choices=STATUS_CHOICES, widget=forms.HiddenInput)
    seen_status = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=80, label="Reason")
    reason_text = forms.CharField(
        required=False,
        max_length=REASON_TEXT_MAX,
        label="More about it (optional)",
        help_text="Kept by the front office for the audit trail; not sent to the customer.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        kind = reason_kind(data.get("to_status", ""))
        if kind and (data.get("confirmed") == "yes" or data.get("reason")):
            try:
                self.picked = reason_picked(
                    kind=kind, slug=data.get("reason", ""), text=data.get("reason_text", "")
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data

    @property
    def is_confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("confirmed") == "yes"

    @property
    def reason_missing(self) -> bool:
        """Posted without choosing a reason the change asks for (a quick action: the
        confirmation page then asks)."""
        kind = reason_kind(self.data.get("to_status", ""))
        return bool(kind) and not (self.data.get("reason") or "").strip()


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

    def filters(self, *, today: date | None = None) -> tuple[BookingFilters, list[str]]:
        """The usable filters, and a message for each value that was dropped or corrected.

        With no date in the address (neither `date_from` nor `date_to`, not even empty), the
        list runs from `today` (the business's) on: the desk opens it on what comes next. An
        empty `date_from` is the user's own choice of every date.
        """
        self.is_valid()
        messages = []
        for name in self.errors:
            label = self.fields[name].label or name.replace("_", " ").capitalize()
            value = self.data.get(name, "")
            messages.append(f"{label}: “{value[:40]}” is not a valid value and was ignored.")
        data = self.cleaned_data
        date_from, date_to = data.get("date_from"), data.get("date_to")
        dates_chosen = any(
            name in self.data and name not in self.errors for name in ("date_from", "date_to")
        )
        past_only = data.get("status") in PAST_ONLY_STATUSES
        if not dates_chosen and not past_only:
            date_from = today or timezone.localdate()
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
            sort=data.get("sort") or DEFAULT_SORT,
            order=data.get("order")
            or ("desc" if past_only and not dates_chosen else DEFAULT_ORDER),
            page=data.get("page") or 1,
            per_page=data.get("per_page") or 25,
        )
        return filters, messages


def opens_from_today(data: QueryDict) -> bool:
    """True when the list's default "from today on" applies to the address `data`: it gives
    no date and no status that only a past booking can have."""
    dated = any(name in data for name in ("date_from", "date_to"))
    return not dated and data.get("status") not in PAST_ONLY_STATUSES


def _date_values(filters: BookingFilters) -> dict[str, str]:
    """The dates as the address carries them: none for the default (from today on), and an
    empty `date_from` for every date, so that the default does not come back."""
    date_from, date_to = filters.date_from, filters.date_to
    if date_to is None and date_from == timezone.localdate():
        return {}
    values = {}
    if date_from is not None or date_to is None:
        values["date_from"] = date_from.isoformat() if date_from else ""
    if date_to is not None:
        values["date_to"] = date_to.isoformat()
    return values


def filters_query(filters: BookingFilters, **overrides) -> str:
    """The query string that reproduces `filters` (with `overrides`), defaults left out."""
    values = {
        "status": filters.status or "",
        "agent": filters.agent_id or "",
        "service": filters.service_id or "",
        "location": filters.location_id or "",
        "payment_status": filters.payment_status or "",
        "search": filters.search or "",
        "sort": filters.sort if filters.sort != DEFAULT_SORT else "",
        "order": filters.order if filters.order != DEFAULT_ORDER else "",
        "per_page": filters.per_page if filters.per_page != 25 else "",
        "page": filters.page if filters.page != 1 else "",
    }
    values.update(overrides)
    query = QueryDict(mutable=True)
    query.update(_date_values(filters))
    for key, value in values.items():
        if key == "page" and str(value) == "1":
            continue
        if value not in ("", None):
            query[key] = str(value)
    return query.urlencode()


def every_date_query(filters: BookingFilters) -> str:
    """`filters` over every date (from the first page)."""
    return filters_query(replace(filters, date_from=None, date_to=None), page="")


def narrowed(filters: BookingFilters) -> bool:
    """True when a filter other than the dates is set (what "Clear filters" takes away)."""
    return any(
        (
            filters.status,
            filters.agent_id,
            filters.service_id,
            filters.location_id,
            filters.payment_status,
            filters.search,
        )
    )


def more_filters_set(filters: BookingFilters) -> bool:
    """True when a filter under "More filters" is set: the fold then shows open."""
    return any((filters.agent_id, filters.service_id, filters.location_id, filters.payment_status))


@dataclass(frozen=True)
class ListScope:
    """What the list shows, in words: its dates ("from today (Fri Nov 27) onwards") and its
    order ("earliest first")."""

    dates: str
    order: str


def list_scope(filters: BookingFilters, *, today: date | None = None) -> ListScope:
    today = today or timezone.localdate()
    date_from, date_to = filters.date_from, filters.date_to

    def day(value: date) -> str:
        # As the table writes dates ("Fri Nov 27, 2026"), the year only when it is not this one.
        text = f"{value:%a} {value:%b} {value.day}"
        if value == today:
            return f"today ({text})"
        return text if value.year == today.year else f"{text}, {value.year}"

    if date_from and date_to:
        if date_from == date_to:
            dates = f"on {day(date_from)}"
        else:
            dates = f"from {day(date_from)} to {day(date_to)}"
    elif date_from:
        dates = f"from {day(date_from)} onwards"
    elif date_to:
        dates = f"up to {day(date_to)}"
    else:
        dates = "of every date"
    return ListScope(dates=dates, order=SORT_WORDS.get((filters.sort, filters.order), "sorted"))


#: How each sort reads in `list_scope`.
SORT_WORDS = {
    ("start_date", "asc"): "earliest first",
    ("start_date", "desc"): "latest first",
    ("created_at", "asc"): "oldest booked first",
    ("created_at", "desc"): "newest booked first",
    ("customer_name", "asc"): "by customer, A to Z",
    ("customer_name", "desc"): "by customer, Z to A",
    ("status", "asc"): "by status, A to Z",
    ("status", "desc"): "by status, Z to A",
    ("id", "asc"): "by booking number, lowest first",
    ("id", "desc"): "by booking number, highest first",
}


def corrected_data(filters: BookingFilters) -> QueryDict:
    """The filter values as they are applied, to show the form with: the dates always, so
    the default "from today" shows today's date in From."""
    data = QueryDict(filters_query(filters), mutable=True)
    data["date_from"] = filters.date_from.isoformat() if filters.date_from else ""
    data["date_to"] = filters.date_to.isoformat() if filters.date_to else ""
    return data


#: How far from today a screen of one day may be asked to go.
DAY_RANGE_YEARS = 10


def day_from(value: str | None, *, today: date) -> tuple[date, str]:
    """The day `?date=` asks for (YYYY-MM-DD), or today with a message saying why not."""
    if not value:
        return today, ""
    field = forms.DateField(input_formats=["%Y-%m-%d"])
    try:
        day = field.clean(value.strip()[:10])
    except forms.ValidationError:
        return today, "Date: that is not a date (YYYY-MM-DD), so today is shown."
    if abs(day.year - today.year) > DAY_RANGE_YEARS:
        return today, f"Date: only days within {DAY_RANGE_YEARS} years of today, so today is shown."
    return day, ""


class TodayFilterForm(forms.Form):
    """The Today board's filters; the day itself (`?date=`) is read by `day_from`."""

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
            if name in ("agent", "location")
        ]
        return self.cleaned_data.get("agent"), self.cleaned_data.get("location"), messages


class CalendarFilterForm(TodayFilterForm):
    """The day calendar's filters: the day, a location or an agent, and what else to show."""

    date = forms.DateField(
        required=False,
        label="Date",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cancelled = forms.BooleanField(required=False, label="Show cancelled")
    every = forms.BooleanField(required=False, label="Every active agent")

    def options(self) -> tuple[bool, bool]:
        """(show cancelled bookings, show every active agent)."""
        self.is_valid()
        return bool(self.cleaned_data.get("cancelled")), bool(self.cleaned_data.get("every"))
