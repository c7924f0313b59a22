"""The day's takings (`/takings/`): every payment and refund LatePoint holds for one day, by
method and by agent, the net, and the cash expected in the drawer.

What it costs LatePoint: one walk of `GET /payments` for the day (`date_from` = `date_to` = the
day), PAYMENTS_PER_PAGE payments a page, through the read cache (a day still going on is kept
30 s, a past day for hours; a payment written through the front office refreshes it at once).
A day of 600 payments is two calls the first time and none after.

Who each payment was for costs no call. A payment names its order (and its customer), not its
booking or agent; the booking, its agent and the customer's name come from, in this order:
the Today board's listing of the day when it was read lately (cached, never read for this),
the local booking history (`history.models.BookingRecord`, which knows each booking's order),
and the audit trail (a payment taken at the desk is recorded with its booking). A payment
whose booking none of them knows is counted under "No agent". Customer names the booking
does not give come from the cached customer summaries, then from the history's bookings; a
customer none of them knows is shown by number. Agents' names are the reference lists (the
history's copy, else the cached list).

Only succeeded payments and refunds count. Failed and still-processing ones are listed apart,
counted in nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEntry
from checkout.money import ZERO, cents, method_label
from checkout.services import MONEY_ACTIONS, line_method_key
from frontoffice.paging import PAYMENTS_PER_PAGE, dedupe, iter_pages
from history.models import BookingRecord
from history.services import reference_copy
from latepoint.models import Page, Payment
from upstream import budget
from upstream.gateway import api, walk

NO_AGENT = "No agent"
#: The desk's methods, in the order the sheet lists them (always all three).
DESK_METHODS = (("cash", "Cash"), ("card", "Card"), ("other", "Other"))
#: How old the Today board's listing of the day may be to name bookings' agents (no call).
LISTING_MAX_AGE = 3600
#: The Today board's listing of a day, as it reads it (bookings.services.arrivals).
_DAY_LISTING = {"sort": "start_date", "order": "asc"}


@dataclass(frozen=True)
class Owner:
    """Whose a payment is: its booking, that booking's agent, and the customer."""

    booking_id: int | None = None
    agent_id: int | None = None
    customer_id: int | None = None
    customer_name: str = ""


@dataclass(frozen=True)
class TakingsLine:
    """One payment or refund as the takings list it."""

    payment: Payment
    when: datetime | None  # in the business's time zone
    method_key: str  # "cash", "card" or "other"
    method: str  # "Cash", "Card", "Other (paypal)"
    booking_id: int | None
    customer_id: int | None
    customer: str  # a name, or "Customer #12", or "" (none named)
    agent_id: int | None
    agent: str  # a name, or NO_AGENT

    @property
    def id(self) -> int:
        return self.payment.id

    @property
    def is_refund(self) -> bool:
        return self.payment.is_refund

    @property
    def amount(self) -> Decimal:
        return cents(self.payment.amount)

    @property
    def signed(self) -> Decimal:
        """What it adds to the day: a refund takes its amount away."""
        return -self.amount if self.is_refund else self.amount

    @property
    def kind(self) -> str:
        return "Refund" if self.is_refund else "Payment"

    @property
    def status(self) -> str:
        return {"succeeded": "Succeeded", "failed": "Failed", "processing": "Processing"}.get(
            self.payment.status, self.payment.status or "Unknown"
        )


@dataclass
class Tally:
    """What one group of the day's payments adds up to (a method, an agent, the whole day)."""

    key: str
    label: str
    taken: Decimal = ZERO
    refunded: Decimal = ZERO
    payments: int = 0
    refunds: int = 0

    @property
    def net(self) -> Decimal:
        return self.taken - self.refunded

    @property
    def empty(self) -> bool:
        return not (self.payments or self.refunds)

    def add(self, line: TakingsLine) -> None:
        if line.is_refund:
            self.refunded += line.amount
            self.refunds += 1
        else:
            self.taken += line.amount
            self.payments += 1


@dataclass(frozen=True)
class Takings:
    """A day's takings: the counted lines (oldest first), those not counted, and the sums."""

    day: date
    lines: list[TakingsLine]
    not_counted: list[TakingsLine]
    by_method: list[Tally]
    by_agent: list[Tally]
    total: Tally
    cash_float: Decimal = ZERO
    no_agent: int = 0  # counted lines whose booking (so agent) is not known
    read_at: datetime | None = field(default=None)

    @property
    def cash(self) -> Tally:
        return next(t for t in self.by_method if t.key == "cash")

    @property
    def drawer(self) -> Decimal:
        """Cash expected in the drawer: the float, plus cash taken, less cash refunded."""
        return self.cash_float + self.cash.net

    @property
    def empty(self) -> bool:
        return not self.lines and not self.not_counted


def cash_float() -> Decimal:
    """FRONTOFFICE_CASH_FLOAT: the cash in the drawer when the day starts (0 when not set)."""
    return cents(getattr(settings, "FRONTOFFICE_CASH_FLOAT", None) or ZERO)


def day_payments(*, day: date) -> list[Payment]:
    """Every payment and refund LatePoint dates on `day`: one cached walk of GET /payments."""
    client = api()
    pages = iter_pages(
        lambda number: client.list_payments(
            date_from=day, date_to=day, page=number, per_page=PAYMENTS_PER_PAGE
        )
    )
    return dedupe(item for page in pages for item in page.items)


def takings_for_day(*, day: date) -> Takings:
    """The day's takings (see the module's docstring for what it costs)."""
    return takings_from(day=day, payments=day_payments(day=day))


def takings_from(*, day: date, payments: Iterable[Payment]) -> Takings:
    """The takings of these payments of `day`: grouped, summed, and each one named."""
    lines = sorted(
        takings_lines(list(payments), day=day),
        key=lambda line: (line.when is None, line.when or 0, line.id),
    )
    counted = [line for line in lines if line.payment.succeeded]
    by_method = {key: Tally(key, label) for key, label in DESK_METHODS}
    by_agent: dict[str, Tally] = {}
    total = Tally("all", "All payments")
    for line in counted:
        total.add(line)
        by_method[line.method_key].add(line)
        agent_key = str(line.agent_id) if line.agent_id is not None else "none"
        by_agent.setdefault(agent_key, Tally(agent_key, line.agent)).add(line)
    agents = sorted(by_agent.values(), key=lambda t: (t.key == "none", t.label.casefold(), t.key))
    return Takings(
        day=day,
        lines=counted,
        not_counted=[line for line in lines if not line.payment.succeeded],
        by_method=list(by_method.values()),
        by_agent=agents,
        total=total,
        cash_float=cash_float(),
        no_agent=sum(1 for line in counted if line.agent_id is None),
        read_at=timezone.now(),
    )


def takings_lines(
    payments: list[Payment], *, day: date, priority: str | None = None
) -> list[TakingsLine]:
    """Each payment with its method, time, booking, agent and customer (no call but, at
    most, the agents' list when the history holds no copy of it: cached)."""
    owners = payment_owners(payments, day=day)
    names = customer_names(
        {p.customer_id for p in payments if p.customer_id}
        - {o.customer_id for o in owners.values() if o.customer_name}
    )
    agents = agent_names(priority=priority) if any(o.agent_id for o in owners.values()) else {}
    zone = timezone.get_current_timezone()
    lines = []
    for p in payments:
        owner = owners.get(p.id, Owner())
        customer_id = owner.customer_id or p.customer_id
        name = owner.customer_name or names.get(customer_id or 0, "")
        if not name and customer_id:
            name = f"Customer #{customer_id}"
        agent = NO_AGENT
        if owner.agent_id is not None:
            agent = agents.get(owner.agent_id) or f"Agent #{owner.agent_id}"
        lines.append(
            TakingsLine(
                payment=p,
                when=p.created_at.astimezone(zone) if p.created_at else None,
                method_key=line_method_key(p.payment_method),
                method=method_label(p.payment_method),
                booking_id=owner.booking_id,
                customer_id=customer_id,
                customer=name,
                agent_id=owner.agent_id,
                agent=agent,
            )
        )
    return lines


# --- who each payment was for (no call) --------------------------------------------------------


def payment_owners(payments: list[Payment], *, day: date) -> dict[int, Owner]:
    """Each payment's booking, agent and customer, by payment id, where something local (or
    cached) knows them: the day's listing, the history by order, the audit trail."""
    by_order = _owners_from_listing(day)
    orders = {p.order_id for p in payments if p.order_id is not None} - set(by_order)
    by_order.update(_owners_from_history(orders))
    found: dict[int, Owner] = {}
    missing: list[Payment] = []
    for p in payments:
        owner = by_order.get(p.order_id) if p.order_id is not None else None
        if owner is not None:
            found[p.id] = owner
        else:
            missing.append(p)
    if missing:
        found.update(_owners_from_audit(missing, day=day))
    return found


def _owners_from_listing(day: date) -> dict[int, Owner]:
    """By order id: the bookings of the Today board's listing of the day, if read lately."""
    listing = api().recent_booking_listing(
        max_age=LISTING_MAX_AGE, date_from=day, date_to=day, **_DAY_LISTING
    )
    found: dict[int, Owner] = {}
    for booking in listing or ():
        if booking.order is None or booking.order.id is None:
            continue
        customer = booking.customer
        found.setdefault(
            booking.order.id,
            Owner(
                booking_id=booking.id,
                agent_id=booking.agent.id if booking.agent is not None else None,
                customer_id=customer.id if customer is not None else None,
                customer_name=(customer.full_name if customer is not None else "") or "",
            ),
        )
    return found


def _owners_from_history(order_ids: set[int]) -> dict[int, Owner]:
    """By order id: the history's bookings of these orders (an order's first booking)."""
    if not order_ids:
        return {}
    rows = (
        BookingRecord.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "id")
        .values_list("order_id", "id", "agent_id", "customer_id", "customer_name")
    )
    found: dict[int, Owner] = {}
    for order_id, booking_id, agent_id, customer_id, name in rows:
        found.setdefault(order_id, Owner(booking_id, agent_id, customer_id, name))
    return found


def _owners_from_audit(payments: list[Payment], *, day: date) -> dict[int, Owner]:
    """By payment id: payments and refunds taken at the desk, as the audit trail recorded them
    (with their booking), and that booking's agent from the history."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day - timedelta(days=1), time(0), zone)
    entries = AuditEntry.objects.filter(
        action__in=MONEY_ACTIONS,
        created_at__gte=start,
        created_at__lt=start + timedelta(days=3),
    ).exclude(result=AuditEntry.Result.FAILED)
    by_payment: dict[str, tuple[int, str]] = {}
    for changes in entries.values_list("changes", flat=True):
        if not isinstance(changes, dict) or not changes.get("booking_id"):
            continue
        mark = (int(changes["booking_id"]), str(changes.get("customer") or ""))
        if changes.get("payment_id"):
            by_payment[f"id:{changes['payment_id']}"] = mark
        if changes.get("reference"):
            by_payment[f"ref:{changes['reference']}"] = mark
    marks = {}
    for p in payments:
        mark = by_payment.get(f"id:{p.id}") or (
            by_payment.get(f"ref:{p.token}") if p.token else None
        )
        if p.booking_id and mark is None:
            mark = (int(p.booking_id), "")
        if mark is not None:
            marks[p.id] = mark
    records = BookingRecord.objects.filter(id__in={m[0] for m in marks.values()})
    agents = {r[0]: r[1:] for r in records.values_list("id", "agent_id", "customer_id")}
    found = {}
    for payment_id, (booking_id, name) in marks.items():
        agent_id, customer_id = agents.get(booking_id, (None, None))
        found[payment_id] = Owner(booking_id, agent_id, customer_id, name)
    return found


def customer_names(customer_ids: set[int]) -> dict[int, str]:
    """Names of these customers without a call: cached summaries, then the history."""
    if not customer_ids:
        return {}
    found = {
        cid: customer.full_name
        for cid, customer in api().cached_customer_summaries(customer_ids, stale_ok=True).items()
        if customer.full_name
    }
    rest = customer_ids - set(found)
    if rest:
        rows = (
            BookingRecord.objects.filter(customer_id__in=rest)
            .exclude(customer_name="")
            .values("customer_id")
            .annotate(name=Max("customer_name"))
            .order_by()
            .values_list("customer_id", "name")
        )
        found.update(dict(rows))
    return found


def agent_names(*, priority: str | None = None) -> dict[int, str]:
    """Every agent's name by id: the history's copy of the list, else the cached list."""
    copy = reference_copy()
    agents = copy.agents if copy is not None else api(priority=priority).list_agents()
    return {a.id: a.display_name or f"{a.first_name} {a.last_name}".strip() for a in agents}


# --- the CSV export's pages ---------------------------------------------------------------------


def export_page(*, day: date, number: int) -> Page[TakingsLine]:
    """One page of the day's payments read straight from LatePoint as the managers' bulk work
    (`upstream.gateway.walk`), each one named as on the screen."""
    page = walk(priority=budget.BULK).list_payments(
        date_from=day, date_to=day, page=number, per_page=PAYMENTS_PER_PAGE
    )
    lines = takings_lines(list(page.items), day=day, priority=budget.BULK)
    return replace(page, items=tuple(lines))
