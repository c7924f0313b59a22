"""The seed's orders, invoices and payments: one order per seeded booking (its `order_id`),
and a payment history that reads like a clinic's.

Past completed visits are mostly paid in full at the visit, in cash (manual) or by card
(stripe, square), some with a deposit taken when booked; a few were only part paid, a few
not paid at all, a few refunded in full or in part. Cancelled bookings are sometimes
refunded; future bookings are mostly unpaid, some with a deposit or paid ahead. Captures carry
receipt numbers; a payment is dated at the visit (a deposit when the booking was made).

It draws from its own random stream, so the bookings are the same with it as without it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from operator import itemgetter

from sandbox import money
from sandbox.models import Invoice, Order, OrderItem, Payment

#: Booking row positions (sandbox.seeding.BOOKING_COLUMNS).
ID, CUSTOMER, STATUS, START, END, DAY, PRICE, PAYMENT = 0, 2, 6, 7, 8, 9, 13, 14
COMMENT, ORDER, ORDER_CODE, TRANSACTIONS, EXTRAS, CREATED, UPDATED = 16, 17, 18, 19, 20, 23, 24
REFUND_NOTES = [
    "Refund: service not as expected",
    "Refund: cancelled with notice",
    "Refund: charged twice",
    "Goodwill refund",
]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _text(value: datetime) -> str:
    return value.isoformat(" ")


class MoneySeeder:
    """Turns booking rows into orders, invoices and payments (rows for insert_rows)."""

    def __init__(self, seed: int, today_iso: str, midnight_utc: datetime) -> None:
        self.rng = random.Random(seed * 7919 + 25)
        self.today = today_iso
        self.midnight = midnight_utc.replace(tzinfo=None)
        self.payment_id = 0
        self.orders: list[tuple] = []
        self.items: list[tuple] = []
        self.invoices: list[tuple] = []
        self.payments: list[tuple] = []

    def take(self) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        """The rows made since the last call: orders, items, invoices, payments."""
        made = (self.orders, self.items, self.invoices, self.payments)
        self.orders, self.items, self.invoices, self.payments = [], [], [], []
        return made

    def add(self, rows: list[tuple]) -> list[tuple]:
        """The booking rows with their payment status set from the payments made for them."""
        return [self.booking(row) for row in rows]

    def booking(self, row: tuple) -> tuple:
        extras = json.loads(row[EXTRAS])
        total = Decimal(row[PRICE]) + sum((Decimal(e["price"]) for e in extras), Decimal(0))
        made = self.plan(row, total)
        succeeded = [
            (kind, amount) for kind, status, amount, *_rest in made if status == "succeeded"
        ]
        sums = money.Totals(
            captured=sum((a for kind, a in succeeded if kind == "capture"), Decimal(0)),
            refunded=sum((a for kind, a in succeeded if kind == "refund"), Decimal(0)),
        )
        order_status = money.order_payment_status(total, sums)
        self.write(row, total, order_status, made)
        changed = list(row)
        changed[PAYMENT] = money.booking_payment_status(order_status)
        changed[TRANSACTIONS] = "[]"
        return tuple(changed)

    # --- what was paid ---------------------------------------------------------------------------
    def plan(self, row: tuple, total: Decimal) -> list[tuple]:
        """(kind, status, amount, portion, method, processor, when, notes) of each payment."""
        status, intent = row[STATUS], row[PAYMENT]
        booked, visit_end = _time(row[CREATED]), _time(row[END])
        rng = self.rng
        made: list[tuple] = []
        if total <= 0:
            return made
        if status == "completed" and intent in ("paid", "refunded"):
            if intent == "paid" and rng.random() < 0.15:
                deposit = self.deposit(total)
                made.append(self.card("capture", deposit, "deposit", booked, "Deposit"))
                made.append(self.visit_payment(total - deposit, "balance", visit_end))
            else:
                made.extend(self.failed_attempt(total, visit_end))
                made.append(self.visit_payment(total, "full", visit_end))
            if intent == "refunded":
                made.append(self.refund(made[-1], total, visit_end))
            elif rng.random() < 0.05:
                part = min(Decimal(rng.choice([10, 15, 20, 25])), total)
                made.append(self.refund(made[-1], part, visit_end))
        elif status == "completed" and intent == "partially_paid":
            made.append(self.card("capture", self.deposit(total), "deposit", booked, "Deposit"))
        elif status == "cancelled" and intent == "refunded":
            paid = self.deposit(total) if rng.random() < 0.5 else total
            portion = "deposit" if paid < total else "full"
            made.append(self.card("capture", paid, portion, booked, ""))
            cancelled = max(_time(row[UPDATED]), booked + timedelta(minutes=5))
            made.append(self.refund(made[-1], paid, cancelled, after=timedelta(0)))
        elif row[DAY] >= self.today and status != "cancelled" and intent == "paid":
            if rng.random() < 0.6:
                made.append(self.card("capture", self.deposit(total), "deposit", booked, "Deposit"))
            else:
                made.append(self.card("capture", total, "full", booked, "Paid online"))
        return made

    def deposit(self, total: Decimal) -> Decimal:
        share = Decimal(self.rng.choice(["0.2", "0.25", "0.3", "0.5"]))
        amount = (total * share).quantize(Decimal(1))
        return max(min(amount, total - 1), Decimal(1)) if total > 1 else total

    def card(self, kind: str, amount: Decimal, portion: str, when: datetime, notes: str) -> tuple:
        processor = "stripe" if self.rng.random() < 0.6 else "square"
        return (kind, "succeeded", amount, portion, "credit_card", processor, when, notes)

    def visit_payment(self, amount: Decimal, portion: str, when: datetime) -> tuple:
        if self.rng.random() < 0.4:
            return ("capture", "succeeded", amount, portion, "cash", "manual", when, "")
        return self.card("capture", amount, portion, when, "")

    def failed_attempt(self, amount: Decimal, when: datetime) -> list[tuple]:
        """Now and then a card is declined once before the payment that went through."""
        if self.rng.random() >= 0.02:
            return []
        attempt = when - timedelta(minutes=2)
        return [("capture", "failed", amount, "full", "credit_card", "stripe", attempt, "")]

    def refund(
        self,
        capture: tuple,
        amount: Decimal,
        after_visit: datetime,
        *,
        after: timedelta | None = None,
    ) -> tuple:
        if after is None:
            after = timedelta(days=self.rng.randrange(1, 10), minutes=self.rng.randrange(600))
        when = after_visit + after
        if when >= self.midnight:  # a recent visit: refunded between it and the seed's day
            room = max((self.midnight - capture[6]).total_seconds() - 120, 60)
            when = capture[6] + timedelta(seconds=60 + self.rng.randrange(int(room)))
        when = max(when, capture[6] + timedelta(minutes=1))
        method, processor = capture[4], capture[5]
        notes = self.rng.choice(REFUND_NOTES)
        return ("refund", "succeeded", amount, capture[3], method, processor, when, notes)

    # --- the rows --------------------------------------------------------------------------------
    def write(self, row: tuple, total: Decimal, order_status: str, made: list[tuple]) -> None:
        order_id, booking_id = row[ORDER], row[ID]
        status = {"completed": "completed", "cancelled": "cancelled"}.get(row[STATUS], "open")
        fulfilled = "fulfilled" if row[STATUS] == "completed" else "not_fulfilled"
        money_text = str(total.quantize(money.CENTS))
        self.orders.append(
            row_of(
                Order,
                id=order_id,
                customer_id=row[CUSTOMER],
                confirmation_code=row[ORDER_CODE],
                subtotal=money_text,
                total=money_text,
                tax_total="0",
                status=status,
                fulfillment_status=fulfilled,
                payment_status=order_status,
                customer_comment=row[COMMENT],
                notes="",
                created_at=row[CREATED],
                updated_at=row[UPDATED],
            )
        )
        self.items.append(
            row_of(
                OrderItem,
                id=booking_id,
                order_id=order_id,
                variant="booking",
                item_data=money.item_data(booking_id),
                booking_id=booking_id,
                quantity=1,
                subtotal=money_text,
                total=money_text,
                created_at=row[CREATED],
                updated_at=row[UPDATED],
            )
        )
        self.invoices.append(
            row_of(
                Invoice,
                id=booking_id,
                order_id=order_id,
                invoice_number=f"INV-{order_id}",
                status=money.invoice_status(order_status),
                charge_amount=money_text,
                created_at=row[CREATED],
                updated_at=row[UPDATED],
            )
        )
        for kind, state, amount, portion, method, processor, when, notes in made:
            self.payments.append(
                self.payment(row, kind, state, amount, portion, method, processor, when, notes)
            )

    def payment(self, row, kind, state, amount, portion, method, processor, when, notes) -> tuple:
        self.payment_id += 1
        pid = self.payment_id
        token = "" if processor == "manual" else self.token(processor)
        receipt = f"R{when:%Y}-{pid:06d}" if kind == "capture" and state == "succeeded" else ""
        return row_of(
            Payment,
            id=pid,
            token=token,
            invoice_id=row[ID],
            order_id=row[ORDER],
            customer_id=row[CUSTOMER],
            processor=processor,
            payment_method=method,
            payment_portion=portion,
            kind=kind,
            amount=str(amount.quantize(money.CENTS)),
            status=state,
            notes=notes,
            receipt_number=receipt,
            access_key=f"{self.rng.getrandbits(128):032x}",
            created_at=_text(when),
            updated_at=_text(when),
        )

    def token(self, processor: str) -> str:
        prefix = {"stripe": "ch_", "square": "sq_"}.get(processor, "tx_")
        return prefix + f"{self.rng.getrandbits(96):024x}"


_PICKERS: dict[type, Callable[[dict], tuple]] = {}


def row_of(model, **values) -> tuple:
    """A row for insert_rows: the values in the model's column order."""
    pick = _PICKERS.get(model)
    if pick is None:
        pick = _PICKERS[model] = itemgetter(*(f.column for f in model._meta.concrete_fields))
    return pick(values)
