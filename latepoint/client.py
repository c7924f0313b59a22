"""LatePointClient: the only code that talks to the LatePoint API over HTTP.

Every method goes through `Transport._request()` (latepoint.transport), which owns the session,
the timeouts, the retry policy and the hooks. Payloads are turned into the typed models of
`latepoint.models` by `latepoint.parsing`; raw dicts never leave the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from latepoint import envelope, parsing
from latepoint.errors import BadResponse, Conflict, SlotUnavailable
from latepoint.models import Agent, ApiStatus, Booking, Customer, Location, Page, Service, Slot
from latepoint.money_client import MoneyMethods
from latepoint.transport import CallRecord, Transport, _path_id

__all__ = ["ANY_AGENT", "CallRecord", "LatePointClient"]

#: agent_id for "the first free agent" (LatePoint also reads "-1").
ANY_AGENT = "any"


def _hhmm(value: time | str) -> str:
    """A start time as LatePoint wants it: HH:MM, 24 hours."""
    return value.strftime("%H:%M") if isinstance(value, time) else str(value).strip()


def _booking_payload(body: Any) -> Any:
    """A written booking: `data`, `data.booking` or the bare object (S1, S4, S7)."""
    payload = envelope.unwrap(body)
    if (
        isinstance(payload, Mapping)
        and isinstance(payload.get("booking"), Mapping)
        and "id" not in payload
        and "booking_id" not in payload
    ):
        payload = payload["booking"]
    return payload


def _check_deleted(body: Any) -> None:
    """A DELETE's answer: 204 No Content (None), or an object (S4 with `data`, S5 message only).

    An empty 200 is not among the documented answers and is refused before this (BadResponse,
    sent=True: the record may be gone or not, so the caller reads it back).
    """
    if body is not None and not isinstance(body, Mapping):
        raise BadResponse(f"expected an object for a delete, got {type(body).__name__}")


def _slot_error(exc: Conflict) -> Conflict:
    """A 409 on a booking write that is not about an email is the slot being taken."""
    if isinstance(exc, SlotUnavailable):
        return exc
    text = f"{exc.code} {exc.message} {' '.join(exc.field_errors.values())}".lower()
    if "email" in text:
        return exc
    return SlotUnavailable(
        status=exc.status, code=exc.code, message=exc.message, field_errors=exc.field_errors
    )


class LatePointClient(MoneyMethods, Transport):
    """LatePoint's REST API as typed methods (see Transport for how each call is made; the
    orders and payments methods are in latepoint.money_client)."""

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
        _check_deleted(self._request("DELETE", f"/customers/{cid}"))

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

    def create_booking(
        self,
        *,
        service_id: int,
        agent_id: int | str,
        start_date: date,
        start_time: time | str,
        customer_id: int | None = None,
        customer: Mapping[str, Any] | None = None,
        location_id: int | None = None,
        duration: int | None = None,
        price: Any = None,
        status: str | None = None,
        notes: str | None = None,
        send_confirmation: bool | None = None,
    ) -> Booking:
        """POST /bookings. Never retried.

        `agent_id` may be ANY_AGENT ("any") for the first free agent. The customer is
        `customer_id`, or `customer` ({first_name, last_name, email, phone}) to find by email
        or create. Unset fields take LatePoint's defaults (pending, the service's duration and
        price, the default location, a confirmation sent). A taken time is SlotUnavailable;
        invalid fields are InvalidRequest with `field_errors` (`customer.email`, ...).
        """
        fields: dict[str, Any] = {
            "service_id": service_id,
            "agent_id": agent_id,
            "start_date": start_date,
            "start_time": _hhmm(start_time),
            "customer_id": customer_id,
            "customer": dict(customer) if customer is not None and customer_id is None else None,
            "location_id": location_id,
            "duration": duration,
            "price": price,
            "status": status,
            "notes": notes,
            "send_confirmation": send_confirmation,
        }
        try:
            body = self._request(
                "POST", "/bookings", body={k: v for k, v in fields.items() if v is not None}
            )
        except Conflict as exc:
            raise _slot_error(exc) from None
        return self._parse(parsing.parse_booking, _booking_payload(body), self.tz)

    def reschedule_booking(
        self,
        booking_id: int,
        *,
        start_date: date | None = None,
        start_time: time | str | None = None,
        agent_id: int | None = None,
        service_id: int | None = None,
        location_id: int | None = None,
        duration: int | None = None,
        send_notification: bool | None = None,
    ) -> Booking:
        """PUT /bookings/{id} with only the given scheduling fields; LatePoint checks that
        the new time is free (the booking's own time never counts against it). Never retried.
        A taken time is SlotUnavailable; a past date is InvalidRequest."""
        changes: dict[str, Any] = {
            "start_date": start_date,
            "start_time": _hhmm(start_time) if start_time is not None else None,
            "agent_id": agent_id,
            "service_id": service_id,
            "location_id": location_id,
            "duration": duration,
            "send_notification": send_notification,
        }
        changes = {key: value for key, value in changes.items() if value is not None}
        if not changes.keys() - {"send_notification"}:
            raise ValueError("reschedule_booking needs something to change")
        try:
            return self.update_booking(booking_id, changes)
        except Conflict as exc:
            raise _slot_error(exc) from None

    def delete_booking(self, booking_id: int, *, force: bool = False) -> None:
        """DELETE /bookings/{id}. Never retried. Approved and completed bookings need
        `force=True` (without it: InvalidRequest)."""
        bid = _path_id(booking_id, "booking")
        body = self._request(
            "DELETE", f"/bookings/{bid}", params={"force": True if force else None}
        )
        _check_deleted(body)

    # --- availability --------------------------------------------------------------------
    def get_availability(
        self, service_id: int, agent_id: int, date: date, duration: int | None = None
    ) -> list[Slot]:
        """GET /availability: the agent's free start times on that day, in order."""
        params = {
            "service_id": service_id,
            "agent_id": agent_id,
            "date": date,
            "duration": duration,
        }
        body = self._request("GET", "/availability", params=params)
        return self._parse(
            parsing.parse_slots, envelope.unwrap(body), date, self.tz, duration=duration
        )

    def find_available_agents(
        self,
        service_id: int | None = None,
        date: date | None = None,
        start_time: time | str | None = None,
        location_id: int | None = None,
        duration: int | None = None,
    ) -> list[Agent]:
        """GET /agents/availability: the active agents free from `start_time` on `date` (give
        both, or neither for every active agent)."""
        params = {
            "service_id": service_id,
            "date": date,
            "start_time": _hhmm(start_time) if start_time is not None else None,
            "location_id": location_id,
            "duration": duration,
        }
        body = self._request("GET", "/agents/availability", params=params)
        return self._parse(parsing.parse_available_agents, envelope.unwrap(body))

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
