"""The client's orders, invoices and payments methods (latepoint-api.md §2.7, §2.8).

Orders answer bare objects (S7) or S3 lists; payments answer S3 with P4 paging, S4 on writes,
and E4 errors (`{"success":false,"error":"text"}`), which reach the usual error classes: the
HTTP status decides, and a refusal whose text says "not found" is NotFound whatever status
carried it. Like every write, these are sent once and never retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from latepoint import envelope, parsing
from latepoint.errors import InvalidRequest, NotFound
from latepoint.models import Invoice, Order, Page, Payment
from latepoint.transport import Transport, _path_id

#: Keyword names the front office may use for a payment's fields, in LatePoint's spelling.
_PAYMENT_NAMES = {"portion": "payment_portion", "method": "payment_method"}


@contextmanager
def _not_found_by_text() -> Iterator[None]:
    """E4 errors carry only text: "Payment not found" is NotFound even on a 400."""
    try:
        yield
    except InvalidRequest as exc:
        if "not found" not in exc.message.lower():
            raise
        raise NotFound(
            status=exc.status, code=exc.code, message=exc.message, field_errors=exc.field_errors
        ) from None


def _payment_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {_PAYMENT_NAMES.get(name, name): value for name, value in fields.items()}


class MoneyMethods(Transport):
    """Orders, invoices, transactions and payments (mixed into LatePointClient)."""

    # --- orders ------------------------------------------------------------------------------
    def list_orders(
        self,
        *,
        customer_id: int | None = None,
        status: str | None = None,
        payment_status: str | None = None,
        fulfillment_status: str | None = None,
        created_after: date | None = None,
        created_before: date | None = None,
        search: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        page: int = 1,
        per_page: int = 100,
    ) -> Page[Order]:
        """GET /orders, newest first by default; `created_after`/`created_before` are site
        days, inclusive."""
        params = {
            "customer_id": customer_id,
            "status": status,
            "payment_status": payment_status,
            "fulfillment_status": fulfillment_status,
            "created_after": created_after,
            "created_before": created_before,
            "search": search,
            "sort": sort,
            "order": order.lower() if order else None,
            "page": page,
            "per_page": per_page,
        }
        body = self._request("GET", "/orders", params=params)
        return self._page(body, lambda row: parsing.require_order(row, self.tz), page, per_page)

    def get_order(self, order_id: int) -> Order:
        """GET /orders/{id}: the order with its bookings (`booking_ids`, from its items)."""
        oid = _path_id(order_id, "order")
        body = self._request("GET", f"/orders/{oid}")
        return self._parse(parsing.require_order, envelope.unwrap(body), self.tz)

    def create_order(
        self,
        customer_id: int,
        total: Decimal | int | str,
        subtotal: Decimal | int | str | None = None,
        status: str = "open",
        payment_status: str = "not_paid",
        notes: str = "",
        **extra: Any,
    ) -> Order:
        """POST /orders: an order of the customer's (a fee, say); `subtotal` is the total
        unless given. `extra` holds LatePoint's other fields (`tax_total`, `customer_comment`,
        ...). Never retried."""
        fields = {
            "customer_id": customer_id,
            "total": total,
            "subtotal": total if subtotal is None else subtotal,
            "status": status,
            "payment_status": payment_status,
            "notes": notes,
            **extra,
        }
        body = self._request("POST", "/orders", body=fields)
        return self._parse(parsing.require_order, envelope.unwrap(body), self.tz)

    def update_order(self, order_id: int, **fields: Any) -> Order:
        """PUT /orders/{id} with only the given fields. Never retried."""
        oid = _path_id(order_id, "order")
        body = self._request("PUT", f"/orders/{oid}", body=fields)
        payload = envelope.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": oid}
        return self._parse(parsing.require_order, payload, self.tz)

    def list_order_invoices(self, order_id: int) -> list[Invoice]:
        """GET /orders/{id}/invoices."""
        oid = _path_id(order_id, "order")
        body = self._request("GET", f"/orders/{oid}/invoices")
        return self._parse(parsing.parse_list, body, parsing.parse_invoice, self.tz)

    def update_invoice(self, order_id: int, invoice_id: int, **fields: Any) -> Invoice:
        """PUT /orders/{id}/invoices/{invoice_id} (`status`, `charge_amount`). Never retried."""
        oid = _path_id(order_id, "order")
        iid = _path_id(invoice_id, "invoice")
        body = self._request("PUT", f"/orders/{oid}/invoices/{iid}", body=fields)
        payload = envelope.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": iid}
        return self._parse(parsing.parse_invoice, payload, self.tz)

    def list_order_transactions(self, order_id: int) -> list[Payment]:
        """GET /orders/{id}/transactions: the order's payments and refunds."""
        oid = _path_id(order_id, "order")
        body = self._request("GET", f"/orders/{oid}/transactions")
        return self._parse(parsing.parse_list, body, parsing.parse_payment, self.tz)

    # --- payments ----------------------------------------------------------------------------
    def list_payments(
        self,
        *,
        page: int = 1,
        per_page: int = 100,
        date_from: date | None = None,
        date_to: date | None = None,
        customer_id: int | None = None,
        order_id: int | None = None,
        status: str | None = None,
        payment_method: str | None = None,
        kind: str | None = None,
        search: str | None = None,
    ) -> Page[Payment]:
        """GET /payments, newest first; `date_from`/`date_to` are site days, inclusive;
        `search` matches a token, notes or a receipt number."""
        params = {
            "page": page,
            "per_page": per_page,
            "date_from": date_from,
            "date_to": date_to,
            "customer_id": customer_id,
            "order_id": order_id,
            "status": status,
            "payment_method": payment_method,
            "kind": kind,
            "search": search,
        }
        with _not_found_by_text():
            body = self._request("GET", "/payments", params=params)
        return self._page(body, lambda row: parsing.parse_payment(row, self.tz), page, per_page)

    def get_payment(self, payment_id: int) -> Payment:
        pid = _path_id(payment_id, "payment")
        with _not_found_by_text():
            body = self._request("GET", f"/payments/{pid}")
        return self._parse(parsing.parse_payment, envelope.unwrap(body), self.tz)

    def create_payment(
        self,
        *,
        order_id: int,
        amount: Decimal | int | str,
        customer_id: int | None = None,
        payment_method: str = "other",
        processor: str = "manual",
        portion: str = "full",
        kind: str = "capture",
        status: str = "succeeded",
        notes: str = "",
        token: str | None = None,
    ) -> Payment:
        """POST /payments: a capture, or a refund (`kind="refund"`, a positive amount).
        Never retried: after a lost answer, look for `token` with list_payments(search=...).
        Refused amounts and unknown statuses are InvalidRequest; an unknown order NotFound."""
        fields = {
            "order_id": _path_id(order_id, "order"),
            "amount": amount,
            "customer_id": customer_id,
            "payment_method": payment_method,
            "processor": processor,
            "payment_portion": portion,
            "kind": kind,
            "status": status,
            "notes": notes,
            "token": token,
        }
        with _not_found_by_text():
            body = self._request(
                "POST", "/payments", body={k: v for k, v in fields.items() if v is not None}
            )
        return self._parse(parsing.parse_payment, envelope.unwrap(body), self.tz)

    def update_payment(self, payment_id: int, **fields: Any) -> Payment:
        """PUT /payments/{id} with only the given fields (`portion` and `method` may be used
        for payment_portion and payment_method). Never retried."""
        pid = _path_id(payment_id, "payment")
        with _not_found_by_text():
            body = self._request("PUT", f"/payments/{pid}", body=_payment_fields(fields))
        payload = envelope.unwrap(body)
        if isinstance(payload, Mapping) and "id" not in payload:
            payload = {**payload, "id": pid}
        return self._parse(parsing.parse_payment, payload, self.tz)
