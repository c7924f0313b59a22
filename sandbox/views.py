"""The API endpoints, each answering in the envelope its documentation page shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import availability, booking_writes, money, shapes, stats
from sandbox import faults as fault_switch
from sandbox.models import Agent, Booking, Customer, FaultConfig, Location, Service
from sandbox.responses import ApiProblem, e1, e3, json_response, p2, s1, s2, s3, s4, s6
from sandbox.validation import (
    bool_param,
    choice_param,
    clean_bool,
    customer_fields,
    date_param,
    int_param,
    paging,
)

CUSTOMER_STATUS_FILTER = {
    "active": ["active"],
    "inactive": ["inactive"],
    "blocked": ["blocked"],
    "pending": ["pending_verification", "pending"],
    "pending_verification": ["pending_verification", "pending"],
}
BOOKING_STATUS = {
    "pending": "pending",
    "approved": "approved",
    "confirmed": "approved",
    "cancelled": "cancelled",
    "completed": "completed",
    "no_show": "no_show",
}
PAYMENT_STATUS = {
    v: v for v in ("not_paid", "partially_paid", "paid", "refunded", "partially_refunded")
}
#: Statuses a booking can be deleted in without force=true.
DELETABLE = ("pending", "cancelled")
BULK_LIMIT = 50
TRANSITIONS = {
    "pending": ("approved", "cancelled"),
    "approved": ("completed", "cancelled", "no_show"),
    "cancelled": ("pending", "approved"),
    "completed": ("cancelled",),  # only with "force": true (special permissions)
    "no_show": ("approved", "cancelled"),
}
BOOKING_SORTS = {
    "start_date": ("start_at",),
    "created_at": ("created_at",),
    "customer_name": ("customer__first_name", "customer__last_name"),
    "status": ("status",),
    "id": (),
}


def allowed_methods(*methods: str):
    """Dispatch by method; anything else is WordPress's rest_no_route."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                return no_route(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def no_route(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return e3(404, "rest_no_route", "No route was found matching the URL and request method.")


def read_json(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, "invalid_json", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiProblem(400, "invalid_json", "The request body must be a JSON object")
    return body


def now() -> datetime:
    """The current moment, or the frozen one of the `clock` fault."""
    clock = fault_switch.effective_faults().clock
    return datetime.fromisoformat(clock) if clock else timezone.now()


def site_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _page_slice(qs: QuerySet, page: int, per_page: int) -> tuple[list, int]:
    total = qs.count()
    offset = (page - 1) * per_page
    return list(qs[offset : offset + per_page]), total


# --- status ----------------------------------------------------------------------------------


@allowed_methods("GET")
def status(request: HttpRequest) -> HttpResponse:
    return json_response(
        {"status": "success", "data": {"api": "ok", "version": "1.0", "latepoint_active": True}}
    )


# --- customers -------------------------------------------------------------------------------


def customers(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        try:
            return customer_list(request)
        except ApiProblem as problem:
            return problem.as_e1()
    if request.method == "POST":
        try:
            return customer_create(request)
        except ApiProblem as problem:
            return problem.as_e1()
    return no_route(request)


def _local_day_start(day: date) -> str:
    return day.isoformat()


def customer_list(request: HttpRequest) -> HttpResponse:
    q = request.GET
    page, per_page = paging(q, 20)
    qs = Customer.objects.all()
    statuses = choice_param(q, "status", CUSTOMER_STATUS_FILTER)
    if statuses:
        qs = qs.filter(status__in=statuses)
    after = date_param(q, "created_after")
    if after:
        qs = qs.filter(created_at_local__gte=after.isoformat())
    before = date_param(q, "created_before")
    if before:
        qs = qs.filter(created_at_local__lt=(before + timedelta(days=1)).isoformat())
    has_bookings = bool_param(q, "has_bookings")
    if has_bookings is not None:
        exists = Exists(Booking.objects.filter(customer_id=OuterRef("pk")))
        qs = qs.filter(exists if has_bookings else ~exists)
    for field in ("first_name", "last_name", "email", "phone"):
        if q.get(field):
            qs = qs.filter(**{f"{field}__icontains": q[field]})
    is_guest = bool_param(q, "is_guest")
    if is_guest is not None:
        qs = qs.filter(is_guest=is_guest)
    wp_user = int_param(q, "wordpress_user_id", minimum=0)
    if wp_user is not None:
        qs = qs.filter(wordpress_user_id=wp_user)
    if q.get("created_at"):
        qs = qs.filter(created_at_local__contains=q["created_at"])
    if q.get("updated_at"):
        qs = qs.filter(updated_at_local__contains=q["updated_at"])
    search = (q.get("search") or "").strip()
    if search:
        qs = qs.filter(search_text__contains=" ".join(search.split()).casefold())
    qs = qs.order_by("-created_at", "-id")
    rows, total = _page_slice(qs, page, per_page)
    block = stats.list_stats([c.pk for c in rows], now())
    data = [shapes.customer_list_row(c, block[c.pk]) for c in rows]
    return s3(data, p2(page, per_page, total))


def customer_create(request: HttpRequest) -> HttpResponse:
    body = read_json(request)
    clean, errors = customer_fields(body, creating=True)
    if errors:
        return e1(400, "validation_failed", "The provided data is not valid", errors)
    if clean.get("email") and Customer.objects.filter(email=clean["email"]).exists():
        return e1(409, "email_exists", "A customer with this email already exists")
    moment = now()
    custom = {k: v for k, v in clean.pop("custom_fields", {}).items() if v not in (None, "")}
    customer = Customer(created_at=moment, updated_at=moment, custom_fields=custom, **clean)
    customer.refresh_derived()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        return e1(409, "email_exists", "A customer with this email already exists")
    return s2("Customer created successfully", shapes.customer_created(customer))


def _customer_or_none(customer_id: int) -> Customer | None:
    return Customer.objects.filter(pk=customer_id).first()


def customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    if request.method == "GET":
        try:
            return customer_get(request, customer_id)
        except ApiProblem as problem:
            return problem.as_e1()
    if request.method == "PUT":
        try:
            return customer_update(request, customer_id)
        except ApiProblem as problem:
            return problem.as_e3()
    if request.method == "DELETE":
        return customer_delete(request, customer_id)
    return no_route(request)


def customer_get(request: HttpRequest, customer_id: int) -> HttpResponse:
    q = request.GET
    include = {part.strip() for part in (q.get("include") or "").split(",") if part.strip()}
    limit = int_param(q, "bookings_limit", default=10)
    booking_status = choice_param(q, "bookings_status", BOOKING_STATUS)
    found = _customer_or_none(customer_id)
    if found is None:
        return e1(404, "customer_not_found", f"Customer with ID {customer_id} was not found")
    moment = now()
    data = shapes.customer_detail(found)
    if "stats" in include:
        data["stats"] = stats.full_stats(found, moment)
    wants = include & {"bookings", "upcoming_bookings", "past_bookings"}
    if wants:
        qs = Booking.objects.filter(customer=found).select_related("service", "agent", "location")
        if booking_status:
            qs = qs.filter(status=booking_status)
        if "bookings" in wants or wants == {"upcoming_bookings", "past_bookings"}:
            qs = qs.order_by("-start_at", "-id")
        elif "upcoming_bookings" in wants:
            qs = qs.filter(start_at__gte=moment).order_by("start_at", "id")
        else:
            qs = qs.filter(start_at__lt=moment).order_by("-start_at", "-id")
        data["bookings"] = [shapes.booking_in_customer(b) for b in qs[:limit]]
    if "custom_fields" in include:
        data["custom_fields"] = dict(found.custom_fields or {})
    return s1(data)


def customer_update(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = _customer_or_none(customer_id)
    if found is None:
        return e3(404, "customer_not_found", "Customer not found")
    try:
        body = read_json(request)
    except ApiProblem as problem:
        return e3(400, "customer_update_failed", f"Error updating customer: {problem.message}")
    clean, errors = customer_fields(body, creating=False)
    if errors:
        first = next(iter(errors.values()))
        return e3(
            400, "customer_update_failed", f"Error updating customer: {first}", details=errors
        )
    email = clean.get("email")
    if email and Customer.objects.filter(email=email).exclude(pk=found.pk).exists():
        return e3(
            400,
            "customer_update_failed",
            "Error updating customer: Email already exists",
            details={"email": "Email already exists"},
        )
    if "custom_fields" in clean:
        merged = dict(found.custom_fields or {})
        for key, value in clean.pop("custom_fields").items():
            if value is None or value == "":
                merged.pop(key, None)
            else:
                merged[key] = value
        found.custom_fields = merged
    for field, value in clean.items():
        setattr(found, field, value)
    found.updated_at = now()
    found.refresh_derived()
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError:
        return e3(400, "customer_update_failed", "Error updating customer: Email already exists")
    return s4("Customer updated successfully", shapes.customer_updated(found))


def customer_delete(request: HttpRequest, customer_id: int) -> HttpResponse:
    found = _customer_or_none(customer_id)
    if found is None:
        return e3(404, "customer_not_found", "Customer not found")
    count = Booking.objects.filter(customer=found).count()
    if count:
        return e3(
            400,
            "customer_has_bookings",
            f"Cannot delete customer with existing bookings ({count})",
            booking_count=count,
        )
    found.delete()
    return s4(
        "Customer deleted successfully",
        {"deleted_customer_id": customer_id, "deleted_at": shapes.local_text(now())},
    )


# --- bookings --------------------------------------------------------------------------------


def bookings(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return no_route(request)
    try:
        if request.method == "POST":
            return booking_create(request)
        return booking_list(request)
    except ApiProblem as problem:
        return problem.as_e1()


def booking_create(request: HttpRequest) -> HttpResponse:
    """POST /bookings: 201 with the booking as GET /bookings/{id} shows it (plus
    `customer_created`); 400 invalid_request with `details`; 409 slot_unavailable."""
    body = read_json(request)
    moment = now()
    new, errors = booking_writes.booking_fields(body, now=moment, default_status="pending")
    if errors:
        return e1(400, *booking_writes.INVALID, errors)
    with transaction.atomic():
        placed, created = booking_writes.place(new, moment)
    data = shapes.booking_detail(_booking_or_none(placed.pk))
    return s1({**data, "customer_created": created}, status=201)


@allowed_methods("POST")
def bookings_bulk(request: HttpRequest) -> HttpResponse:
    """POST /bookings/bulk: up to 50 bookings, each created or reported as failed."""
    try:
        body = read_json(request)
    except ApiProblem as problem:
        return problem.as_e1()
    items = body.get("bookings")
    if not isinstance(items, list) or not items:
        return e1(
            400, *booking_writes.INVALID, {"bookings": "A list of 1 to 50 bookings is required"}
        )
    if len(items) > BULK_LIMIT:
        return e1(
            400, *booking_writes.INVALID, {"bookings": f"At most {BULK_LIMIT} bookings at once"}
        )
    if body.get("send_confirmation") is not None and clean_bool(body["send_confirmation"]) is None:
        return e1(
            400,
            *booking_writes.INVALID,
            {"send_confirmation": "send_confirmation must be true or false"},
        )
    moment = now()
    failed: list[dict] = []
    ready: list[tuple[int, booking_writes.NewBooking]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            details = {"booking": "Each booking must be an object"}
            failed.append(_bulk_failure(index, *booking_writes.INVALID, details))
            continue
        new, errors = booking_writes.booking_fields(item, now=moment, default_status="approved")
        if errors:
            failed.append(_bulk_failure(index, *booking_writes.INVALID, errors))
        else:
            ready.append((index, new))
    created_ids: list[int] = []
    with transaction.atomic():
        for index, new in ready:
            try:
                with transaction.atomic():
                    placed, _created = booking_writes.place(new, moment)
            except ApiProblem as problem:
                failed.append(_bulk_failure(index, problem.code, problem.message, problem.details))
            else:
                created_ids.append(placed.pk)
    failed.sort(key=lambda item: item["index"])
    created = [shapes.booking_detail(_booking_or_none(pk)) for pk in created_ids]
    return s6(
        {
            "created": created,
            "failed": failed,
            "summary": {"total": len(items), "created": len(created), "failed": len(failed)},
        }
    )


def _bulk_failure(index: int, code: str, message: str, details: dict | None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"index": index, "error": error}


def booking_list(request: HttpRequest) -> HttpResponse:
    q = request.GET
    page, per_page = paging(q, 20)
    qs = Booking.objects.select_related("customer", "agent", "service", "location")
    booking_status = choice_param(q, "status", BOOKING_STATUS)
    if booking_status:
        qs = qs.filter(status=booking_status)
    for name in ("customer_id", "agent_id", "service_id", "location_id"):
        value = int_param(q, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    date_from, date_to = date_param(q, "date_from"), date_param(q, "date_to")
    if date_from:
        qs = qs.filter(start_date__gte=date_from)
    if date_to:
        qs = qs.filter(start_date__lte=date_to)
    created_from = date_param(q, "created_date_from")
    created_to = date_param(q, "created_date_to")
    tz = site_tz()
    if created_from:
        qs = qs.filter(created_at__gte=datetime.combine(created_from, time(0), tz))
    if created_to:
        qs = qs.filter(created_at__lt=datetime.combine(created_to + timedelta(days=1), time(0), tz))
    if q.get("booking_code"):
        qs = qs.filter(booking_code__icontains=q["booking_code"].strip())
    payment = choice_param(q, "payment_status", PAYMENT_STATUS)
    if payment:
        qs = qs.filter(payment_status=payment)
    search = (q.get("search") or "").strip()
    if search:
        needle = " ".join(search.split())
        qs = qs.filter(
            Q(customer__search_text__contains=needle.casefold()) | Q(booking_code__icontains=needle)
        )
    sort = choice_param(q, "sort", BOOKING_SORTS) if q.get("sort") else BOOKING_SORTS["start_date"]
    default_order = "desc" if q.get("sort", "").lower() in ("created_at", "id") else "asc"
    order = choice_param(q, "order", {"asc": "asc", "desc": "desc"}) or default_order
    prefix = "-" if order == "desc" else ""
    qs = qs.order_by(*[prefix + field for field in (*sort, "id")])
    rows, total = _page_slice(qs, page, per_page)
    money.attach(rows)
    return s3([shapes.booking_detail(b) for b in rows], p2(page, per_page, total))


def _booking_or_none(booking_id: int) -> Booking | None:
    qs = Booking.objects.select_related("customer", "agent", "service", "location")
    return qs.filter(pk=booking_id).first()


def booking(request: HttpRequest, booking_id: int) -> HttpResponse:
    if request.method not in ("GET", "PUT", "DELETE"):
        return no_route(request)
    found = _booking_or_none(booking_id)
    if found is None:
        return e1(404, "booking_not_found", f"Booking with ID {booking_id} was not found")
    if request.method == "GET":
        return s6(shapes.booking_detail(found))
    try:
        if request.method == "DELETE":
            return booking_delete(request, found)
        return booking_update(request, found)
    except ApiProblem as problem:
        return problem.as_e1()


def booking_delete(request: HttpRequest, b: Booking) -> HttpResponse:
    """DELETE /bookings/{id}[?force=true]: pending and cancelled bookings go at once; the
    others (approved, completed, no_show) only with force."""
    force = bool_param(request.GET, "force")
    if b.status not in DELETABLE and not force:
        return e1(
            400,
            "force_required",
            f"A booking with status {b.status} can only be deleted with force=true",
            {"force": "Required for approved, completed and no_show bookings"},
        )
    with transaction.atomic():
        money.booking_deleted(b)
        b.delete()
    return json_response({"success": True, "message": "Booking deleted successfully"})


def _parse_price(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        price = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        return None
    if not price.is_finite() or price < 0 or price >= Decimal("100000000"):
        return None
    return price.quantize(Decimal("0.01"))


def _ref_id(body: dict, name: str, model, errors: dict) -> Any:
    raw = body[name]
    try:
        if isinstance(raw, bool):
            raise ValueError
        pk = int(str(raw))
    except ValueError:
        errors[name] = f"{name} must be an integer"
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        errors[name] = f"No {model.__name__.lower()} with ID {pk}"
    return obj


def booking_update(request: HttpRequest, b: Booking) -> HttpResponse:
    body = read_json(request)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    forced_write = body.get("force") is True

    if "status" in body:
        target = BOOKING_STATUS.get(str(body["status"]).strip().lower())
        if target is None:
            errors["status"] = (
                "Status must be one of: pending, approved, cancelled, completed, no_show"
            )
        elif target != b.status:
            allowed = TRANSITIONS.get(b.status, ())
            forced = body.get("force") is True
            special = b.status == "completed" and target == "cancelled"
            if target not in allowed or (special and not forced):
                targets = ", ".join(allowed) or "none"
                note = (
                    " (completed -> cancelled needs special permissions: force)" if special else ""
                )
                return e1(
                    400,
                    "invalid_status_transition",
                    f"Cannot change booking status from {b.status} to {target}. "
                    f"Allowed from {b.status}: {targets}{note}",
                    {"status": f"{b.status} -> {target} is not allowed"},
                )
            changes["status"] = target

    if "notes" in body:
        if body["notes"] is None or isinstance(body["notes"], str):
            changes["notes"] = body["notes"] or ""
        else:
            errors["notes"] = "Notes must be text"

    if "price" in body:
        price = _parse_price(body["price"])
        if price is None:
            errors["price"] = "Price must be a non-negative amount"
        else:
            changes["price"] = price

    if "payment_status" in body:
        if body["payment_status"] in PAYMENT_STATUS:
            changes["payment_status"] = body["payment_status"]
        else:
            errors["payment_status"] = "Allowed values: " + ", ".join(PAYMENT_STATUS)

    for name, model in (("agent_id", Agent), ("service_id", Service), ("location_id", Location)):
        if name in body:
            obj = _ref_id(body, name, model, errors)
            if obj is not None:
                changes[name.removesuffix("_id")] = obj

    duration = b.duration
    if "service" in changes:
        duration = changes["service"].duration
    if "duration" in body:
        raw = body["duration"]
        if isinstance(raw, int) and not isinstance(raw, bool) and 5 <= raw <= 600:
            duration = raw
        elif isinstance(raw, str) and raw.isdigit() and 5 <= int(raw) <= 600:
            duration = int(raw)
        else:
            errors["duration"] = "Duration must be a number of minutes (5-600)"

    tz = site_tz()
    start_local = timezone.localtime(b.start_at, tz)
    new_day, new_time = start_local.date(), start_local.time()
    moved = False
    if "start_date" in body:
        try:
            new_day = date.fromisoformat(str(body["start_date"]))
            moved = True
        except ValueError:
            errors["start_date"] = "Invalid date format, use YYYY-MM-DD"
        else:
            if new_day < timezone.localdate(now(), tz):
                errors["start_date"] = "The booking date cannot be in the past"
    if "start_time" in body:
        try:
            text = str(body["start_time"])
            if len(text) != 5 or text[2] != ":":
                raise ValueError
            new_time = time.fromisoformat(text)
            moved = True
        except ValueError:
            errors["start_time"] = "Invalid time format, use HH:MM"

    start = datetime.combine(new_day, new_time, tz)
    moment = now()
    if moved and not errors and start < availability.earliest(moment):
        errors["start_time"] = "The start time has already passed"
    if errors:
        return e1(400, "invalid_request", "Invalid input data", errors)

    agent = changes.get("agent", b.agent)
    service = changes.get("service", b.service)
    rescheduled = (
        moved or duration != b.duration or agent.pk != b.agent_id or service.pk != b.service_id
    )
    with transaction.atomic():
        # Checked in the write's own transaction, as POST /bookings does; the booking's own
        # time never conflicts with itself. `force` (special permissions) skips the check.
        holds = changes.get("status", b.status) in availability.HOLDING
        if rescheduled and holds and start >= availability.earliest(moment) and not forced_write:
            reason = availability.why_not(agent, service, start, duration, exclude=b.pk)
            if reason is not None:
                return e1(
                    409,
                    "slot_unavailable",
                    "The selected time slot is not available",
                    {"start_time": reason},
                )
        for field, value in changes.items():
            setattr(b, field, value)
        if moved or duration != b.duration:
            end = start + timedelta(minutes=duration)
            b.start_at = start.astimezone(ZoneInfo("UTC"))
            b.end_at = end.astimezone(ZoneInfo("UTC"))
            b.start_date = new_day
            b.start_time = start.strftime("%H:%M")
            b.end_time = end.strftime("%H:%M")
            b.duration = duration
        b.updated_at = moment
        b.save()
        if {"price", "status"} & changes.keys():
            money.booking_changed(b, shapes.order_total(b), moment)
    return s1(shapes.booking_detail(_booking_or_none(b.pk)))


# --- reference data --------------------------------------------------------------------------


def _reference_list(
    request: HttpRequest, qs: QuerySet, shape: Callable, search_fields
) -> HttpResponse:
    if request.method != "GET":
        return no_route(request)
    try:
        page, per_page = paging(request.GET, 10)
    except ApiProblem as problem:
        return problem.as_e1()
    status_filter = request.GET.get("status")
    if status_filter:
        qs = qs.filter(status=status_filter)
    search = (request.GET.get("search") or "").strip()
    if search:
        cond = Q()
        for field in search_fields:
            cond |= Q(**{f"{field}__icontains": search})
        qs = qs.filter(cond)
    rows, total = _page_slice(qs.order_by("id"), page, per_page)
    return s3([shape(row) for row in rows], p2(page, per_page, total))


def agents(request: HttpRequest) -> HttpResponse:
    return _reference_list(
        request, Agent.objects.all(), shapes.agent_row, ("first_name", "last_name", "email")
    )


def services(request: HttpRequest) -> HttpResponse:
    return _reference_list(
        request, Service.objects.all(), shapes.service_row, ("name", "short_description")
    )


def locations(request: HttpRequest) -> HttpResponse:
    return _reference_list(
        request, Location.objects.all(), shapes.location_row, ("name", "full_address")
    )


# --- availability ----------------------------------------------------------------------------


def _query_ref(q, name: str, model, label: str, errors: dict, *, required: bool):
    raw = (q.get(name) or "").strip()
    if not raw:
        if required:
            errors[name] = f"{name} is required"
        return None
    pk = booking_writes.id_value(raw)
    if pk is None:
        errors[name] = f"{name} must be an integer"
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        errors[name] = f"{label} with ID {pk} was not found"
    elif found.status != "active":
        errors[name] = f"{label} with ID {pk} is not active"
        return None
    return found


def _query_duration(q, errors: dict) -> int | None:
    raw = (q.get("duration") or "").strip()
    if not raw:
        return None
    value = booking_writes.parse_duration(raw)
    if value is None:
        errors["duration"] = "Duration must be a number of minutes (5-600)"
    return value


@allowed_methods("GET")
def availability_view(request: HttpRequest) -> HttpResponse:
    """GET /availability?service_id&agent_id&date[&duration]: the agent's free start times."""
    q = request.GET
    errors: dict[str, str] = {}
    service = _query_ref(q, "service_id", Service, "Service", errors, required=True)
    agent = _query_ref(q, "agent_id", Agent, "Agent", errors, required=True)
    day = booking_writes.parse_date(q.get("date") or "")
    if not q.get("date"):
        errors["date"] = "date is required"
    elif day is None:
        errors["date"] = "Use the YYYY-MM-DD format"
    duration = _query_duration(q, errors)
    if errors:
        return e1(400, "invalid_parameters", "Invalid query parameters", errors)
    duration = duration or service.duration
    slots = availability.free_slots(agent, service, day, duration, now())
    return s6(
        {
            "date": day.isoformat(),
            "service_id": service.pk,
            "agent_id": agent.pk,
            "duration": duration,
            "interval": availability.step_of(service),
            "timezone": settings.TIME_ZONE,
            "available_slots": [
                {"start_time": start.strftime("%H:%M"), "end_time": end.strftime("%H:%M")}
                for start, end in slots
            ],
        }
    )


def _minutes_or_time(raw: str) -> time | None:
    """start_time as HH:MM or as minutes since midnight ("870" is 14:30)."""
    if raw.isdigit():
        minute = int(raw)
        return time(minute // 60, minute % 60) if minute < 24 * 60 else None
    return booking_writes.parse_time(raw)


@allowed_methods("GET")
def agents_availability(request: HttpRequest) -> HttpResponse:
    """GET /agents/availability: the active agents free for a booking at a date and time.

    Every parameter is optional; `date` and `start_time` go together (one without the other
    is 400 missing_parameters). Without them every active agent is listed. Errors are
    WordPress-style (E3), as the page's own example."""
    q = request.GET
    errors: dict[str, str] = {}
    location = _query_ref(q, "location_id", Location, "Location", errors, required=False)
    service = _query_ref(q, "service_id", Service, "Service", errors, required=False)
    raw_date, raw_time = (q.get("date") or "").strip(), (q.get("start_time") or "").strip()
    if bool(raw_date) != bool(raw_time):
        missing, given = ("start_time", "date") if raw_date else ("date", "start_time")
        return e3(
            400,
            "missing_parameters",
            "Required parameters: date, start_time",
            details={missing: f"{missing} is required together with {given}"},
        )
    day = booking_writes.parse_date(raw_date) if raw_date else None
    if raw_date and day is None:
        errors["date"] = "Use the YYYY-MM-DD format"
    start_time = _minutes_or_time(raw_time) if raw_time else None
    if raw_time and start_time is None:
        errors["start_time"] = "Use HH:MM or minutes since midnight"
    duration = _query_duration(q, errors)
    try:
        limit = int_param(q, "limit", default=50)
    except ApiProblem as problem:
        errors.update(problem.details)
        limit = 50
    if errors:
        return e3(400, "invalid_parameters", "Invalid query parameters", details=errors)
    duration = duration or (service.duration if service else 60)
    agents_qs = Agent.objects.filter(status="active").order_by("id")
    start = end = None
    if day is not None:
        start = datetime.combine(day, start_time, site_tz())
        end = start + timedelta(minutes=duration)
        free = availability.free_agents(service, start, duration, now())
    else:
        free = list(agents_qs)
    chosen = free[: min(limit, 100)]
    return s6(
        {
            "agents": [shapes.agent_row(agent) for agent in chosen],
            "total": len(chosen),
            "date": day.isoformat() if day else None,
            "start_time": start.strftime("%H:%M") if start else None,
            "end_time": end.strftime("%H:%M") if end else None,
            "duration": duration,
            "service_id": service.pk if service else None,
            "location_id": location.pk if location else None,
        }
    )


# --- the fault switch ------------------------------------------------------------------------


def _fault_state() -> dict:
    return {
        "faults": fault_switch.effective_faults().as_dict(),
        "env_defaults": fault_switch.env_faults().as_dict(),
        "overrides": fault_switch.runtime_overrides(),
    }


def requests_log(request: HttpRequest) -> HttpResponse:
    """GET: the API requests received since `?since=<epoch seconds>` (all by default), as
    [time, method, path, status] rows; DELETE: forget them."""
    if request.method == "DELETE":
        fault_switch.request_log.clear()
        return json_response({"requests": []})
    if request.method != "GET":
        return no_route(request)
    try:
        since = float(request.GET.get("since", "0"))
    except ValueError:
        return e1(400, "invalid_request", "since must be a number of seconds")
    rows = fault_switch.request_log.since(since)
    return json_response({"count": len(rows), "requests": [list(row) for row in rows]})


def faults(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return json_response(_fault_state())
    if request.method == "DELETE":
        FaultConfig.objects.all().delete()
        fault_switch.reset_rate_buckets()
        return json_response(_fault_state())
    if request.method not in ("PUT", "POST", "PATCH"):
        return no_route(request)
    try:
        body = read_json(request)
    except ApiProblem as problem:
        return e1(400, problem.code, problem.message)
    values, errors = {}, {}
    for name, raw in body.items():
        if name not in fault_switch.PARSERS:
            errors[name] = "Unknown fault; use " + ", ".join(fault_switch.FIELDS)
            continue
        if raw is None:
            values[name] = None
            continue
        try:
            values[name] = fault_switch.PARSERS[name](raw)
        except (TypeError, ValueError) as exc:
            errors[name] = str(exc) or "Invalid value"
    if errors:
        return e1(400, "invalid_request", "Invalid fault settings", errors)
    with transaction.atomic():
        row, _created = FaultConfig.objects.get_or_create(pk=1)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
    fault_switch.reset_rate_buckets()
    return json_response(_fault_state())
