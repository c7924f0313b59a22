"""LatePointClient: the only code that talks to the LatePoint API over HTTP.

INTERFACE CONTRACT (bodies are completed in the client work; signatures are fixed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service


@dataclass(frozen=True)
class CallRecord:
    """What the on_call hook receives once per HTTP attempt (retries count separately)."""

    method: str
    path: str
    status: int | None  # None when no answer came (connection error, timeout)
    duration_ms: float
    attempt: int


class LatePointClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float | tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
        max_retries: int = 2,
        backoff: float = 0.2,
        retry_after_cap: float = 5.0,
        on_call: Callable[[CallRecord], None] | None = None,
    ) -> None:
        raise NotImplementedError

    # --- customers ---------------------------------------------------------------------
    def list_customers(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        has_bookings: bool | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        is_guest: bool | None = None,
        wordpress_user_id: int | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Customer]:
        raise NotImplementedError

    def get_customer(
        self,
        customer_id: int,
        *,
        include: Iterable[str] = ("stats",),
        bookings_limit: int | None = None,
        bookings_status: str | None = None,
    ) -> Customer:
        raise NotImplementedError

    def create_customer(self, fields: Mapping[str, Any]) -> Customer:
        """POST /customers. Never retried."""
        raise NotImplementedError

    def update_customer(self, customer_id: int, changes: Mapping[str, Any]) -> Customer:
        """PUT /customers/{id} with only the given fields. Never retried."""
        raise NotImplementedError

    def delete_customer(self, customer_id: int) -> None:
        raise NotImplementedError

    # --- bookings ----------------------------------------------------------------------
    def list_bookings(
        self,
        *,
        status: str | None = None,
        customer_id: int | None = None,
        agent_id: int | None = None,
        service_id: int | None = None,
        location_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        created_date_from: date | None = None,
        created_date_to: date | None = None,
        booking_code: str | None = None,
        payment_status: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Booking]:
        raise NotImplementedError

    def get_booking(self, booking_id: int) -> Booking:
        raise NotImplementedError

    def update_booking(self, booking_id: int, changes: Mapping[str, Any]) -> Booking:
        """PUT /bookings/{id}. Never retried."""
        raise NotImplementedError

    # --- reference data (every page fetched, per_page=100) ------------------------------
    def list_agents(self) -> list[Agent]:
        raise NotImplementedError

    def list_services(self) -> list[Service]:
        raise NotImplementedError

    def list_locations(self) -> list[Location]:
        raise NotImplementedError

    def status(self) -> ApiStatus:
        raise NotImplementedError
