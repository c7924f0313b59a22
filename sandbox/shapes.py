"""How each endpoint writes its objects: the documented mix of id types and date formats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from sandbox import money as orders
from sandbox.models import Agent, Booking, Customer, Location, Service, local_text
from sandbox.stats import iso_z, money

SITE_URL = "http://latepoint-sandbox.local"
AVATAR_DEFAULT = SITE_URL + "/wp-content/plugins/latepoint/images/default-avatar.png"

# GET /customers/{id} writes approved as "confirmed", as seeds/000 does.
CUSTOMER_PAGE_STATUS = {"approved": "confirmed"}
ORDER_PAYMENT_STATUS = {"paid": "fully_paid"}


def money4(value) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.0001")))


def currency(value) -> str:
    """Order totals as seeds/004 writes them: "$75", "$75.50"."""
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    if amount == amount.to_integral_value():
        return f"${int(amount)}"
    return f"${amount}"


def iso_offset(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def iso_utc_offset(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


# --- customers -------------------------------------------------------------------------------


def customer_list_row(c: Customer, stats: dict) -> dict:
    """A row of GET /customers (seeds/001): string ids, "1"/"0", MySQL datetimes."""
    return {
        "id": str(c.pk),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "status": c.status,
        "is_guest": "1" if c.is_guest else "0",
        "notes": c.notes,
        "admin_notes": c.admin_notes,
        "wordpress_user_id": str(c.wordpress_user_id) if c.wordpress_user_id else None,
        "created_at": c.created_at_local,
        "updated_at": c.updated_at_local,
        "stats": stats,
        "custom_fields": dict(c.custom_fields or {}),
    }


def address(c: Customer) -> dict:
    return {
        "street": c.street,
        "city": c.city,
        "state": c.state,
        "postal_code": c.postal_code,
        "country": c.country,
    }


def customer_detail(c: Customer) -> dict:
    """GET /customers/{id} (seeds/000): int ids, ISO Z datetimes, nested address."""
    return {
        "id": c.pk,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "status": c.status,
        "avatar_url": c.avatar_url or AVATAR_DEFAULT,
        "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
        "gender": c.gender or None,
        "address": address(c),
        "created_at": iso_z(c.created_at),
        "updated_at": iso_z(c.updated_at),
        "is_guest": c.is_guest,
        "wordpress_user_id": c.wordpress_user_id,
        "notes": c.notes,
        "admin_notes": c.admin_notes,
    }


def customer_created(c: Customer) -> dict:
    """POST /customers (seeds/002): the detail shape, plus what the create page adds, with the
    WordPress user id under that page's name for it."""
    data = customer_detail(c)
    data["wp_user_id"] = data.pop("wordpress_user_id")
    return {
        **data,
        "customer_code": f"CUST-{timezone.localtime(c.created_at).year}-{c.pk:03d}",
        "custom_fields": dict(c.custom_fields or {}),
        "welcome_email_sent": False,
    }


def customer_updated(c: Customer) -> dict:
    """PUT /customers/{id} (seeds/003): int id, flat scalars, MySQL updated_at."""
    return {
        "id": c.pk,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "status": c.status,
        "is_guest": c.is_guest,
        "wordpress_user_id": c.wordpress_user_id,
        "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
        "gender": c.gender,
        "address": c.street,
        "city": c.city,
        "state": c.state,
        "zipcode": c.postal_code,
        "country": c.country,
        "notes": c.notes,
        "admin_notes": c.admin_notes,
        "custom_fields": dict(c.custom_fields or {}),
        "created_at": c.created_at_local,
        "updated_at": c.updated_at_local,
    }


def booking_in_customer(b: Booking) -> dict:
    """A booking nested in GET /customers/{id} (seeds/000): int ids, Y-m-d, "confirmed"."""
    return {
        "id": b.pk,
        "booking_code": b.booking_code,
        "status": CUSTOMER_PAGE_STATUS.get(b.status, b.status),
        "start_date": b.start_date.isoformat(),
        "start_time": b.start_time,
        "end_time": b.end_time,
        "service": {"id": b.service_id, "name": b.service.name, "duration": b.duration},
        "agent": {"id": b.agent_id, "display_name": b.agent.display_name, "email": b.agent.email},
        "location": {
            "id": b.location_id,
            "name": b.location.name,
            "address": b.location.full_address,
        },
        "price": money(b.price),
        "payment_status": b.payment_status,
    }


# --- bookings --------------------------------------------------------------------------------


def _manage_link(key: str) -> str:
    return (
        f"{SITE_URL}/wp-admin/admin-post.php?action=latepoint_route_call"
        f"&route_name=manage_booking_by_key__show&key={key}"
    )


def order_total(b: Booking) -> Decimal:
    extras = sum((Decimal(str(e.get("price", "0"))) for e in b.service_extras or []), Decimal(0))
    return Decimal(b.price) + extras


def _booking_order(b: Booking, order, total: Decimal, created: str) -> dict:
    """The booking's order as seeds/004 shows it: string id, totals written "$75"."""
    if order is None:  # a booking written straight into the database without its order
        return {
            "id": str(b.order_id),
            "confirmation_code": b.order_code,
            "customer_comment": b.customer_comment,
            "status": "completed" if b.status == "completed" else "open",
            "fulfillment_status": "fulfilled" if b.status == "completed" else "not_fulfilled",
            "payment_status": ORDER_PAYMENT_STATUS.get(b.payment_status, b.payment_status),
            "source_id": None,
            "source_url": "",
            "total": currency(total),
            "subtotal": currency(total),
            "created_datetime": created,
        }
    return {
        "id": str(order.pk),
        "confirmation_code": order.confirmation_code,
        "customer_comment": order.customer_comment,
        "status": order.status,
        "fulfillment_status": order.fulfillment_status,
        "payment_status": order.payment_status,
        "source_id": None,
        "source_url": "",
        "total": currency(order.total),
        "subtotal": currency(order.subtotal),
        "created_datetime": iso_utc_offset(order.created_at),
    }


def booking_detail(b: Booking) -> dict:
    """GET /bookings/{id} (seeds/004, string ids) plus the fields its page's table adds."""
    c = b.customer
    order, payments = orders.money_of(b)
    total = order.total if order is not None else order_total(b)
    created = iso_utc_offset(b.created_at)
    return {
        "id": str(b.pk),
        "booking_code": b.booking_code,
        "start_datetime": iso_offset(b.start_at),
        "end_datetime": iso_offset(b.end_at),
        "service_name": b.service.name,
        "duration": str(b.duration),
        "customer_comment": b.customer_comment,
        "status": b.status,
        "start_date": b.start_date.strftime("%m/%d/%Y"),
        "start_time": b.start_time,
        "end_time": b.end_time,
        "timezone": settings.TIME_ZONE,
        "agent": {
            "id": str(b.agent_id),
            "full_name": f"{b.agent.first_name} {b.agent.last_name}",
            "display_name": b.agent.display_name,
            "email": b.agent.email,
            "phone": b.agent.phone,
        },
        "service": {"id": str(b.service_id), "name": b.service.name},
        "created_datetime": created,
        "manage_booking_for_agent": _manage_link(b.manage_key_agent),
        "manage_booking_for_customer": _manage_link(b.manage_key_customer),
        "customer": {
            "id": str(c.pk),
            "first_name": c.first_name,
            "last_name": c.last_name,
            "full_name": f"{c.first_name} {c.last_name}",
            "email": c.email,
            "phone": c.phone,
        },
        "transactions": [orders.booking_transaction(p) for p in payments],
        "order": _booking_order(b, order, total, created),
        "location": {
            "id": str(b.location_id),
            "name": b.location.name,
            "full_address": b.location.full_address,
            "category": [],
        },
        "service_extras": list(b.service_extras or []),
        "price": money(b.price),
        "payment_status": b.payment_status,
        "notes": b.notes,
        "created_at": iso_utc_offset(b.created_at),
        "updated_at": iso_utc_offset(b.updated_at),
    }


# --- reference data --------------------------------------------------------------------------


def agent_row(a: Agent) -> dict:
    return {
        "id": str(a.pk),
        "first_name": a.first_name,
        "last_name": a.last_name,
        "display_name": a.display_name,
        "full_name": f"{a.first_name} {a.last_name}",
        "title": a.title,
        "email": a.email,
        "phone": a.phone,
        "status": a.status,
        "created_at": local_text(a.created_at),
        "updated_at": local_text(a.updated_at),
    }


def service_row(s: Service) -> dict:
    return {
        "id": str(s.pk),
        "name": s.name,
        "short_description": s.short_description,
        "description": s.description,
        "duration": str(s.duration),
        "buffer_before": str(s.buffer_before),
        "buffer_after": str(s.buffer_after),
        "timeblock_interval": str(s.timeblock_interval) if s.timeblock_interval else None,
        "price_min": money4(s.price),
        "price_max": money4(s.price),
        "charge_amount": money4(s.price),
        "deposit_amount": money4(0),
        "capacity_min": "1",
        "capacity_max": "1",
        "order_number": str(s.order_number),
        "selection_image_id": "0",
        "status": s.status,
        "visibility": s.visibility,
        "category_id": str(s.category_id),
        "created_at": local_text(s.created_at),
        "updated_at": local_text(s.updated_at),
    }


def location_row(loc: Location) -> dict:
    return {
        "id": str(loc.pk),
        "name": loc.name,
        "full_address": loc.full_address,
        "status": loc.status,
        "category_id": "0",
        "order_number": None,
        "selection_image_id": "0",
        "created_at": local_text(loc.created_at),
        "updated_at": local_text(loc.updated_at),
    }
