"""LatePointClient: the only code that talks to the LatePoint API over HTTP.

Every method goes through `Transport._request()` (latepoint.transport), which owns the session,
the timeouts, the retry policy and the hooks. Payloads are turned into the typed models of
`latepoint.models` by `latepoint.parsing`; raw dicts never leave the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from latepoint import envelope, parsing
from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service
from latepoint.transport import CallRecord, Transport, _path_id

__all__ = ["CallRecord", "LatePointClient"]


class LatePointClient(Transport):
    """LatePoint's REST API as typed methods (see Transport for how each call is made)."""

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
        params = {
            "search": search,
            "status": status,
            "created_after": created_after,
            "created_before": created_before,
            "has_bookings": has_bookings,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "is_guest": is_guest,
            "wordpress_user_id": wordpress_user_id,
            "created_at": created_at,
            "updated_at": updated_at,
            "page": page,
            "per_page": per_page,
        }
        body = self._request("GET", "/customers", params=params)
        return self._page(body, lambda row: parsing.parse_customer(row, self.tz), page, per_page)

    def get_customer(
        self,
        customer_id: int,
        *,
        include: Iterable[str] = ("stats",),
        bookings_limit: int | None = None,
        bookings_status: str | None = None,
    ) -> Customer:
        cid = _path_id(customer_id, "customer")
        params = {
            "include": ",".join(include) if not isinstance(include, str) else include,
            "bookings_limit": bookings_limit,
            "bookings_status": bookings_status,
        }
        body = self._request("GET", f"/customers/{cid}", params=params)
        return self._parse(parsing.parse_customer, envelope.unwrap(body), self.tz)

    def create_customer(self, fields: Mapping[str, Any]) -> Customer:
        """POST /customers. Never retried."""
        body = self._request("POST", "/customers", body=dict(fields))
        return self._parse(parsing.parse_customer, envelope.unwrap(body), self.tz)

    def update_customer(self, customer_id: int, changes: Mapping[str, Any]) -> Customer:
        """PUT /customers/{id} with only the given fields. Never retried.

        The answer (S4) holds only some fields (id, names, email, phone, status, updated_at):
        the returned Customer has defaults for the rest. Read the customer again for a full view.
        """
        cid = _path_id(customer_id, "customer")
        body = self._request("PUT", f"/customers/{cid}", body=dict(changes))
        payload = envelope.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": cid}
        return self._parse(parsing.parse_customer, payload, self.tz)

    def delete_customer(self, customer_id: int) -> None:
        """DELETE /customers/{id}. Never retried. A customer with bookings is refused (400)."""
        cid = _path_id(customer_id, "customer")
        self._request("DELETE", f"/customers/{cid}")

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
        params = {
            "status": status,
            "customer_id": customer_id,
            "agent_id": agent_id,
            "service_id": service_id,
            "location_id": location_id,
            "date_from": date_from,
            "date_to": date_to,
            "created_date_from": created_date_from,
            "created_date_to": created_date_to,
            "booking_code": booking_code,
            "payment_status": payment_status,
            "search": search,
            "sort": sort,
            "order": order.lower() if order else None,
            "page": page,
            "per_page": per_page,
        }
        body = self._request("GET", "/bookings", params=params)
        return self._page(body, lambda row: parsing.parse_booking(row, self.tz), page, per_page)

    def get_booking(self, booking_id: int) -> Booking:
        bid = _path_id(booking_id, "booking")
        body = self._request("GET", f"/bookings/{bid}")
        return self._parse(parsing.parse_booking, envelope.unwrap(body), self.tz)

    def update_booking(self, booking_id: int, changes: Mapping[str, Any]) -> Booking:
        """PUT /bookings/{id}. Never retried."""
        bid = _path_id(booking_id, "booking")
        body = self._request("PUT", f"/bookings/{bid}", body=dict(changes))
        payload = envelope.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": bid}
        return self._parse(parsing.parse_booking, payload, self.tz)

    # --- reference data (every page fetched, per_page=100) ------------------------------
    def list_agents(self) -> list[Agent]:
        return self._all_pages("/agents", parsing.parse_agent)

    def list_services(self) -> list[Service]:
        return self._all_pages("/services", parsing.parse_service)

    def list_locations(self) -> list[Location]:
        return self._all_pages("/locations", parsing.parse_location)

    def status(self) -> ApiStatus:
        body = self._request("GET", "/status")
        return self._parse(parsing.parse_status, body)
