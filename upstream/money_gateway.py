"""Orders and payments through the gateway: the cached reads are in READS (policies.py); the
writes are here. Every write calls LatePoint once and then, even when the answer was lost,
invalidates what it may have changed:

- a payment write: the payments lists, the order (its status, its transactions) and the
  order lists, and each booking of the order with the booking lists (a booking shows its
  payment status and transactions) and its customer's profile;
- an order write: the order, the order lists, the payments lists (a moved order moves its
  payments) and the same bookings and customer;
- an invoice write: the order and the order lists.

An order's bookings and customer are remembered when an order or a booking is read (and
from a write's answer); a caller that knows the booking says so with `booking_id=`, so that a
lost answer still refreshes that booking.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from latepoint.models import Booking, Invoice, Order, Payment
from upstream.read_cache import KEY_PREFIX, ReadCache, _id

#: How long an order's bookings and customer are remembered, in seconds.
OWNER_SECONDS = 86400


class MoneyGateway(ReadCache):
    """The gateway's orders and payments writes (mixed into CachedLatePoint)."""

    # --- what an order touches ---------------------------------------------------------------
    def _order_key(self, order_id: Any) -> str:
        return f"{KEY_PREFIX}:{self._scope}:order-owner:{_id(order_id)}"

    def _payment_key(self, payment_id: Any) -> str:
        return f"{KEY_PREFIX}:{self._scope}:payment-order:{_id(payment_id)}"

    def remember_order(
        self, order_id: Any, *, bookings: Iterable[Any] = (), customer: Any = None
    ) -> None:
        """Note which bookings and customer an order belongs to (added to what is known)."""
        if order_id is None:
            return
        known = cache.get(self._order_key(order_id)) or {"bookings": [], "customer": None}
        merged = sorted({*known["bookings"], *(_id(b) for b in bookings if b is not None)})
        found = {"bookings": merged, "customer": _id(customer) if customer else known["customer"]}
        if found != known:
            cache.set(self._order_key(order_id), found, OWNER_SECONDS)

    def remember_booking_order(self, booking: Booking) -> None:
        if booking.order is not None and booking.order.id is not None:
            customer = booking.customer.id if booking.customer else None
            self.remember_order(booking.order.id, bookings=[booking.id], customer=customer)

    def _order_generations(self, order_id: Any, booking_id: Any = None) -> list[str]:
        names = ["orders", "payments", "bookings"]
        if order_id is None:
            return names
        known = cache.get(self._order_key(order_id)) or {"bookings": [], "customer": None}
        bookings = {*known["bookings"], *([_id(booking_id)] if booking_id is not None else [])}
        names.append(f"order:{_id(order_id)}")
        names.extend(f"booking:{b}" for b in sorted(bookings))
        if known["customer"]:
            names.append(f"customer:{known['customer']}")
        return names

    def _write_order(
        self, order_id: Any, call: Callable[[], Any], *, booking_id: Any = None, extra=()
    ) -> Any:
        """Run a write about one order, then invalidate what it touches (see the module doc),
        even when the answer was lost."""
        touched: list[str] = list(extra)
        try:
            result = call()
            owner = getattr(result, "customer_id", None)
            found_order = getattr(result, "order_id", None) if isinstance(result, Payment) else None
            order_id = order_id if order_id is not None else found_order
            if isinstance(result, Order):
                order_id = result.id
            if order_id is not None:
                bookings = getattr(result, "booking_ids", ()) or ()
                if isinstance(result, Payment) and result.booking_id is not None:
                    bookings = (result.booking_id,)
                self.remember_order(order_id, bookings=bookings, customer=owner)
            if isinstance(result, Payment):
                cache.set(self._payment_key(result.id), _id(result.order_id), OWNER_SECONDS)
                touched.append(f"payment:{_id(result.id)}")
            return result
        finally:
            self._bump(*self._order_generations(order_id, booking_id), *touched)

    # --- payments ----------------------------------------------------------------------------
    def create_payment(self, *, booking_id: Any = None, **fields: Any) -> Payment:
        """A payment or refund (arguments as LatePointClient.create_payment; `booking_id`,
        when known, is the booking it pays for: refreshed even if the answer is lost)."""
        order_id = fields.get("order_id")
        return self._write_order(
            order_id, lambda: self.client.create_payment(**fields), booking_id=booking_id
        )

    def update_payment(
        self, payment_id: int, *, order_id: Any = None, booking_id: Any = None, **fields: Any
    ) -> Payment:
        """A payment's changes (arguments as LatePointClient.update_payment); `order_id` and
        `booking_id` as known to the caller (else remembered from earlier reads)."""
        if order_id is None:
            order_id = cache.get(self._payment_key(payment_id))
        return self._write_order(
            order_id,
            lambda: self.client.update_payment(payment_id, **fields),
            booking_id=booking_id,
            extra=(f"payment:{_id(payment_id)}",),
        )

    # --- orders and invoices -----------------------------------------------------------------
    def create_order(
        self, customer_id: int, total: Decimal | int | str, *args: Any, **fields: Any
    ) -> Order:
        """A new order (arguments as LatePointClient.create_order): a fee, say."""
        return self._write_order(
            None,
            lambda: self.client.create_order(customer_id, total, *args, **fields),
            extra=("orders", f"customer:{_id(customer_id)}"),
        )

    def update_order(self, order_id: int, *, booking_id: Any = None, **fields: Any) -> Order:
        extra = [f"customer:{_id(fields['customer_id'])}"] if "customer_id" in fields else []
        return self._write_order(
            order_id,
            lambda: self.client.update_order(order_id, **fields),
            booking_id=booking_id,
            extra=extra,
        )

    def update_invoice(self, order_id: int, invoice_id: int, **fields: Any) -> Invoice:
        try:
            return self.client.update_invoice(order_id, invoice_id, **fields)
        finally:
            self._bump("orders", f"order:{_id(order_id)}")
