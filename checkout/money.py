"""What a booking or an order costs, what was paid and refunded on it, and what is still due.

Pure arithmetic on what LatePoint said (an order's or booking's price, and its payments): no
call, no database. LatePoint's own `payment_status` words are kept beside it, but the screens
say what the payments add up to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from latepoint.models import Payment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

#: The methods the desk offers, and LatePoint's `payment_method` value for each.
METHODS = {"cash": "cash", "card": "credit_card", "other": "other"}
#: LatePoint's `payment_method` values read back as the desk's words.
METHOD_OF = {"cash": "cash", "credit_card": "card", "card": "card"}


def method_label(payment_method: str) -> str:
    """ "credit_card" -> "Card", "cash" -> "Cash", anything else -> "Other" (its name kept)."""
    desk = METHOD_OF.get((payment_method or "").strip().lower())
    if desk is not None:
        return desk.capitalize()
    name = (payment_method or "").replace("_", " ").strip()
    return f"Other ({name})" if name and name.lower() != "other" else "Other"


def cents(value: Decimal | None) -> Decimal:
    """An amount to the cent (None: zero)."""
    return (value or ZERO).quantize(CENT)


@dataclass(frozen=True)
class Balance:
    """Price, what was paid (succeeded captures), what was refunded, and what is due."""

    price: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def due(self) -> Decimal:
        """What is still owed: never negative (an overpayment is a tip or a credit)."""
        return max(self.price - self.net_paid, ZERO)

    @property
    def refundable(self) -> Decimal:
        """What may still be refunded: what was paid less what was refunded."""
        return max(self.net_paid, ZERO)

    @property
    def state(self) -> str:
        """ "paid", "partially_paid", "not_paid", "refunded" or "partially_refunded"."""
        if self.refunded > 0:
            return "refunded" if self.net_paid <= 0 else "partially_refunded"
        if self.paid <= 0:
            return "not_paid" if self.price > 0 else "paid"
        return "paid" if self.due <= 0 else "partially_paid"


def balance(price: Decimal | None, payments: Iterable[Payment]) -> Balance:
    """The balance of one order (or booking) from its price and its payments; payments that
    did not succeed (failed, still processing) count for nothing."""
    paid = refunded = ZERO
    for payment in payments:
        if not payment.succeeded:
            continue
        if payment.is_refund:
            refunded += cents(payment.amount)
        else:
            paid += cents(payment.amount)
    return Balance(price=cents(price), paid=paid, refunded=refunded)
