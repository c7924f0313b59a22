"""The orders and payments endpoints (latepoint-api.md §2.7, §2.8), each in its page's dialect.

- Orders: the list is the newer page's S3/P2 with string ids and "23.0000"; one order, a
  created and an updated one are bare objects (S7) with int ids and "45.00"; so are the
  invoices and transactions under an order. Errors are WordPress-style (E3).
- Payments: the list and one payment are S3 with every value a string ("467.0000"), the list
  paged P4 (`current_page`, `per_page`, `total_pages`, `total_records`, strings too); a write
  answers S4 with `"amount":"50"` and `booking_id`; errors are E4 `{"success":false,
  "error":"text"}`.

Every payment write settles its order (sandbox.money.settle): the order's, its invoices' and
its bookings' payment statuses follow the succeeded payments.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox import money
from sandbox.models import Booking, Customer, Invoice, Order, Payment
from sandbox.responses import ApiProblem, e3, json_response, p2, s3, s4
from sandbox.validation import choice_param, date_param, int_param, paging
from sandbox.views import no_route, now, read_json, site_tz

LIMIT = Decimal("100000000")
ORDER_SORTS = {"id": "id", "total": "total", "created_at": "created_at", "status": "status"}
PAYMENT_SORTS = {"id": "id", "amount": "amount", "created_at": "created_at", "status": "status"}
DIRECTIONS = {"asc": "", "desc": "-"}
PAYMENT_METHOD_DEFAULT = "other"
PROCESSOR_DEFAULT = "manual"
#: The payments list's largest page: the API documentation states no maximum for it (§1.5),
#: so the sandbox allows more than the other lists' 100 (a busy day's takings in two pages).
PAYMENTS_MAX_PER_PAGE = 500


class PaymentProblem(Exception):
    """An E4 answer: `{"success":false,"error":message}` with an HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def answer(self) -> HttpResponse:
        return json_response({"success": False, "error": self.message}, self.status)


def _amount(value: Any) -> Decimal | None:
    """A positive amount with at most two decimals (a number or a numeric string), or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount >= LIMIT:
        return None
    if amount != amount.quantize(money.CENTS):
        return None
    return amount.quantize(money.CENTS)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


def _sorted(qs: QuerySet, q, sorts: dict[str, str]) -> QuerySet:
    field = choice_param(q, "sort", sorts) or "created_at"
    prefix = choice_param(q, "order", DIRECTIONS)
    prefix = "-" if prefix is None else prefix
    return qs.order_by(prefix + field, prefix + "id")


def _local_range(qs: QuerySet, q, after: str, before: str) -> QuerySet:
    """Y-m-d filters on created_at, inclusive, as days in the site's timezone."""
    tz = site_tz()
    start, end = date_param(q, after), date_param(q, before)
    if start:
        qs = qs.filter(created_at__gte=datetime.combine(start, time(0), tz))
    if end:
        qs = qs.filter(created_at__lt=datetime.combine(end + timedelta(days=1), time(0), tz))
    return qs


def _wp_problem(problem: ApiProblem) -> HttpResponse:
    return problem.as_e3()


# --- orders -------------------------------------------------------------------------------------


def orders(request: HttpRequest) -> HttpResponse:
    try:
        if request.method == "GET":
            return order_list(request)
        if request.method == "POST":
            return order_create(request)
    except ApiProblem as problem:
        return _wp_problem(problem)
    return no_route(request)


def order_list(request: HttpRequest) -> HttpResponse:
    """GET /orders: the newer page (S3/P2), 10 a page by default, at most 100."""
    q = request.GET
    page, per_page = paging(q, 10)
    qs = Order.objects.all()
    customer_id = int_param(q, "customer_id")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    for name, choices in (
        ("status", money.ORDER_STATUSES),
        ("payment_status", money.ORDER_PAYMENT_STATUSES),
        ("fulfillment_status", money.FULFILLMENT_STATUSES),
    ):
        value = choice_param(q, name, {c: c for c in choices})
        if value:
            qs = qs.filter(**{name: value})
    qs = _local_range(qs, q, "created_after", "created_before")
    for name, lookup in (("total_min", "total__gte"), ("total_max", "total__lte")):
        if q.get(name):
            qs = qs.filter(**{lookup: _query_amount(q, name)})
    search = (q.get("search") or "").strip()
    if search:
        qs = qs.filter(
            Q(confirmation_code__icontains=search) | Q(customer_comment__icontains=search)
        )
    qs = _sorted(qs, q, ORDER_SORTS)
    total = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return s3([money.order_row(o) for o in rows], p2(page, per_page, total))


def _query_amount(q, name: str) -> Decimal:
    try:
        return Decimal(q[name])
    except InvalidOperation:
        raise ApiProblem(
            400, "invalid_parameters", "Invalid query parameters", {name: "Use a number"}
        ) from None


def _order_or_404(order_id: int) -> Order:
    found = Order.objects.filter(pk=order_id).first()
    if found is None:
        raise ApiProblem(404, "order_not_found", "Order not found")
    return found


ORDER_FIELDS = ("total", "subtotal", "tax_total")
ORDER_CHOICES = {
    "status": money.ORDER_STATUSES,
    "payment_status": money.ORDER_PAYMENT_STATUSES,
    "fulfillment_status": money.FULFILLMENT_STATUSES,
}
ORDER_TEXT = ("customer_comment", "notes", "confirmation_code")


def _order_changes(body: dict) -> dict[str, Any]:
    """The order fields of a POST or PUT body, checked (rest_invalid_param on any error)."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in ORDER_FIELDS:
        if name in body:
            value = Decimal(0) if body[name] in (0, "0") else _amount(body[name])
            if value is None:
                errors[name] = f"{name} must be a non-negative amount"
            else:
                changes[name] = value
    for name, allowed in ORDER_CHOICES.items():
        if name in body:
            if body[name] in allowed:
                changes[name] = body[name]
            else:
                errors[name] = f"{name} is not one of {', '.join(allowed)}"
    for name in ORDER_TEXT:
        if name in body:
            if body[name] is None or isinstance(body[name], str):
                changes[name] = body[name] if name == "customer_comment" else body[name] or ""
            else:
                errors[name] = f"{name} must be text"
    if "customer_id" in body:
        customer = Customer.objects.filter(pk=_int(body["customer_id"]) or 0).first()
        if customer is None:
            errors["customer_id"] = "Invalid customer ID"
        else:
            changes["customer"] = customer
    if errors:
        raise ApiProblem(400, "rest_invalid_param", "Invalid parameter(s): " + ", ".join(errors))
    return changes


def order_create(request: HttpRequest) -> HttpResponse:
    """POST /orders: customer_id, total and subtotal required; 201 with the bare order."""
    body = read_json(request)
    missing = [name for name in ("customer_id", "total", "subtotal") if body.get(name) is None]
    if missing:
        return e3(
            400,
            "rest_missing_callback_param",
            "Missing parameter(s): " + ", ".join(missing),
            params=missing,
        )
    changes = _order_changes(body)
    moment = now()
    with transaction.atomic():
        order = Order(
            confirmation_code=changes.pop("confirmation_code", "") or _code(),
            created_at=moment,
            updated_at=moment,
            **changes,
        )
        order.save()
        Invoice.objects.create(
            order=order,
            invoice_number=f"INV-{order.pk}",
            charge_amount=order.total,
            created_at=moment,
            updated_at=moment,
        )
        if "payment_status" not in changes:
            money.settle(order, moment)
    return json_response(money.order_object(order), 201)


def _code() -> str:
    return "".join(secrets.choice(money.CODE_CHARS) for _ in range(8))


def order(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        found = _order_or_404(order_id)
        if request.method == "GET":
            return json_response(money.order_object(found))
        if request.method == "PUT":
            return order_update(request, found)
    except ApiProblem as problem:
        return _wp_problem(problem)
    return no_route(request)


def order_update(request: HttpRequest, found: Order) -> HttpResponse:
    """PUT /orders/{id}: the given fields; a new total settles the payment status again."""
    changes = _order_changes(read_json(request))
    moment = now()
    with transaction.atomic():
        for name, value in changes.items():
            setattr(found, name, value)
        found.updated_at = moment
        found.save()
        if "customer" in changes:
            found.payments.update(customer=changes["customer"])
            Booking.objects.filter(pk__in=money.booking_ids(found)).update(
                customer=changes["customer"]
            )
        if {"total", "subtotal"} & changes.keys():
            found.invoices.exclude(status__in=money.FIXED_INVOICES).update(
                charge_amount=found.total
            )
        if "payment_status" not in changes:
            money.settle(found, moment)
    return json_response(money.order_object(found))


def order_invoices(request: HttpRequest, order_id: int) -> HttpResponse:
    if request.method != "GET":
        return no_route(request)
    try:
        found = _order_or_404(order_id)
    except ApiProblem as problem:
        return _wp_problem(problem)
    return json_response([money.invoice_object(i) for i in found.invoices.order_by("id")])


def order_invoice(request: HttpRequest, order_id: int, invoice_id: int) -> HttpResponse:
    """GET or PUT /orders/{id}/invoices/{invoice_id} (`status`, `charge_amount`)."""
    try:
        found = _order_or_404(order_id)
        invoice = found.invoices.filter(pk=invoice_id).first()
        if invoice is None:
            raise ApiProblem(404, "invoice_not_found", "Invoice not found")
        if request.method == "GET":
            return json_response(money.invoice_object(invoice))
        if request.method != "PUT":
            return no_route(request)
        body = read_json(request)
        if "status" in body:
            if body["status"] not in money.INVOICE_STATUSES:
                raise ApiProblem(400, "rest_invalid_param", "Invalid parameter(s): status")
            invoice.status = body["status"]
        if "charge_amount" in body:
            amount = _amount(body["charge_amount"])
            if amount is None:
                raise ApiProblem(400, "rest_invalid_param", "Invalid parameter(s): charge_amount")
            invoice.charge_amount = amount
        invoice.updated_at = now()
        invoice.save()
    except ApiProblem as problem:
        return _wp_problem(problem)
    return json_response(money.invoice_object(invoice))


def order_transactions(request: HttpRequest, order_id: int) -> HttpResponse:
    if request.method != "GET":
        return no_route(request)
    try:
        found = _order_or_404(order_id)
    except ApiProblem as problem:
        return _wp_problem(problem)
    rows = found.payments.order_by("created_at", "id")
    return json_response([money.order_transaction(p) for p in rows])


def order_transaction(request: HttpRequest, order_id: int, transaction_id: int) -> HttpResponse:
    if request.method != "GET":
        return no_route(request)
    found = Payment.objects.filter(pk=transaction_id, order_id=order_id).first()
    if found is None:
        return e3(404, "transaction_not_found", "Transaction not found")
    return json_response(money.order_transaction(found))


# --- payments -----------------------------------------------------------------------------------


def payments(request: HttpRequest) -> HttpResponse:
    try:
        if request.method == "GET":
            return payment_list(request)
        if request.method == "POST":
            return payment_create(request)
    except ApiProblem as problem:
        detail = next(iter(problem.details.values()), problem.message)
        return PaymentProblem(problem.status, detail).answer()
    except PaymentProblem as problem:
        return problem.answer()
    return no_route(request)


def p4(page: int, per_page: int, total: int) -> dict:
    """The payments list's paging: current_page/per_page/total_pages/total_records."""
    pages = (total + per_page - 1) // per_page if total else 0
    return {
        "current_page": str(page),
        "per_page": str(per_page),
        "total_pages": str(pages),
        "total_records": str(total),
    }


def payment_list(request: HttpRequest) -> HttpResponse:
    """GET /payments (S3/P4): filters customer_id, order_id, status, payment_method,
    processor, kind, amount_min/max, date_from/date_to (site-local days, inclusive), search
    (token, notes, receipt number); newest first by default."""
    q = request.GET
    page, _ = paging(q, 10)
    per_page = min(int_param(q, "per_page", default=10), PAYMENTS_MAX_PER_PAGE)
    qs = Payment.objects.all()
    for name in ("customer_id", "order_id", "invoice_id"):
        value = int_param(q, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    status = choice_param(q, "status", {s: s for s in money.PAYMENT_STATUSES} | _COMPLETED)
    if status:
        qs = qs.filter(status=status)
    kind = choice_param(q, "kind", {k: k for k in money.PAYMENT_KINDS})
    if kind:
        qs = qs.filter(kind=kind)
    for name in ("payment_method", "processor", "payment_portion"):
        if q.get(name):
            qs = qs.filter(**{name: q[name].strip()})
    for name, lookup in (("amount_min", "amount__gte"), ("amount_max", "amount__lte")):
        if q.get(name):
            qs = qs.filter(**{lookup: _query_amount(q, name)})
    qs = _local_range(qs, q, "date_from", "date_to")
    search = (q.get("search") or "").strip()
    if search:
        qs = qs.filter(
            Q(token=search) | Q(notes__icontains=search) | Q(receipt_number__icontains=search)
        )
    qs = _sorted(qs, q, PAYMENT_SORTS)
    total = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return s3([money.payment_strings(p) for p in rows], p4(page, per_page, total))


#: The older example queries status=completed: read as succeeded.
_COMPLETED = {"completed": "succeeded"}


def payment(request: HttpRequest, payment_id: int) -> HttpResponse:
    found = Payment.objects.filter(pk=payment_id).first()
    try:
        if found is None:
            raise PaymentProblem(404, "Payment not found")
        if request.method == "GET":
            return s3(money.payment_strings(found))
        if request.method == "PUT":
            return payment_update(request, found)
    except PaymentProblem as problem:
        return problem.answer()
    return no_route(request)


def _body(request: HttpRequest) -> dict:
    try:
        return read_json(request)
    except ApiProblem as problem:
        raise PaymentProblem(400, problem.message) from None


def _target(body: dict) -> tuple[Order, int | None]:
    """The payment's order, from `order_id`, or from `booking_id` (the create page's examples
    name a booking): a booking pays into its own order."""
    if body.get("order_id") not in (None, ""):
        found = Order.objects.filter(pk=_int(body["order_id"]) or 0).first()
        if found is None:
            raise PaymentProblem(404, "Invalid order ID provided")
        return found, None
    booking = Booking.objects.filter(pk=_int(body["booking_id"]) or 0).first()
    if booking is None:
        raise PaymentProblem(404, "Invalid booking ID provided")
    found = Order.objects.filter(pk=booking.order_id).first()
    if found is None:
        raise PaymentProblem(404, "Invalid booking ID provided")
    return found, booking.pk


def _choice(body: dict, name: str, allowed: tuple[str, ...], label: str) -> str | None:
    if name not in body:
        return None
    if body[name] not in allowed:
        raise PaymentProblem(400, f"Invalid payment {label} provided")
    return body[name]


def _payment_fields(body: dict) -> dict[str, Any]:
    """The checked fields of a payment write; an E4 400 for the first bad one."""
    fields: dict[str, Any] = {}
    if "amount" in body:
        amount = _amount(body["amount"])
        if amount is None:
            raise PaymentProblem(400, "Invalid amount provided: a positive number is required")
        fields["amount"] = amount
    for name, allowed, label in (
        ("status", money.PAYMENT_STATUSES, "status"),
        ("kind", money.PAYMENT_KINDS, "kind"),
        ("payment_portion", money.PORTIONS, "portion"),
    ):
        value = _choice(body, name, allowed, label)
        if value is not None:
            fields[name] = value
    for name in ("processor", "payment_method", "token", "notes", "receipt_number"):
        if name in body:
            if body[name] is not None and not isinstance(body[name], str):
                raise PaymentProblem(400, f"Invalid {name} provided")
            fields[name] = (body[name] or "").strip() if name != "notes" else body[name] or ""
    return fields


def _check_refund(order: Order, p: Payment) -> None:
    """Refunds may never add up to more than the captures: a refund returns at most what was
    captured and not yet refunded, and a capture cannot shrink below what was refunded."""
    others = [other for other in order.payments.all() if other.pk != p.pk]
    after = money.totals([*others, p])
    if after.refunded <= after.captured:
        return
    left = money.totals(others).refundable
    raise PaymentProblem(
        400, f"Refund amount exceeds the refundable amount ({money.amount2(left)})"
    )


def payment_create(request: HttpRequest) -> HttpResponse:
    """POST /payments: S4 "Payment created successfully"; E4 errors."""
    body = _body(request)
    missing = []
    if body.get("order_id") in (None, "") and body.get("booking_id") in (None, ""):
        missing.append("booking_id")
    if body.get("amount") in (None, ""):
        missing.append("amount")
    if missing:
        raise PaymentProblem(400, "Missing required fields: " + ", ".join(missing))
    fields = _payment_fields(body)
    moment = now()
    with transaction.atomic():
        order, booking_id = _target(body)
        customer_id = _int(body.get("customer_id")) or order.customer_id
        if customer_id != order.customer_id:
            raise PaymentProblem(400, "Invalid customer ID provided: not the order's customer")
        p = Payment(
            order=order,
            customer_id=customer_id,
            invoice=order.invoices.exclude(status__in=money.FIXED_INVOICES).order_by("id").first(),
            processor=fields.pop("processor", "") or PROCESSOR_DEFAULT,
            payment_method=fields.pop("payment_method", "") or PAYMENT_METHOD_DEFAULT,
            access_key=secrets.token_hex(16),
            created_at=moment,
            updated_at=moment,
            **fields,
        )
        _check_refund(order, p)
        p.save()
        if not p.receipt_number and p.kind == "capture" and p.status == "succeeded":
            p.receipt_number = receipt_number(p)
            p.save(update_fields=["receipt_number"])
        money.settle(order, moment)
    return s4("Payment created successfully", money.payment_written(p, booking_id))


def receipt_number(p: Payment) -> str:
    return f"R{p.created_at:%Y}-{p.pk:06d}"


def payment_update(request: HttpRequest, found: Payment) -> HttpResponse:
    """PUT /payments/{id}: S4 "Payment updated successfully"; E4 errors."""
    fields = _payment_fields(_body(request))
    moment = now()
    with transaction.atomic():
        for name, value in fields.items():
            setattr(found, name, value)
        found.updated_at = moment
        _check_refund(found.order, found)
        found.save()
        money.settle(found.order, moment)
    return s4("Payment updated successfully", money.payment_written(found, None))
