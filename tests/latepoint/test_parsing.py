"""The documentation's own example payloads (seeds/ and latepoint-api.md), read into typed values.

Each test feeds a payload exactly as the docs print it through the client (a canned transport
stands in for the network) or through `latepoint.parsing`, and checks the values staff see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from latepoint import (
    BadResponse,
    BookingStatus,
    Conflict,
    CustomerStatus,
    Forbidden,
    InvalidRequest,
    Location,
    NotFound,
    RateLimited,
    ServerError,
    Service,
    Unauthorized,
    convert,
    envelope,
    parsing,
)
from tests.doc_payloads import SEED_004_BOOKING
from tests.latepoint.canned import canned_client

NEW_YORK = ZoneInfo("America/New_York")
MONTEVIDEO = ZoneInfo("America/Montevideo")

# seeds/000 (GET /customers/45, S1), verbatim, with its duplicate "notes" key.
SEED_000_CUSTOMER = """{
"status": "success",
"data": {
"id": 45,
"first_name": "John",
"last_name": "Smith",
"email": "john.smith@email.com",
"phone": "+1 555 123 4567",
"status": "active",
"avatar_url": "https://your-site.com/wp-content/uploads/avatars/45.jpg",
"date_of_birth": "1985-03-15",
"gender": "male",
"address": {
"street": "123 Main Street",
"city": "New York",
"state": "NY",
"postal_code": "10001",
"country": "United States"
},
"created_at": "2023-06-15T10:30:00Z",
"updated_at": "2024-01-20T14:15:00Z",
"stats": {
"total_bookings": 12,
"completed_bookings": 10,
"cancelled_bookings": 2,
"no_show_bookings": 0,
"pending_bookings": 1,
"total_spent": "850.00",
"average_booking_value": "70.83",
"first_booking_date": "2023-06-20T14:30:00Z",
"last_booking_date": "2024-01-15T14:30:00Z",
"next_booking_date": "2024-01-25T16:00:00Z",
"favorite_agent": {
"id": 3,
"display_name": "Dr. Sarah Johnson",
"booking_count": 8
},
"favorite_service": {
"id": 7,
"name": "General Consultation",
"booking_count": 6
},
"favorite_location": {
"id": 1,
"name": "Main Clinic",
"booking_count": 10
},
"booking_frequency": "monthly"
},
"bookings": [
{
"id": 123,
"booking_code": "LP-2024-001",
"status": "confirmed",
"start_date": "2024-01-25",
"start_time": "16:00",
"end_time": "17:00",
"service": {
"id": 7,
"name": "General Consultation",
"duration": 60
},
"agent": {
"id": 3,
"display_name": "Dr. Sarah Johnson",
"email": "sarah.johnson@clinic.com"
},
"location": {
"id": 1,
"name": "Main Clinic",
"address": "123 Main Street, NY"
},
"price": "75.00",
"payment_status": "paid"
},
{
"id": 118,
"booking_code": "LP-2024-002",
"status": "completed",
"start_date": "2024-01-15",
"start_time": "14:30",
"end_time": "15:30",
"service": {
"id": 7,
"name": "General Consultation",
"duration": 60
},
"agent": {
"id": 3,
"display_name": "Dr. Sarah Johnson",
"email": "sarah.johnson@clinic.com"
},
"location": {
"id": 1,
"name": "Main Clinic",
"address": "123 Main Street, NY"
},
"price": "75.00",
"payment_status": "paid"
}
],
"custom_fields": {
"emergency_contact": "Jane Smith - +1 555 987 6543",
"preferred_language": "en",
"medical_notes": "Allergic to penicillin",
"insurance_provider": "Blue Cross Blue Shield",
"referral_source": "Google"
},
"notes": "Very punctual and friendly customer. Prefers afternoon appointments.",
"notes": "Very punctual and friendly customer. Prefers afternoon appointments."
}
}"""

# seeds/001 (GET /customers, S3 + P2), the example response.
SEED_001_LIST = {
    "success": True,
    "data": [
        {
            "id": "30",
            "first_name": "Carlos",
            "last_name": "Rodriguez",
            "email": "carlos@example.com",
            "phone": "+59887222333",
            "status": "pending_verification",
            "is_guest": "1",
            "notes": "",
            "admin_notes": "",
            "wordpress_user_id": None,
            "created_at": "2025-09-24 06:10:34",
            "updated_at": "2026-01-27 22:23:23",
            "stats": {
                "total_bookings": "3",
                "completed_bookings": 3,
                "cancelled_bookings": 0,
                "future_bookings": "0",
                "total_spent": "46.00",
                "last_booking_date": "2026-03-02",
                "next_booking_date": None,
            },
            "custom_fields": {"cf_JLIkv6Md": "24"},
        }
    ],
    "pagination": {
        "page": 1,
        "per_page": 10,
        "total": 29,
        "total_pages": 3,
        "has_next_page": True,
        "has_previous_page": False,
    },
}

# seeds/002 (POST /customers, S2, 201).
SEED_002_CREATED = {
    "status": "success",
    "message": "Customer created successfully",
    "data": {
        "id": 47,
        "first_name": "Sarah",
        "last_name": "Johnson",
        "email": "sarah.johnson@email.com",
        "phone": "+1 555 987 6543",
        "status": "active",
        "customer_code": "CUST-2024-047",
        "avatar_url": "https://your-site.com/wp-content/plugins/latepoint/images/default-avatar.png",
        "date_of_birth": "1990-05-15",
        "gender": "female",
        "address": {
            "street": "123 Main Street, Apt 4B",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "country": "US",
        },
        "preferences": {
            "preferred_agent_id": 3,
            "preferred_location_id": 1,
            "preferred_time_slots": ["09:00-12:00", "14:00-17:00"],
            "language": "en",
            "communication_preferences": {
                "email_notifications": True,
                "sms_notifications": True,
                "reminder_hours": 48,
                "marketing_emails": False,
            },
        },
        "custom_fields": {
            "emergency_contact": "John Johnson - +1 555 111 2222",
            "insurance_provider": "Blue Cross Blue Shield",
            "referral_source": "Referral",
        },
        "notes": "VIP customer, prefers morning appointments",
        "created_at": "2024-01-20T15:30:00Z",
        "updated_at": "2024-01-20T15:30:00Z",
        "wp_user_id": 156,
        "welcome_email_sent": True,
    },
}

SEED_002_VALIDATION = {
    "status": "error",
    "error": {
        "code": "validation_failed",
        "message": "The provided data is not valid",
        "details": {
            "first_name": "First name is required and must be at least 2 characters",
            "email": "Email format is not valid",
            "phone": "Phone format is not valid",
        },
    },
}

# seeds/003 (PUT /customers/123, S4, MySQL updated_at; errors in E3).
SEED_003_UPDATED = {
    "success": True,
    "message": "Customer updated successfully",
    "data": {
        "id": 123,
        "first_name": "John",
        "last_name": "Smith",
        "email": "john.smith.new@example.com",
        "phone": "+1-555-0199",
        "status": "active",
        "updated_at": "2024-01-15 14:30:25",
    },
}
SEED_003_DUPLICATE = {
    "code": "customer_update_failed",
    "message": "Error updating customer: Email already exists",
    "data": {"status": 400},
}
SEED_003_NOT_FOUND = {
    "code": "customer_not_found",
    "message": "Customer not found",
    "data": {"status": 404},
}


SEED_004_NOT_FOUND = {
    "status": "error",
    "error": {"code": "booking_not_found", "message": "Booking with ID 123 was not found"},
}


# --- seeds/000: GET /customers/{id} -----------------------------------------------------------


def test_seed_000_customer_profile_with_duplicate_notes_key():
    client, adapter, _ = canned_client((200, SEED_000_CUSTOMER), site_timezone="America/New_York")

    customer = client.get_customer(45, include=("stats", "bookings", "custom_fields"))

    assert adapter.requests[0].path_url.endswith(
        "/customers/45?include=stats%2Cbookings%2Ccustom_fields"
    )
    assert customer.id == 45
    assert customer.full_name == "John Smith"
    assert customer.email == "john.smith@email.com"
    assert customer.phone == "+1 555 123 4567"
    assert customer.status is CustomerStatus.ACTIVE
    assert customer.avatar_url.endswith("/avatars/45.jpg")
    assert customer.date_of_birth == date(1985, 3, 15)
    assert customer.gender == "male"
    assert customer.address.street == "123 Main Street"
    assert customer.address.city == "New York"
    assert customer.address.postal_code == "10001"
    assert customer.address.country == "United States"
    assert customer.created_at == datetime(2023, 6, 15, 10, 30, tzinfo=UTC)
    assert customer.updated_at == datetime(2024, 1, 20, 14, 15, tzinfo=UTC)
    assert customer.notes == "Very punctual and friendly customer. Prefers afternoon appointments."
    assert customer.custom_fields["medical_notes"] == "Allergic to penicillin"
    assert len(customer.custom_fields) == 5

    stats = customer.stats
    assert stats is not None
    assert (stats.total_bookings, stats.completed_bookings, stats.cancelled_bookings) == (12, 10, 2)
    assert (stats.no_show_bookings, stats.pending_bookings) == (0, 1)
    assert stats.total_spent == Decimal("850.00")
    assert stats.average_booking_value == Decimal("70.83")
    # ISO datetimes in date fields: the date as the site (New York) sees it.
    assert stats.first_booking_date == date(2023, 6, 20)
    assert stats.last_booking_date == date(2024, 1, 15)
    assert stats.next_booking_date == date(2024, 1, 25)
    assert stats.favorite_agent.name == "Dr. Sarah Johnson"
    assert (stats.favorite_agent.id, stats.favorite_agent.booking_count) == (3, 8)
    assert stats.favorite_service.name == "General Consultation"
    assert stats.favorite_location.booking_count == 10
    assert stats.booking_frequency == "monthly"

    upcoming, past = customer.bookings
    assert upcoming.id == 123
    assert upcoming.booking_code == "LP-2024-001"
    assert upcoming.status is BookingStatus.APPROVED  # "confirmed"
    assert upcoming.start == datetime(2024, 1, 25, 16, 0, tzinfo=NEW_YORK)
    assert upcoming.end == datetime(2024, 1, 25, 17, 0, tzinfo=NEW_YORK)
    assert upcoming.duration == 60
    assert upcoming.service.name == "General Consultation"
    assert upcoming.service.id == 7
    assert upcoming.agent.display_name == "Dr. Sarah Johnson"
    assert upcoming.agent.email == "sarah.johnson@clinic.com"
    assert upcoming.location.address == "123 Main Street, NY"
    assert upcoming.price == Decimal("75.00")
    assert upcoming.payment_status == "paid"
    assert upcoming.customer.id == 45  # the profile's own customer
    assert past.status is BookingStatus.COMPLETED
    assert past.start == datetime(2024, 1, 15, 14, 30, tzinfo=NEW_YORK)


def test_seed_000_customer_not_found_is_e1():
    body = {
        "status": "error",
        "error": {"code": "customer_not_found", "message": "Customer with ID 45 was not found"},
    }
    client, _, _ = canned_client((404, body))

    with pytest.raises(NotFound) as caught:
        client.get_customer(45)

    assert caught.value.status == 404
    assert caught.value.code == "customer_not_found"
    assert caught.value.message == "Customer with ID 45 was not found"


# --- seeds/001: GET /customers ------------------------------------------------------------------


def test_seed_001_customer_list_s3_p2():
    client, adapter, _ = canned_client((200, SEED_001_LIST), site_timezone="America/New_York")

    page = client.list_customers(search="carlos", status="active", is_guest=True, per_page=10)

    query = adapter.requests[0].path_url.split("?", 1)[1]
    assert sorted(query.split("&")) == [
        "is_guest=true",
        "page=1",
        "per_page=10",
        "search=carlos",
        "status=active",
    ]
    assert (page.page, page.per_page, page.total, page.total_pages) == (1, 10, 29, 3)
    assert page.has_next is True
    assert page.has_previous is False
    (carlos,) = page.items
    assert carlos.id == 30
    assert carlos.full_name == "Carlos Rodriguez"
    assert carlos.status is CustomerStatus.PENDING_VERIFICATION
    assert carlos.is_guest is True
    assert carlos.wordpress_user_id is None
    # MySQL datetimes carry no zone: they are the site's local time.
    assert carlos.created_at == datetime(2025, 9, 24, 6, 10, 34, tzinfo=NEW_YORK)
    assert carlos.created_at.utcoffset() == timedelta(hours=-4)
    assert carlos.updated_at == datetime(2026, 1, 27, 22, 23, 23, tzinfo=NEW_YORK)
    stats = carlos.stats
    assert (stats.total_bookings, stats.completed_bookings, stats.cancelled_bookings) == (3, 3, 0)
    assert stats.future_bookings == 0
    assert stats.total_spent == Decimal("46.00")
    assert stats.last_booking_date == date(2026, 3, 2)
    assert stats.next_booking_date is None
    assert carlos.custom_fields == {"cf_JLIkv6Md": "24"}
    assert carlos.address.is_empty


def test_seed_001_unauthorized_is_e3():
    body = {"code": "rest_forbidden", "message": "Unauthorized", "data": {"status": 401}}
    client, _, _ = canned_client((401, body))

    with pytest.raises(Unauthorized) as caught:
        client.list_customers()

    assert (caught.value.status, caught.value.code) == (401, "rest_forbidden")
    assert caught.value.message == "Unauthorized"


# --- seeds/002: POST /customers -----------------------------------------------------------------


def test_seed_002_create_customer_s2_201():
    client, adapter, _ = canned_client((201, SEED_002_CREATED))

    created = client.create_customer(
        {"first_name": "Sarah", "last_name": "Johnson", "date_of_birth": date(1990, 5, 15)}
    )

    sent = adapter.requests[0]
    assert sent.method == "POST"
    assert sent.headers["Content-Type"] == "application/json"
    assert b'"date_of_birth": "1990-05-15"' in sent.body
    assert created.id == 47
    assert created.full_name == "Sarah Johnson"
    assert created.wordpress_user_id == 156  # from wp_user_id
    assert created.address.street == "123 Main Street, Apt 4B"
    assert created.address.country == "US"
    assert created.created_at == datetime(2024, 1, 20, 15, 30, tzinfo=UTC)
    assert created.custom_fields["referral_source"] == "Referral"
    assert created.notes == "VIP customer, prefers morning appointments"


def test_seed_002_validation_failed_gives_field_errors():
    client, _, _ = canned_client((400, SEED_002_VALIDATION))

    with pytest.raises(InvalidRequest) as caught:
        client.create_customer({"first_name": "S"})

    error = caught.value
    assert error.code == "validation_failed"
    assert error.message == "The provided data is not valid"
    assert error.field_errors == {
        "first_name": "First name is required and must be at least 2 characters",
        "email": "Email format is not valid",
        "phone": "Phone format is not valid",
    }
    assert not error.is_duplicate_email


def test_seed_002_duplicate_email_409_is_conflict():
    body = {"status": "error", "error": {"code": "email_exists", "message": "Email already exists"}}
    client, _, _ = canned_client((409, body))

    with pytest.raises(Conflict) as caught:
        client.create_customer({"first_name": "Sarah", "email": "taken@example.com"})

    assert caught.value.is_duplicate_email


# --- seeds/003: PUT /customers/{id} -------------------------------------------------------------


def test_seed_003_update_customer_s4_mysql_updated_at():
    client, adapter, _ = canned_client((200, SEED_003_UPDATED), site_timezone="America/New_York")

    updated = client.update_customer(
        123, {"email": "john.smith.new@example.com", "status": "active"}
    )

    assert adapter.requests[0].method == "PUT"
    assert adapter.requests[0].path_url.endswith("/customers/123")
    assert updated.id == 123
    assert updated.email == "john.smith.new@example.com"
    assert updated.phone == "+1-555-0199"
    assert updated.status is CustomerStatus.ACTIVE
    assert updated.updated_at == datetime(2024, 1, 15, 14, 30, 25, tzinfo=NEW_YORK)


def test_seed_003_duplicate_email_400_is_recognised():
    client, _, _ = canned_client((400, SEED_003_DUPLICATE))

    with pytest.raises(InvalidRequest) as caught:
        client.update_customer(123, {"email": "taken@example.com"})

    assert caught.value.status == 400
    assert caught.value.code == "customer_update_failed"
    assert caught.value.message == "Error updating customer: Email already exists"
    assert caught.value.is_duplicate_email


def test_seed_003_not_found_e3():
    client, _, _ = canned_client((404, SEED_003_NOT_FOUND))

    with pytest.raises(NotFound) as caught:
        client.update_customer(123, {"first_name": "John"})

    assert caught.value.code == "customer_not_found"


# --- seeds/004: GET /bookings/{id} --------------------------------------------------------------


def test_seed_004_booking_s6():
    client, adapter, _ = canned_client((200, SEED_004_BOOKING), site_timezone="America/New_York")

    booking = client.get_booking(18)

    assert adapter.requests[0].path_url.endswith("/bookings/18")
    assert booking.id == 18
    assert booking.booking_code == "EUHJVNH"
    assert booking.status is BookingStatus.PENDING
    assert booking.timezone == "America/Montevideo"
    assert booking.start == datetime(2025, 11, 17, 16, 0, tzinfo=MONTEVIDEO)
    assert booking.start.utcoffset() == timedelta(hours=-3)
    assert booking.start.tzinfo == MONTEVIDEO
    assert booking.end == datetime(2025, 11, 17, 17, 0, tzinfo=MONTEVIDEO)
    assert booking.duration == 60
    assert booking.service.name == "test 1"  # flat service_name
    assert booking.agent.id == 1
    assert booking.agent.display_name == "Pao Campo"  # from full_name
    assert booking.customer.id == 7
    assert booking.customer.full_name == "Ana Lopez"
    assert booking.customer.phone == "+525559876543"
    assert booking.location.id == 1
    assert booking.location.name == "Main Location"
    assert booking.location.address == ""
    assert booking.order.id == 34
    assert booking.order.confirmation_code == "SCLRA23J"
    assert booking.order.total == Decimal("0")  # "$0"
    assert booking.order.subtotal == Decimal("0")
    assert booking.order.payment_status == "not_paid"
    assert booking.order.created_at == datetime(2025, 8, 21, 7, 41, 32, tzinfo=UTC)
    assert booking.payment_status == "not_paid"  # from the order when the booking has none
    assert booking.customer_comment == ""
    assert booking.transactions == ()
    assert booking.service_extras == ()
    assert booking.created_at == datetime(2025, 8, 21, 7, 41, 32, tzinfo=UTC)
    assert "manage_booking_by_key__show" in booking.manage_booking_for_agent


def test_seed_004_booking_not_found_e1():
    client, _, _ = canned_client((404, SEED_004_NOT_FOUND))

    with pytest.raises(NotFound) as caught:
        client.get_booking(123)

    assert caught.value.code == "booking_not_found"
    assert caught.value.message == "Booking with ID 123 was not found"


def test_booking_with_the_sandbox_extras_reads_both_halves_of_the_page():
    data = dict(SEED_004_BOOKING["data"])
    data |= {
        "end_time": "17:00",
        "price": "120.00",
        "payment_status": "paid",
        "service": {"id": "4", "name": "test 1"},
        "agent": {**data["agent"], "display_name": "Dr. Pao"},
    }

    booking = parsing.parse_booking(data)

    assert booking.service.id == 4
    assert booking.agent.display_name == "Dr. Pao"  # display_name wins over full_name
    assert booking.price == Decimal("120.00")
    assert booking.payment_status == "paid"


# --- §1.10 variants, one by one -----------------------------------------------------------------


@pytest.mark.parametrize("raw", [45, "45", 45.0, " 45 "])
def test_ids_int_or_string(raw):
    assert parsing.parse_customer({"id": raw}).id == 45


def test_mixed_id_types_in_one_object():
    service = parsing.parse_service(
        {"id": "1", "name": "x", "category": {"id": 1}, "agents": [{"id": 1}]}
    )
    assert service.id == 1


def test_counts_string_next_to_int_in_one_object():
    stats = parsing.parse_customer(
        {"id": 1, "stats": {"total_bookings": "3", "future_bookings": "0", "completed_bookings": 3}}
    ).stats
    assert (stats.total_bookings, stats.future_bookings, stats.completed_bookings) == (3, 0, 3)


@pytest.mark.parametrize("raw", ["60", 60])
def test_duration_string_or_int(raw):
    assert parsing.parse_service({"id": 1, "duration": raw}).duration == 60


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("850.00", Decimal("850.00")),
        ("23.0000", Decimal("23.0000")),
        ("50", Decimal("50")),
        (150, Decimal("150")),
        (70.83, Decimal("70.83")),
        ("$0", Decimal("0")),
        ("$1,234.50", Decimal("1234.50")),
        ("-$5.00", Decimal("-5.00")),
        (None, None),
        ("", None),
    ],
)
def test_money_variants(raw, amount):
    assert convert.to_decimal(raw) == amount
    if amount is not None:
        assert parsing.parse_service({"id": 1, "charge_amount": raw}).price == amount


def test_service_price_from_charge_amount_then_price_min():
    page = {
        "id": "1",
        "price_min": "100.0000",
        "price_max": "299.0000",
        "charge_amount": "100.0000",
    }
    assert parsing.parse_service(page).price == Decimal("100.0000")
    assert parsing.parse_service({"id": 1, "price_min": "120.0000"}).price == Decimal("120.0000")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        ("1", True),
        (1, True),
        ("true", True),
        (False, False),
        ("0", False),
        (0, False),
        (None, False),
        ("", False),
    ],
)
def test_booleans(raw, expected):
    assert parsing.parse_customer({"id": 1, "is_guest": raw}).is_guest is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-11-17", date(2025, 11, 17)),
        ("11/17/2025", date(2025, 11, 17)),
        ("2025-11-17 23:30:00", date(2025, 11, 17)),
        ("2025-11-17T16:00:00-03:00", date(2025, 11, 17)),
        ("2025-11-18T02:00:00Z", date(2025, 11, 17)),  # 21:00 the day before in New York
        (None, None),
        ("", None),
        ("0000-00-00", None),
        ("n/a", None),
    ],
)
def test_date_variants(raw, expected):
    customer = parsing.parse_customer({"id": 1, "date_of_birth": raw}, tz=NEW_YORK)
    assert customer.date_of_birth == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-24 06:10:34", datetime(2025, 9, 24, 6, 10, 34, tzinfo=NEW_YORK)),
        ("2023-06-15T10:30:00Z", datetime(2023, 6, 15, 10, 30, tzinfo=UTC)),
        (
            "2025-11-17T16:00:00-03:00",
            datetime(2025, 11, 17, 16, 0, tzinfo=timezone(timedelta(hours=-3))),
        ),
        ("2025-08-21T07:41:32+00:00", datetime(2025, 8, 21, 7, 41, 32, tzinfo=UTC)),
        ("2025-11-17", datetime(2025, 11, 17, tzinfo=NEW_YORK)),
        ("0000-00-00 00:00:00", None),
        ("n/a", None),
        ("", None),
        (None, None),
    ],
)
def test_datetime_variants_are_aware(raw, expected):
    created = parsing.parse_customer({"id": 1, "created_at": raw}, tz=NEW_YORK).created_at
    assert created == expected
    if created is not None:
        assert created.tzinfo is not None


def test_unreadable_optional_date_is_none_not_an_error():
    customer = parsing.parse_customer({"id": 1, "date_of_birth": "someday", "created_at": [1]})
    assert customer.date_of_birth is None
    assert customer.created_at is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("16:00", time(16)), ("870", time(14, 30)), ("4:30 pm", time(16, 30)), ("", None)],
)
def test_time_variants(raw, expected):
    assert convert.to_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pending", BookingStatus.PENDING),
        ("approved", BookingStatus.APPROVED),
        ("confirmed", BookingStatus.APPROVED),
        ("Confirmed", BookingStatus.APPROVED),
        ("cancelled", BookingStatus.CANCELLED),
        ("completed", BookingStatus.COMPLETED),
        ("no_show", BookingStatus.NO_SHOW),
        ("waitlisted", "waitlisted"),
    ],
)
def test_booking_statuses(raw, expected):
    status = parsing.parse_booking({"id": 1, "status": raw}).status
    assert status == expected
    if isinstance(expected, BookingStatus):
        assert isinstance(status, BookingStatus)
    else:
        assert type(status) is str


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("active", CustomerStatus.ACTIVE),
        ("inactive", CustomerStatus.INACTIVE),
        ("blocked", CustomerStatus.BLOCKED),
        ("pending", CustomerStatus.PENDING_VERIFICATION),
        ("pending_verification", CustomerStatus.PENDING_VERIFICATION),
        ("archived", "archived"),
    ],
)
def test_customer_statuses(raw, expected):
    status = parsing.parse_customer({"id": 1, "status": raw}).status
    assert status == expected
    assert isinstance(status, CustomerStatus) is isinstance(expected, CustomerStatus)


def test_address_flat_fields():
    customer = parsing.parse_customer(
        {
            "id": 1,
            "address": "456 Oak Street",
            "city": "Los Angeles",
            "state": "CA",
            "zipcode": "90210",
            "country": "US",
        }
    )
    assert customer.address.street == "456 Oak Street"
    assert customer.address.city == "Los Angeles"
    assert customer.address.state == "CA"
    assert customer.address.postal_code == "90210"
    assert customer.address.country == "US"


@pytest.mark.parametrize("key", ["wordpress_user_id", "wp_user_id"])
def test_wordpress_user_id_either_name(key):
    assert parsing.parse_customer({"id": 1, key: "156"}).wordpress_user_id == 156


def test_notes_and_admin_notes():
    customer = parsing.parse_customer({"id": 1, "notes": "VIP", "admin_notes": "pays late"})
    assert (customer.notes, customer.admin_notes) == ("VIP", "pays late")


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        ({"id": 3, "display_name": "Dr. Sarah Johnson"}, "Dr. Sarah Johnson"),
        ({"id": "1", "full_name": "Pao Campo"}, "Pao Campo"),
        ({"id": 1, "first_name": "John", "last_name": "Doe"}, "John Doe"),
    ],
)
def test_agent_naming(payload, name):
    assert parsing.parse_agent(payload).display_name == name


def test_service_nested_or_flat_in_a_booking():
    nested = parsing.parse_booking(
        {"id": 1, "service": {"id": 7, "name": "General", "duration": 60}}
    )
    flat = parsing.parse_booking({"id": 1, "service_name": "test 1", "service_id": "4"})
    assert (nested.service.id, nested.service.name, nested.duration) == (7, "General", 60)
    assert (flat.service.id, flat.service.name) == (4, "test 1")


@pytest.mark.parametrize("key", ["address", "full_address"])
def test_location_address_either_name(key):
    location = parsing.parse_location({"id": "2", "name": "Center", key: "123 Main St, New York"})
    assert location.address == "123 Main St, New York"


def test_locations_list_example():
    body = {
        "success": True,
        "data": [
            {
                "id": "2",
                "name": "Location Center",
                "full_address": "123 Main St, New York, NY 10001",
                "status": "active",
                "category_id": "0",
                "order_number": None,
                "selection_image_id": "0",
                "created_at": "2025-09-03 21:50:21",
                "updated_at": "2025-09-03 21:50:21",
            }
        ],
        "pagination": {
            "page": 1,
            "per_page": 10,
            "total": 2,
            "total_pages": 1,
            "has_next_page": False,
            "has_previous_page": False,
        },
    }
    client, adapter, _ = canned_client((200, body))

    (location,) = client.list_locations()

    assert "per_page=100" in adapter.requests[0].path_url
    assert location == Location(
        id=2, name="Location Center", address="123 Main St, New York, NY 10001", status="active"
    )


def test_services_get_example_strings_everywhere():
    data = {
        "id": "1",
        "name": "Consult",
        "duration": "60",
        "price_min": "100.0000",
        "price_max": "299.0000",
        "charge_amount": "100.0000",
        "status": "active",
        "category": {"id": 1, "name": "General"},
        "agents": [{"id": 1, "first_name": "John", "last_name": "Doe"}],
    }
    service = parsing.parse_service(data)
    assert service == Service(
        id=1, name="Consult", duration=60, price=Decimal("100.0000"), status="active"
    )


def test_custom_fields_empty_php_array_is_empty_dict():
    assert parsing.parse_customer({"id": 1, "custom_fields": []}).custom_fields == {}


def test_booking_from_date_and_time_in_its_own_zone():
    booking = parsing.parse_booking(
        {
            "id": 5,
            "start_date": "11/17/2025",
            "start_time": "23:30",
            "end_time": "00:30",
            "timezone": "America/Montevideo",
        },
        tz=NEW_YORK,
    )
    assert booking.start == datetime(2025, 11, 17, 23, 30, tzinfo=MONTEVIDEO)
    assert booking.end == datetime(2025, 11, 18, 0, 30, tzinfo=MONTEVIDEO)  # past midnight
    assert booking.duration == 60


def test_booking_without_zone_uses_the_site_zone_and_duration():
    booking = parsing.parse_booking(
        {"id": 5, "start_date": "2025-11-17", "start_time": "09:00", "duration": 45}, tz=NEW_YORK
    )
    assert booking.timezone == ""
    assert booking.start == datetime(2025, 11, 17, 9, 0, tzinfo=NEW_YORK)
    assert booking.end == datetime(2025, 11, 17, 9, 45, tzinfo=NEW_YORK)


def test_booking_offset_datetime_converted_into_the_booking_zone():
    booking = parsing.parse_booking(
        {"id": 5, "start_datetime": "2025-11-17T19:00:00Z", "timezone": "America/Montevideo"}
    )
    assert booking.start.tzinfo == MONTEVIDEO
    assert booking.start.hour == 16


def test_booking_with_an_unknown_zone_falls_back_to_the_site_zone():
    booking = parsing.parse_booking(
        {"id": 5, "start_date": "2025-11-17", "start_time": "09:00", "timezone": "Mars/Olympus"},
        tz=NEW_YORK,
    )
    assert booking.start == datetime(2025, 11, 17, 9, 0, tzinfo=NEW_YORK)


def test_booking_transactions_and_extras():
    booking = parsing.parse_booking(
        {
            "id": 5,
            "transactions": [
                {
                    "id": "9",
                    "amount": "467.0000",
                    "status": "succeeded",
                    "payment_method": "cash",
                    "processor": "other",
                    "kind": "capture",
                    "created_at": "2025-01-02 10:00:00",
                }
            ],
            "service_extras": [{"id": "2", "name": "Towel", "quantity": "2", "price": "$5.00"}],
        }
    )
    (payment,) = booking.transactions
    assert (payment.id, payment.amount, payment.status) == (9, Decimal("467.0000"), "succeeded")
    (extra,) = booking.service_extras
    assert (extra.name, extra.quantity, extra.price) == ("Towel", 2, Decimal("5.00"))
    # No receipt or note in the payload: not all a payment line shows.
    assert (payment.receipt_number, payment.notes, payment.token) == (None, None, None)
    assert not payment.whole


def test_booking_transactions_with_receipts_and_notes_are_whole():
    booking = parsing.parse_booking(
        {
            "id": 5,
            "transactions": [
                {"id": "9", "amount": "20.00", "receipt_number": "R-9", "notes": None},
                {"id": "10", "amount": "5.00", "receipt_number": "", "notes": "Tip"},
            ],
        }
    )

    first, second = booking.transactions
    assert (first.receipt_number, first.notes, first.whole) == ("R-9", "", True)
    assert (second.receipt_number, second.notes, second.whole) == ("", "Tip", True)


# --- success envelopes S1 to S8 ------------------------------------------------------------------

CUSTOMER_ROW = {"id": 45, "first_name": "John"}


@pytest.mark.parametrize(
    "body",
    [
        {"status": "success", "data": CUSTOMER_ROW, "meta": {}},  # S1
        {"status": "success", "message": "ok", "data": CUSTOMER_ROW},  # S2
        {"success": True, "data": CUSTOMER_ROW},  # S3/S6
        {"success": True, "message": "Customer updated successfully", "data": CUSTOMER_ROW},  # S4
        CUSTOMER_ROW,  # S7: a bare object
    ],
    ids=["S1", "S2", "S3-S6", "S4", "S7"],
)
def test_success_envelopes_for_one_object(body):
    client, _, _ = canned_client((200, body))
    assert client.get_customer(45).first_name == "John"


def test_s5_message_only_for_a_delete():
    client, adapter, _ = canned_client((200, {"success": True, "message": "deleted"}))
    assert client.delete_customer(45) is None
    assert adapter.requests[0].method == "DELETE"


@pytest.mark.parametrize(
    "body",
    [
        {
            "status": "success",
            "data": [CUSTOMER_ROW],
            "meta": {"total": 1, "page": 1, "per_page": 20, "total_pages": 1},
        },
        {
            "success": True,
            "data": [CUSTOMER_ROW],
            "pagination": {"page": 1, "per_page": 20, "total": 1, "total_pages": 1},
        },
        {
            "data": [CUSTOMER_ROW],
            "pagination": {"page": 1, "per_page": 5, "total": 1, "total_pages": 1},
        },  # S8
        [CUSTOMER_ROW],  # bare list
    ],
    ids=["S1", "S3", "S8", "bare"],
)
def test_success_envelopes_for_lists(body):
    client, _, _ = canned_client((200, body))
    page = client.list_customers()
    assert [c.first_name for c in page.items] == ["John"]
    assert page.total == 1
    assert page.has_next is False


def test_a_2xx_with_success_false_is_an_error():
    client, _, _ = canned_client((200, {"success": False, "error": "Payment not found"}))
    with pytest.raises(InvalidRequest) as caught:
        client.get_customer(1)
    assert caught.value.message == "Payment not found"


def test_a_2xx_with_status_error_is_an_error():
    body = {
        "status": "error",
        "error": {"code": "customer_not_found", "message": "gone"},
        "data": {"status": 404},
    }
    client, _, _ = canned_client((200, body))
    with pytest.raises(NotFound):
        client.get_customer(1)


# --- error envelopes E1 to E4 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "cls", "code", "message"),
    [
        (
            401,
            {
                "status": "error",
                "error": {"code": "unauthorized", "message": "Invalid or missing API Key"},
            },
            Unauthorized,
            "unauthorized",
            "Invalid or missing API Key",
        ),  # E1
        (
            401,
            {"error": {"code": "unauthorized", "message": "Invalid or missing API key"}},
            Unauthorized,
            "unauthorized",
            "Invalid or missing API key",
        ),  # E2
        (
            503,
            {
                "code": "latepoint_not_available",
                "message": "LatePoint is not available",
                "data": {"status": 503},
            },
            ServerError,
            "latepoint_not_available",
            "LatePoint is not available",
        ),  # E3
        (
            400,
            {"success": False, "error": "Invalid payment status provided"},
            InvalidRequest,
            "",
            "Invalid payment status provided",
        ),  # E4
        (
            403,
            {
                "code": "rest_forbidden",
                "message": "Insufficient permissions",
                "data": {"status": 403},
            },
            Forbidden,
            "rest_forbidden",
            "Insufficient permissions",
        ),
        (
            422,
            {"status": "error", "error": {"code": "invalid_request", "message": "Invalid"}},
            InvalidRequest,
            "invalid_request",
            "Invalid",
        ),
        (
            500,
            {"code": "server_error", "message": "boom", "data": {"status": 500}},
            ServerError,
            "server_error",
            "boom",
        ),
    ],
    ids=["E1", "E2", "E3", "E4", "403", "422", "500"],
)
def test_error_envelopes(status, body, cls, code, message):
    error = envelope.error_from_body(status, body)
    assert type(error) is cls
    assert (error.status, error.code, error.message) == (status, code, message)


def test_the_http_status_wins_over_data_status():
    error = envelope.error_from_body(404, {"code": "x", "message": "y", "data": {"status": 400}})
    assert isinstance(error, NotFound)
    assert error.status == 404


def test_details_in_data_and_lists_of_messages():
    body = {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): email",
        "data": {
            "status": 400,
            "params": {"email": "Invalid email."},
            "details": {"phone": ["Too long.", "Bad prefix."]},
        },
    }
    error = envelope.error_from_body(400, body)
    assert error.field_errors == {"phone": "Too long. Bad prefix.", "email": "Invalid email."}


def test_nested_field_error_keys_are_kept():
    body = {
        "status": "error",
        "error": {
            "code": "invalid_request",
            "message": "Invalid input data",
            "details": {"customer.email": "Email is required"},
        },
    }
    assert envelope.error_from_body(400, body).field_errors == {
        "customer.email": "Email is required"
    }


def test_customer_has_bookings():
    body = {
        "code": "customer_has_bookings",
        "message": "Customer has bookings",
        "data": {"status": 400, "booking_count": 3},
    }
    client, _, _ = canned_client((400, body))
    with pytest.raises(InvalidRequest) as caught:
        client.delete_customer(5)
    assert caught.value.code == "customer_has_bookings"
    assert not caught.value.is_duplicate_email


def test_rate_limited_reads_retry_after():
    client, _, _ = canned_client(
        (
            429,
            {"status": "error", "error": {"code": "rate_limited", "message": "Slow down"}},
            {"Retry-After": "30"},
        ),
        max_retries=0,
    )
    with pytest.raises(RateLimited) as caught:
        client.list_customers()
    assert caught.value.retry_after == 30
    assert caught.value.status == 429


def test_a_non_json_5xx_is_still_a_server_error():
    client, _, _ = canned_client(
        (502, "<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"}), max_retries=0
    )
    with pytest.raises(ServerError) as caught:
        client.get_booking(1)
    assert caught.value.status == 502


def test_a_non_json_404_is_not_found():
    client, _, _ = canned_client((404, "<html>Not Found</html>"))
    with pytest.raises(NotFound):
        client.get_booking(1)


# --- pagination P1 to P4 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta_key", "meta", "expected"),
    [
        (
            "meta",
            {"total": 100, "page": 1, "per_page": 20, "total_pages": 5},
            (1, 20, 100, 5, True, False),
        ),  # P1
        (
            "pagination",
            {
                "page": 1,
                "per_page": 10,
                "total": 29,
                "total_pages": 3,
                "has_next_page": True,
                "has_previous_page": False,
            },
            (1, 10, 29, 3, True, False),
        ),  # P2
        (
            "pagination",
            {"page": 1, "per_page": 5, "total": 1, "total_pages": 1},
            (1, 5, 1, 1, False, False),
        ),  # P3
        (
            "pagination",
            {"current_page": 2, "per_page": 10, "total_pages": 3, "total_records": 25},
            (2, 10, 25, 3, True, True),
        ),  # P4
        (
            "pagination",
            {"page": "3", "per_page": "10", "total": "29", "total_pages": "3"},
            (3, 10, 29, 3, False, True),
        ),  # numbers as strings
    ],
    ids=["P1", "P2", "P3", "P4", "strings"],
)
def test_pagination_shapes(meta_key, meta, expected):
    body = {"success": True, "data": [{"id": 1}], meta_key: meta}
    page = envelope.parse_page(body, parsing.parse_customer, page=1, per_page=20)
    assert (
        page.page,
        page.per_page,
        page.total,
        page.total_pages,
        page.has_next,
        page.has_previous,
    ) == expected


def test_pagination_prefers_pagination_over_meta():
    body = {
        "data": [],
        "pagination": {"page": 2, "total": 40, "per_page": 20, "total_pages": 2},
        "meta": {"page": 9},
    }
    assert envelope.parse_page(body, parsing.parse_customer, page=1, per_page=20).page == 2


def test_list_without_metadata():
    page = envelope.parse_page(
        {"success": True, "data": []}, parsing.parse_customer, page=1, per_page=20
    )
    assert (page.items, page.total, page.total_pages, page.has_next) == ((), 0, 1, False)


# --- what cannot be read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['{"success": true, "data": [', "<html>Fatal error</html>", "Warning: PHP Notice"],
)
def test_invalid_json_is_bad_response(text):
    client, _, _ = canned_client((200, text))
    with pytest.raises(BadResponse):
        client.list_customers()


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"id": 1}},  # an object where a list belongs
        {"success": True, "data": [{"first_name": "no id"}]},
        {"success": True, "data": ["a string"]},
        {"success": True, "data": [{"id": "abc"}]},
        {"success": True, "data": "text"},
    ],
)
def test_list_shape_that_cannot_be_read_is_bad_response(body):
    client, _, _ = canned_client((200, body))
    with pytest.raises(BadResponse):
        client.list_customers()


@pytest.mark.parametrize(
    "body",
    [{"success": True, "data": None}, {"success": True, "data": []}, "", {"status": "success"}],
)
def test_object_shape_that_cannot_be_read_is_bad_response(body):
    client, _, _ = canned_client((200, body))
    with pytest.raises(BadResponse):
        client.get_booking(1)


def test_status_endpoint():
    body = {"status": "success", "data": {"api": "ok", "version": "1.2", "latepoint_active": True}}
    client, _, _ = canned_client((200, body))
    status = client.status()
    assert status.ok is True
    assert status.version == "1.2"
    assert status.raw_status == "success"


def test_a_list_with_null_data_has_no_rows():
    page = envelope.parse_page(
        {"success": True, "data": None}, parsing.parse_customer, page=1, per_page=20
    )
    assert page.items == ()


@pytest.mark.parametrize("raw", ["abc", "Infinity", "NaN", "12.5", True, [1], {"id": 1}])
def test_an_unreadable_id_is_bad_response_from_the_model_too(raw):
    with pytest.raises(BadResponse):
        parsing.parse_customer({"id": raw})


@pytest.mark.parametrize("raw", [10**20, -(10**20), float("nan")])
def test_absurd_timestamps_are_no_date(raw):
    assert parsing.parse_customer({"id": 1, "created_at": raw}).created_at is None
