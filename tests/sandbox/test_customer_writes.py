"""POST, PUT and DELETE /customers: documented validation, envelopes and error shapes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from .conftest import call, create_customer, get, unique_email


def post(box, body):
    return call(box, "POST", "/customers", body=body)


def valid(**extra) -> dict:
    return {"first_name": "Sarah", "last_name": "Johnson", "email": unique_email(), **extra}


# --- POST ------------------------------------------------------------------------------------


def test_create_answers_201_in_the_shape_of_seeds_002(sandbox):
    email = unique_email("Sarah.Johnson").upper()
    reply = post(
        sandbox,
        {
            "first_name": "  Sarah   Jane ",
            "last_name": "O'Connor-Smith",
            "email": email,
            "phone": "+1 555 987 6543",
            "date_of_birth": "1990-05-15",
            "gender": "female",
            "address": "123 Main Street, Apt 4B",
            "city": "New York",
            "state": "NY",
            "zipcode": "10001",
            "country": "US",
            "custom_fields": {"referral_source": "Referral", "insurance_provider": "Aetna"},
            "notes": "VIP customer, prefers morning appointments",
        },
    )
    assert reply.status == 201
    body = reply.json
    assert body["status"] == "success"
    assert body["message"] == "Customer created successfully"
    data = body["data"]
    assert isinstance(data["id"], int)
    assert data["first_name"] == "Sarah Jane"  # trimmed, inner spaces collapsed
    assert data["last_name"] == "O'Connor-Smith"
    assert data["email"] == email.lower()
    assert data["status"] == "active"
    assert data["customer_code"].startswith("CUST-") and data["customer_code"].endswith(
        f"-{data['id']:03d}"
    )
    assert data["address"] == {
        "street": "123 Main Street, Apt 4B",
        "city": "New York",
        "state": "NY",
        "postal_code": "10001",
        "country": "US",
    }
    assert data["custom_fields"] == {"referral_source": "Referral", "insurance_provider": "Aetna"}
    assert data["wp_user_id"] is None
    assert data["created_at"].endswith("Z")
    datetime.strptime(data["updated_at"], "%Y-%m-%dT%H:%M:%SZ")
    again = get(sandbox, f"/customers/{data['id']}", include="custom_fields")["data"]
    assert again["phone"] == "+1 555 987 6543"
    assert again["date_of_birth"] == "1990-05-15"
    assert again["custom_fields"]["insurance_provider"] == "Aetna"


def test_create_accepts_the_nested_address_form(sandbox):
    data = create_customer(
        sandbox,
        address={
            "street": "1 Rue de Rivoli",
            "city": "Paris",
            "state": "",
            "postal_code": "75001",
            "country": "fr",
        },
    )
    assert data["address"] == {
        "street": "1 Rue de Rivoli",
        "city": "Paris",
        "state": "",
        "postal_code": "75001",
        "country": "FR",
    }


def test_create_with_pending_status_guest_and_wordpress_user(sandbox):
    data = create_customer(sandbox, status="pending", is_guest=True, wordpress_user_id=9001)
    assert data["status"] in ("pending", "pending_verification")
    assert data["is_guest"] is True
    assert data["wp_user_id"] == 9001
    assert get(sandbox, "/customers", wordpress_user_id=9001)["data"][0]["id"] == str(data["id"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": None}, "first_name"),
        ({"first_name": "A"}, "first_name"),
        ({"first_name": "x" * 51}, "first_name"),
        ({"first_name": "R2-D2"}, "first_name"),
        ({"first_name": "<script>alert(1)</script>"}, "first_name"),
        ({"last_name": " B "}, "last_name"),
        ({"last_name": "Smith!"}, "last_name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ("a" * 95) + "@b.com"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "+1 (212) 555-0100 ext. 1234"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"status": "blocked"}, "status"),
        ({"status": "vip"}, "status"),
        ({"date_of_birth": "15/05/1990"}, "date_of_birth"),
        ({"date_of_birth": (date.today() + timedelta(days=3)).isoformat()}, "date_of_birth"),
        ({"date_of_birth": (date.today() - timedelta(days=365 * 10)).isoformat()}, "date_of_birth"),
        ({"gender": "robot"}, "gender"),
        ({"country": "USA"}, "country"),
        ({"country": "XX"}, "country"),
        ({"notes": "n" * 1001}, "notes"),
        ({"custom_fields": ["not", "an", "object"]}, "custom_fields"),
        ({"custom_fields": {"nested": {"no": 1}}}, "custom_fields"),
    ],
)
def test_create_validation_failed_names_the_field(sandbox, changes, field):
    reply = post(sandbox, valid(**changes))
    assert reply.status == 400
    body = reply.json
    assert body["status"] == "error"
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["message"] == "The provided data is not valid"
    assert field in body["error"]["details"]
    assert isinstance(body["error"]["details"][field], str)


def test_create_takes_a_guest_without_an_email_as_the_newer_page_says(sandbox):
    first = post(sandbox, {"first_name": "Walk-in", "last_name": "Guest", "is_guest": True})
    second = post(sandbox, {"first_name": "Anna", "last_name": "Walk-in", "email": ""})
    assert (first.status, second.status) == (201, 201)
    assert (first.json["data"]["email"], first.json["data"]["is_guest"]) == ("", True)
    assert second.json["data"]["id"] != first.json["data"]["id"]


def test_create_reports_every_bad_field_at_once(sandbox):
    reply = post(sandbox, {"first_name": "A", "email": "bad", "phone": "xyz"})
    assert set(reply.json["error"]["details"]) >= {"first_name", "last_name", "email", "phone"}


def test_create_accepts_names_with_apostrophes_hyphens_and_accents(sandbox):
    for first, last in (("Zoë", "D'Angelo"), ("José", "Núñez-García"), ("Siobhán", "Mac Giolla")):
        data = create_customer(sandbox, first_name=first, last_name=last)
        assert (data["first_name"], data["last_name"]) == (first, last)


def test_create_refuses_a_duplicate_email_with_409(sandbox):
    email = unique_email()
    create_customer(sandbox, email=email)
    reply = post(sandbox, valid(email=email.upper()))
    assert reply.status == 409
    assert reply.json == {
        "status": "error",
        "error": {"code": "email_exists", "message": "A customer with this email already exists"},
    }


def test_create_with_a_body_that_is_not_json(sandbox):
    reply = call(sandbox, "POST", "/customers", raw_body=b"{first_name:")
    assert reply.status == 400
    assert reply.json["status"] == "error"


# --- PUT -------------------------------------------------------------------------------------


def put(box, cid, body):
    return call(box, "PUT", f"/customers/{cid}", body=body)


def test_update_is_partial_and_answers_in_the_shape_of_seeds_003(sandbox):
    created = create_customer(sandbox, phone="+1 212 555 0100", notes="keep me")
    reply = put(sandbox, created["id"], {"phone": "+1-555-0199", "status": "blocked"})
    assert reply.status == 200
    body = reply.json
    assert body["success"] is True
    assert body["message"] == "Customer updated successfully"
    data = body["data"]
    assert data["id"] == created["id"]
    assert data["phone"] == "+1-555-0199"
    assert data["status"] == "blocked"
    assert data["first_name"] == "Test"
    assert data["notes"] == "keep me"
    datetime.strptime(data["updated_at"], "%Y-%m-%d %H:%M:%S")
    for key in ("email", "last_name", "is_guest", "city", "zipcode", "country", "custom_fields"):
        assert key in data


def test_update_bumps_updated_at(sandbox):
    row = get(sandbox, "/customers", per_page=1, page=300)["data"][0]
    old = row["updated_at"]
    created = create_customer(sandbox)
    stamp = put(sandbox, created["id"], {"notes": "x"}).json["data"]["updated_at"]
    assert stamp >= old
    listed = get(sandbox, "/customers", email=created["email"])["data"][0]
    assert listed["updated_at"] == stamp


@pytest.mark.parametrize("status", ["active", "inactive", "pending_verification", "blocked"])
def test_update_accepts_every_documented_status(sandbox, status):
    created = create_customer(sandbox)
    assert put(sandbox, created["id"], {"status": status}).json["data"]["status"] == status


def test_custom_fields_are_merged_and_null_or_empty_removes(sandbox):
    created = create_customer(
        sandbox, custom_fields={"medical_notes": "Asthma", "referral_source": "Google", "x": "1"}
    )
    reply = put(
        sandbox,
        created["id"],
        {
            "custom_fields": {
                "medical_notes": None,
                "referral_source": "",
                "insurance_provider": "Aetna",
            }
        },
    )
    assert reply.json["data"]["custom_fields"] == {"x": "1", "insurance_provider": "Aetna"}
    data = get(sandbox, f"/customers/{created['id']}", include="custom_fields")["data"]
    assert data["custom_fields"] == {"x": "1", "insurance_provider": "Aetna"}


def test_update_flat_address_fields(sandbox):
    created = create_customer(sandbox)
    put(
        sandbox,
        created["id"],
        {
            "address": "456 Oak Street",
            "city": "Los Angeles",
            "state": "CA",
            "zipcode": "90210",
            "country": "US",
        },
    )
    address = get(sandbox, f"/customers/{created['id']}")["data"]["address"]
    assert address == {
        "street": "456 Oak Street",
        "city": "Los Angeles",
        "state": "CA",
        "postal_code": "90210",
        "country": "US",
    }


def test_update_to_a_taken_email_is_customer_update_failed(sandbox):
    taken = create_customer(sandbox)
    mine = create_customer(sandbox)
    reply = put(sandbox, mine["id"], {"email": taken["email"].upper()})
    assert reply.status == 400
    assert reply.json["code"] == "customer_update_failed"
    assert reply.json["message"] == "Error updating customer: Email already exists"
    assert reply.json["data"]["status"] == 400
    # Keeping one's own email is fine.
    assert put(sandbox, mine["id"], {"email": mine["email"]}).status == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_name": "J"}, "first_name"),
        ({"last_name": "<b>x</b>"}, "last_name"),
        ({"email": "nope"}, "email"),
        ({"phone": "phone"}, "phone"),
        ({"status": "deleted"}, "status"),
        ({"country": "Spain"}, "country"),
        ({"notes": "n" * 1001}, "notes"),
        ({"is_guest": "perhaps"}, "is_guest"),
        ({"custom_fields": "text"}, "custom_fields"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
    ],
)
def test_update_validation_uses_the_wordpress_error_shape(sandbox, changes, field):
    created = create_customer(sandbox)
    reply = put(sandbox, created["id"], changes)
    assert reply.status == 400
    body = reply.json
    assert body["code"] == "customer_update_failed"
    assert body["message"].startswith("Error updating customer: ")
    assert body["data"]["status"] == 400
    assert field in body["data"]["details"]
    # Nothing changed.
    after = get(sandbox, f"/customers/{created['id']}")["data"]
    assert after["first_name"] == "Test" and after["email"] == created["email"]


def test_update_unknown_customer_is_404(sandbox):
    reply = put(sandbox, 987654, {"first_name": "Nobody"})
    assert reply.status == 404
    assert reply.json == {
        "code": "customer_not_found",
        "message": "Customer not found",
        "data": {"status": 404},
    }


# --- DELETE ----------------------------------------------------------------------------------


def test_delete_a_customer_without_bookings(sandbox):
    created = create_customer(sandbox)
    reply = call(sandbox, "DELETE", f"/customers/{created['id']}")
    assert reply.status == 200
    body = reply.json
    assert body["success"] is True
    assert body["message"] == "Customer deleted successfully"
    assert body["data"]["deleted_customer_id"] == created["id"]
    datetime.strptime(body["data"]["deleted_at"], "%Y-%m-%d %H:%M:%S")
    assert call(sandbox, "GET", f"/customers/{created['id']}").status == 404
    again = call(sandbox, "DELETE", f"/customers/{created['id']}")
    assert again.status == 404
    assert again.json["code"] == "customer_not_found"


def test_delete_is_refused_when_the_customer_has_bookings(sandbox):
    count = get(sandbox, "/customers/2", include="stats")["data"]["stats"]["total_bookings"]
    reply = call(sandbox, "DELETE", "/customers/2")
    assert reply.status == 400
    body = reply.json
    assert body["code"] == "customer_has_bookings"
    assert body["data"] == {"status": 400, "booking_count": count}
    assert call(sandbox, "GET", "/customers/2").status == 200
