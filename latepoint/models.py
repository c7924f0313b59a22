"""Typed results: frozen dataclasses, and StrEnums for the closed vocabularies.

`latepoint.parsing` reads them from every documented variant (latepoint-api.md §1.10). Raw dicts
never leave the package: the rest of the app sees only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BookingStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # also read from "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    BLOCKED = "blocked"
    PENDING_VERIFICATION = "pending_verification"  # also read from "pending"


@dataclass(frozen=True)
class Address:
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.street, self.city, self.state, self.postal_code, self.country))


@dataclass(frozen=True)
class Favorite:
    """A customer's favourite agent, service or location, with how often they booked it."""

    id: int | None
    name: str
    booking_count: int | None = None


@dataclass(frozen=True)
class CustomerStats:
    total_bookings: int = 0
    completed_bookings: int = 0
    cancelled_bookings: int = 0
    no_show_bookings: int | None = None  # not in the list payload
    pending_bookings: int | None = None  # not in the list payload
    future_bookings: int | None = None
    total_spent: Decimal = Decimal("0")
    average_booking_value: Decimal | None = None
    first_booking_date: date | None = None
    last_booking_date: date | None = None
    next_booking_date: date | None = None
    favorite_agent: Favorite | None = None
    favorite_service: Favorite | None = None
    favorite_location: Favorite | None = None
    booking_frequency: str | None = None


@dataclass(frozen=True)
class Agent:
    id: int
    first_name: str = ""
    last_name: str = ""
    display_name: str = ""  # from display_name, full_name, or first + last
    email: str = ""
    phone: str = ""
    status: str = ""


@dataclass(frozen=True)
class Service:
    id: int
    name: str = ""
    duration: int | None = None  # minutes
    price: Decimal | None = None  # charge_amount, else price_min
    status: str = ""


@dataclass(frozen=True)
class Location:
    id: int
    name: str = ""
    address: str = ""  # from address or full_address
    status: str = ""


@dataclass(frozen=True)
class BookingCustomer:
    """The customer as embedded in a booking."""

    id: int | None
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Order:
    """An order: what a customer owes for bookings (`booking_ids`, from its items) or a fee.

    Statuses are LatePoint's words as given: `status` open, cancelled, completed;
    `payment_status` not_paid, partially_paid, fully_paid, processing, refunded,
    partially_refunded; `fulfillment_status` not_fulfilled, partially_fulfilled, fulfilled.
    An order embedded in a booking has no items, customer or notes: those stay empty.
    """

    id: int | None
    confirmation_code: str = ""
    status: str = ""
    fulfillment_status: str = ""
    payment_status: str = ""
    total: Decimal | None = None
    subtotal: Decimal | None = None
    customer_comment: str = ""
    created_at: datetime | None = None
    customer_id: int | None = None
    tax_total: Decimal | None = None
    notes: str = ""
    booking_ids: tuple[int, ...] = ()
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Invoice:
    """A request for payment of an order; `status` open, paid, partially_paid, draft, void or
    uncollectible."""

    id: int
    order_id: int | None = None
    status: str = ""
    charge_amount: Decimal | None = None
    invoice_number: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Payment:
    """A payment (LatePoint's transaction) on an order: a capture, or a refund.

    `amount` is never negative: a refund is `kind` "refund" with a positive amount. `status`
    is succeeded, processing or failed ("completed" is read as succeeded, "pending" as
    processing); `portion` is full, deposit or balance. `booking_id` is only known when the
    answer names it (a payment made for a booking).
    """

    id: int
    order_id: int | None = None
    customer_id: int | None = None
    invoice_id: int | None = None
    amount: Decimal = Decimal("0")
    kind: str = "capture"
    status: str = ""
    payment_method: str = ""
    processor: str = ""
    portion: str = ""
    notes: str = ""
    receipt_number: str = ""
    token: str = ""
    created_at: datetime | None = None  # aware (MySQL datetimes are read in the site's zone)
    updated_at: datetime | None = None
    booking_id: int | None = None

    @property
    def is_refund(self) -> bool:
        return self.kind == "refund"

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class Transaction:
    id: int | None
    amount: Decimal | None = None
    status: str = ""
    payment_method: str = ""
    processor: str = ""
    kind: str = ""
    created_at: datetime | None = None
    # None when the payload does not carry the field at all ("" when it is empty).
    receipt_number: str | None = None
    notes: str | None = None
    token: str | None = None

    @property
    def whole(self) -> bool:
        """Whether it says all a payment line shows (receipt and note included), so the
        order's own list of payments need not be read."""
        return (
            self.id is not None
            and self.amount is not None
            and self.receipt_number is not None
            and self.notes is not None
        )


@dataclass(frozen=True)
class ServiceExtra:
    id: int | None
    name: str = ""
    quantity: int = 1
    price: Decimal | None = None


@dataclass(frozen=True)
class Booking:
    id: int
    booking_code: str = ""
    status: BookingStatus | str = BookingStatus.PENDING  # an unknown value is kept as str
    start: datetime | None = None  # timezone-aware, in the booking's own timezone
    end: datetime | None = None
    timezone: str = ""  # e.g. "America/Montevideo"; "" when the payload gives none
    duration: int | None = None  # minutes
    service: Service | None = None
    agent: Agent | None = None
    location: Location | None = None
    customer: BookingCustomer | None = None
    price: Decimal | None = None
    payment_status: str = ""
    customer_comment: str = ""
    notes: str = ""
    order: Order | None = None
    transactions: tuple[Transaction, ...] = ()
    service_extras: tuple[ServiceExtra, ...] = ()
    manage_booking_for_agent: str = ""
    manage_booking_for_customer: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Slot:
    """A free start time from GET /availability, aware in the site's timezone."""

    start: datetime
    end: datetime | None = None  # None when the answer gave neither an end nor a duration

    @property
    def start_time(self) -> time:
        return self.start.time()

    @property
    def end_time(self) -> time | None:
        return self.end.time() if self.end else None


@dataclass(frozen=True)
class Customer:
    id: int
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    status: CustomerStatus | str = CustomerStatus.ACTIVE  # an unknown value is kept as str
    is_guest: bool = False
    wordpress_user_id: int | None = None  # from wordpress_user_id or wp_user_id
    avatar_url: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    address: Address = field(default_factory=Address)  # nested or flat in the payload
    notes: str = ""
    admin_notes: str = ""
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None  # aware (MySQL datetimes are read in the site's zone)
    updated_at: datetime | None = None
    stats: CustomerStats | None = None  # None when the payload has no stats block
    bookings: tuple[Booking, ...] = ()  # from include=bookings|upcoming_bookings|past_bookings

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int
    total: int
    total_pages: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True)
class ApiStatus:
    ok: bool
    version: str = ""
    raw_status: str = ""
