"""Customer services: the profile (one upstream call), its booking tabs, and its history.

The first paint of /customers/<id>/ is a single `get_customer` with every block the page
shows; each booking tab the user opens is one more `get_customer` narrowed to that tab.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit.models import AuditEntry
from customers.custom_fields import is_sensitive, label_for, visible_custom_fields
from customers.services.today_strip import customer_today_bookings
from frontoffice.formatting import business_timestamp, safe_url
from frontoffice.risk import RiskAssessment, assess_risk, completion_rate, no_show_rate
from frontoffice.roles import is_manager
from latepoint.models import Booking, BookingStatus, Customer, CustomerStats
from upstream.gateway import api

__all__ = [
    "BOOKING_TABS",
    "DEFAULT_TAB",
    "HISTORY_LIMIT",
    "MAX_BOOKINGS_LIMIT",
    "PROFILE_INCLUDE",
    "TAB_PAGE_SIZE",
    "BookingTab",
    "CustomerProfile",
    "HistoryChange",
    "HistoryRow",
    "TabRequest",
    "customer_bookings_get",
    "customer_history_list",
    "customer_profile_get",
    "parse_tab_request",
]

#: The blocks the profile's first paint asks for, in its one upstream call.
PROFILE_INCLUDE = ("stats", "upcoming_bookings", "custom_fields", "notes")

#: Bookings shown per tab at first, and how many more each "show more" adds.
TAB_PAGE_SIZE = 10
#: The most bookings one tab asks LatePoint for.
MAX_BOOKINGS_LIMIT = 100
#: Audit entries shown in the profile's history.
HISTORY_LIMIT = 20

DEFAULT_TAB = "upcoming"


@dataclass(frozen=True)
class TabSpec:
    key: str
    label: str
    include: str  # the `include` block that carries the bookings
    status: str | None = None  # `bookings_status`


#: Tab key -> what it shows and how it is fetched; the order is the order of the tab bar.
BOOKING_TABS: dict[str, TabSpec] = {
    spec.key: spec
    for spec in (
        TabSpec("upcoming", "Upcoming", "upcoming_bookings"),
        TabSpec("past", "Past", "past_bookings"),
        TabSpec("pending", "Pending", "bookings", BookingStatus.PENDING.value),
        TabSpec("approved", "Approved", "bookings", BookingStatus.APPROVED.value),
        TabSpec("completed", "Completed", "bookings", BookingStatus.COMPLETED.value),
        TabSpec("cancelled", "Cancelled", "bookings", BookingStatus.CANCELLED.value),
        TabSpec("no_show", "No-show", "bookings", BookingStatus.NO_SHOW.value),
    )
}


@dataclass(frozen=True)
class TabRequest:
    """A tab and a size read from query parameters, with a message if they were corrected."""

    tab: str = DEFAULT_TAB
    limit: int = TAB_PAGE_SIZE
    notice: str = ""

    @property
    def is_default(self) -> bool:
        return self.tab == DEFAULT_TAB and self.limit == TAB_PAGE_SIZE


@dataclass(frozen=True)
class BookingTab:
    """One open tab: its bookings (at most `limit`), and whether there are more."""

    key: str
    label: str
    bookings: tuple[Booking, ...]
    limit: int
    has_more: bool
    notice: str = ""
    #: Cancelled bookings left out of Upcoming (they have their own tab).
    cancelled_hidden: int = 0

    @property
    def next_limit(self) -> int:
        return min(self.limit + TAB_PAGE_SIZE, MAX_BOOKINGS_LIMIT)


@dataclass(frozen=True)
class HistoryChange:
    field: str
    before: str
    after: str
    is_detail: bool = False  # a free-form detail rather than a before/after pair


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: str
    action: str
    summary: str
    changes: tuple[HistoryChange, ...]
    succeeded: bool
    result: str
    error: str
    hidden_changes: int = 0


@dataclass(frozen=True)
class CustomerProfile:
    customer: Customer
    stats: CustomerStats
    has_stats: bool
    upcoming: BookingTab
    upcoming_count: int | None
    risk: RiskAssessment
    completion_rate: Decimal | None
    no_show_rate: Decimal | None
    avatar_url: str
    custom_fields: list[tuple[str, str, str]]
    hidden_sensitive_fields: int
    can_see_sensitive: bool
    history: list[HistoryRow] = field(default_factory=list)
    #: Today's bookings (`today_strip`), those that began earlier today too.
    today: tuple[Booking, ...] = ()

    @property
    def has_bookings(self) -> bool:
        return self.stats.total_bookings > 0


def parse_tab_request(params: Any) -> TabRequest:
    """Read `tab` and `limit` from a QueryDict; unknown or malformed values fall back."""
    notices = []
    tab = (params.get("tab") or DEFAULT_TAB).strip()
    if tab not in BOOKING_TABS:
        notices.append("That list of bookings does not exist; showing upcoming bookings.")
        tab = DEFAULT_TAB
    raw_limit = params.get("limit")
    limit = TAB_PAGE_SIZE
    if raw_limit not in (None, ""):
        try:
            limit = int(raw_limit)
        except (TypeError, ValueError):
            notices.append(f"Showing {TAB_PAGE_SIZE} bookings: the number asked for was unclear.")
        else:
            if limit < 1:
                limit = TAB_PAGE_SIZE
                notices.append(
                    f"Showing {TAB_PAGE_SIZE} bookings: the number asked for was too low."
                )
            elif limit > MAX_BOOKINGS_LIMIT:
                limit = MAX_BOOKINGS_LIMIT
                notices.append(f"Showing at most {MAX_BOOKINGS_LIMIT} bookings at a time.")
    return TabRequest(tab=tab, limit=limit, notice=" ".join(notices))


def _ordered(bookings: tuple[Booking, ...], tab: str) -> tuple[Booking, ...]:
    """Upcoming soonest first, past latest first; other tabs keep LatePoint's order."""
    if tab not in ("upcoming", "past"):
        return bookings
    dated = [b for b in bookings if b.start is not None]
    undated = [b for b in bookings if b.start is None]
    dated.sort(key=lambda b: b.start, reverse=tab == "past")
    return (*dated, *undated)


def _tab_from(
    bookings: tuple[Booking, ...], *, key: str, limit: int, notice: str = ""
) -> BookingTab:
    # One more than shown is asked for, so "show more" appears only when there is more.
    spec = BOOKING_TABS[key]
    ordered = _ordered(bookings, key)
    shown = ordered[:limit]
    cancelled = 0
    if key == "upcoming":
        kept = tuple(b for b in shown if b.status != BookingStatus.CANCELLED)
        shown, cancelled = kept, len(shown) - len(kept)
    return BookingTab(
        key=key,
        label=spec.label,
        bookings=shown,
        limit=limit,
        has_more=len(ordered) > limit,
        notice=notice,
        cancelled_hidden=cancelled,
    )


def _upcoming_count(stats: CustomerStats, upcoming: BookingTab) -> int | None:
    """Future bookings from the stats; else counted, when the first paint holds them all."""
    if stats.future_bookings is not None:
        return stats.future_bookings
    return None if upcoming.has_more else len(upcoming.bookings)


def customer_profile_get(
    *, customer_id: int, user: Any, today: date, upcoming_limit: int = TAB_PAGE_SIZE
) -> CustomerProfile:
    """Everything the profile shows, from one upstream call plus the local audit trail.

    Sensitive custom fields are left out entirely for users who may not see them.
    Raises latepoint.errors.NotFound for an unknown customer.
    """
    customer = api().get_customer(
        customer_id, include=PROFILE_INCLUDE, bookings_limit=upcoming_limit + 1
    )
    has_stats = customer.stats is not None
    stats = customer.stats or CustomerStats()
    upcoming = _tab_from(customer.bookings, key="upcoming", limit=upcoming_limit)
    can_see_sensitive = is_manager(user)
    shown = visible_custom_fields(customer.custom_fields, can_see_sensitive=can_see_sensitive)
    hidden = 0 if can_see_sensitive else sum(1 for k in customer.custom_fields if is_sensitive(k))
    if hidden:
        # The values must not reach the template context at all, not only stay unrendered.
        customer = replace(
            customer,
            custom_fields={k: v for k, v in customer.custom_fields.items() if not is_sensitive(k)},
        )
    return CustomerProfile(
        customer=customer,
        stats=stats,
        has_stats=has_stats,
        upcoming=upcoming,
        upcoming_count=_upcoming_count(stats, upcoming),
        risk=assess_risk(stats, today=today, customer=customer, bookings=customer.bookings),
        completion_rate=completion_rate(stats),
        no_show_rate=no_show_rate(stats),
        # https only: a plain-http image would be mixed content, refused by the
        # Content-Security-Policy (img-src 'self' https: data:); initials are shown instead.
        avatar_url=safe_url(customer.avatar_url, schemes=("https",)),
        custom_fields=shown,
        hidden_sensitive_fields=hidden,
        can_see_sensitive=can_see_sensitive,
        history=customer_history_list(customer_id=customer.id, can_see_sensitive=can_see_sensitive),
        today=customer_today_bookings(customer=customer, stats=stats, today=today),
    )


def customer_bookings_get(
    *, customer_id: int, tab: str, limit: int = TAB_PAGE_SIZE, notice: str = ""
) -> BookingTab:
    """One tab of the customer's bookings: one upstream call, `limit` bookings at most.

    Raises latepoint.errors.NotFound for an unknown customer, KeyError for an unknown tab.
    """
    spec = BOOKING_TABS[tab]
    limit = max(1, min(limit, MAX_BOOKINGS_LIMIT))
    customer = api().get_customer(
        customer_id,
        include=(spec.include,),
        bookings_limit=limit + 1,
        bookings_status=spec.status,
    )
    return _tab_from(customer.bookings, key=tab, limit=limit, notice=notice)


# --- history ------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_display(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    # Stored in UTC (a check-in's time): shown on the business's clock like "When".
    return business_timestamp(value, fmt="j M Y H:i") or str(value)


def _field_label(name: str) -> str:
    if name.startswith("custom_fields."):
        return label_for(name.split(".", 1)[1])
    return label_for(name)


def _is_sensitive_name(name: str) -> bool:
    return is_sensitive(name.rsplit(".", 1)[-1])


def _flatten_changes(changes: Any) -> list[tuple[str, Any, Any, bool]]:
    """(field, before, after, is_detail) for each changed field; nested dicts become a.b."""
    if not isinstance(changes, dict):
        return [("details", None, changes, True)] if changes else []
    rows: list[tuple[str, Any, Any, bool]] = []
    for name, value in changes.items():
        name = str(name)
        if isinstance(value, dict) and set(value) <= {"before", "after"} and value:
            before, after = value.get("before"), value.get("after")
            if isinstance(before, dict) or isinstance(after, dict):
                # A dict-valued field (custom_fields): one row per key that changed.
                before = before if isinstance(before, dict) else {}
                after = after if isinstance(after, dict) else {}
                for key in sorted(set(before) | set(after), key=str):
                    if before.get(key) != after.get(key):
                        rows.append((f"{name}.{key}", before.get(key), after.get(key), False))
            else:
                rows.append((name, before, after, False))
        else:
            rows.append((name, None, value, True))
    return rows


def customer_history_list(
    *, customer_id: int, can_see_sensitive: bool, limit: int = HISTORY_LIMIT
) -> list[HistoryRow]:
    """The latest audit entries about this customer, sensitive values left out if not allowed."""
    entries = AuditEntry.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")
    rows = []
    for entry in entries[:limit]:
        changes = []
        hidden = 0
        for name, before, after, is_detail in _flatten_changes(entry.changes):
            if not can_see_sensitive and _is_sensitive_name(name):
                hidden += 1
                continue
            changes.append(
                HistoryChange(
                    field=_field_label(name) if not is_detail else name.replace("_", " "),
                    before="" if is_detail else _display(before),
                    after=_display(after),
                    is_detail=is_detail,
                )
            )
        rows.append(
            HistoryRow(
                when=entry.created_at,
                who=entry.username or "(deleted account)",
                action=entry.get_action_display(),
                summary=entry.summary,
                changes=tuple(changes),
                succeeded=entry.result == AuditEntry.Result.OK,
                result=entry.get_result_display(),
                error=entry.error,
                hidden_changes=hidden,
            )
        )
    return rows
