"""Deterministic seed data: the same seed and the same day give the same database.

Bookings are placed relative to today in the site's timezone (18 months back, 2 months
ahead), with bookings today and tomorrow guaranteed. Agents' working hours and services'
buffers come from `sandbox.schedule` and use no randomness, so they leave the bookings as
they were; seeded bookings ignore working hours (history is not always tidy). The first
customers are fixed fixtures that tests can rely on (see sandbox/README.md).
"""

from __future__ import annotations

import json
import random
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.db import connection, transaction
from faker import Faker

from sandbox import schedule
from sandbox.models import (
    Agent,
    Booking,
    Customer,
    Invoice,
    Location,
    Order,
    OrderItem,
    Payment,
    RateBucket,
    SeedInfo,
    Service,
    WorkPeriod,
)
from sandbox.seed_money import MoneySeeder

PAST_DAYS = 548  # about 18 months
FUTURE_DAYS = 61  # about 2 months
BOOKINGS_PER_CUSTOMER = 16
CHUNK = 2000

AGENTS = [
    ("Sarah", "Johnson", "Dr. Sarah Johnson", "General practitioner"),
    ("Miguel Ángel", "Torres", "Miguel Ángel Torres", "Physiotherapist"),
    ("Priya", "Patel", "Priya Patel", "Nutritionist"),
    ("Liam", "O'Connor", "Liam O'Connor", "Massage therapist"),
    ("Hannah", "Müller", "Hannah Müller", "Aesthetician"),
    ("Kwame", "Mensah", "Kwame Mensah", "Acupuncturist"),
]
SERVICES = [
    ("General Consultation", 60, "75.00"),
    ("Follow-up Visit", 30, "45.00"),
    ("Deep Tissue Massage", 90, "120.00"),
    ("Swedish Massage", 60, "85.00"),
    ("Physiotherapy Session", 45, "65.00"),
    ("Acupuncture", 60, "90.00"),
    ("Nutrition Coaching", 45, "55.00"),
    ("Skin Care Facial", 60, "95.00"),
    ("Sports Injury Assessment", 60, "110.00"),
    ("Express Check-up", 15, "35.50"),
]
LOCATIONS = [
    ("Main Clinic", "123 Main Street, New York, NY 10001"),
    ("Brooklyn Studio", "45 Atlantic Avenue, Brooklyn, NY 11201"),
    ("Jersey City Center", "200 Hudson Street, Jersey City, NJ 07311"),
]
# Which agents offer which services (indexes into SERVICES).
AGENT_SERVICES = {
    0: [0, 1, 9, 8],
    1: [4, 8, 1],
    2: [6, 1, 0],
    3: [2, 3],
    4: [7, 3],
    5: [5, 1],
}
PAST_STATUSES = ["completed", "cancelled", "no_show", "approved", "pending"]
PAST_STATUS_WEIGHTS = [78, 88, 95, 98, 100]  # cumulative: 78% completed, 10% cancelled, ...
NO_SHOW_HEAVY_PAST = [40, 55, 95, 98, 100]
FUTURE_STATUSES = ["approved", "pending", "cancelled"]
FUTURE_STATUS_WEIGHTS = [75, 92, 100]
EXTRAS = [
    ("Hot Stone Add-on", "15.00"),
    ("Aromatherapy Oils", "10.00"),
    ("Extra 15 minutes", "25.00"),
]

US_AREA_CODES = ["212", "347", "415", "617", "312", "305", "206", "512", "303", "646", "718", "917"]
FOREIGN_PHONES = [
    ("GB", "+44 20 7946 {:04d}"),
    ("ES", "+34 612 34{:04d}"),
    ("DE", "+49 30 1234{:04d}"),
]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "example.com", "hotmail.com"]
MEDICAL = [
    "Allergic to penicillin",
    "Asthma, carries an inhaler",
    "Type 2 diabetes",
    "Latex allergy",
    "High blood pressure, on medication",
    "Recovering from knee surgery",
]
INSURERS = ["Blue Cross Blue Shield", "Aetna", "Cigna", "UnitedHealthcare", "Humana", "Kaiser"]
LANGUAGES = ["en", "en", "en", "es", "fr", "de"]
REFERRALS = ["Google", "Instagram", "Friend referral", "Walk-in", "Facebook", "Yelp"]
CUSTOMER_NOTES = [
    "Prefers afternoon appointments.",
    "Very punctual and friendly customer.",
    "Likes a quiet room; no music please.",
    "Usually books for the whole family.",
    "Ask about the follow-up plan at every visit.",
]
ADMIN_NOTES = [
    "Requested invoice copies by email.",
    "Was late twice last year.",
    "VIP: offer the 10% loyalty discount.",
    "Paid by bank transfer once; confirm before the visit.",
]
BOOKING_NOTES = [
    "First visit: bring the referral letter.",
    "Use the ground-floor room (wheelchair).",
    "Rescheduled by phone.",
    "Gift voucher to be redeemed.",
]
COMMENTS = [
    "Running 5 minutes late, sorry!",
    "Could we focus on the lower back?",
    "Please call when you are ready.",
    "I'd like the same therapist as last time.",
]


@dataclass
class Fixture:
    """A hand-made customer at a fixed id."""

    first_name: str
    last_name: str
    email: str
    status: str = "active"
    bookings: int | None = None  # None = random
    is_guest: bool = False
    notes: str = ""
    admin_notes: str = ""
    custom_fields: dict | None = None
    no_show_heavy: bool = False
    past_only: bool = False
    gender: str | None = None
    address: tuple[str, str, str, str, str] | None = None  # street, city, state, zip, country


FIXTURES = {
    1: Fixture(
        "Anne-Marie",
        "O'Brien",
        "anne-marie.obrien@example.com",
        bookings=48,
        gender="female",
        address=("123 Main Street, Apt 4B", "New York", "NY", "10001", "US"),
        notes="Very punctual and friendly customer. Prefers afternoon appointments.",
        custom_fields={
            "medical_notes": "Allergic to penicillin",
            "insurance_provider": "Blue Cross Blue Shield",
            "emergency_contact": "Jane O'Brien - +1 212 555 0142",
            "preferred_language": "en",
            "referral_source": "Google",
        },
    ),
    2: Fixture(
        "José",
        "Núñez-García",
        "jose.nunez@example.com",
        bookings=18,
        gender="male",
        address=("Calle de Alcalá 42", "Madrid", "", "28014", "ES"),
    ),
    3: Fixture(
        "Zoë",
        "D'Angelo",
        "zoe.dangelo@example.com",
        status="blocked",
        bookings=12,
        gender="female",
        admin_notes="Blocked after repeated unpaid no-shows.",
        no_show_heavy=True,
    ),
    4: Fixture(
        "<script>alert(1)</script>",
        "<b>Bold</b> & Co",
        "script.test@example.com",
        bookings=6,
        notes="<script>alert('notes')</script> Likes <em>emphasis</em>",
        admin_notes='<img src=x onerror="alert(2)">',
        custom_fields={
            "medical_notes": "<script>alert('medical')</script>",
            "referral_source": '"><svg onload=alert(3)>',
        },
    ),
    5: Fixture("Chloé", "Lefèvre", "chloe.lefevre@example.com", bookings=0),
    6: Fixture(
        "Björn",
        "Åkesson",
        "bjorn.akesson@example.com",
        status="inactive",
        bookings=6,
        past_only=True,
    ),
    7: Fixture(
        "Siobhán",
        "Mac Giolla-Phádraig",
        "siobhan.macgiolla@example.com",
        status="pending_verification",
        is_guest=True,
        bookings=2,
    ),
    8: Fixture("Marcus", "Hale", "marcus.hale@example.com", bookings=14, no_show_heavy=True),
}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum() or ch == "-").strip("-") or "x"


class Seeder:
    def __init__(self, *, customers: int, seed: int, today: date | None = None):
        self.n = customers
        self.seed = seed
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = today or datetime.now(self.tz).date()
        self.rng = random.Random(seed)
        Faker.seed(seed)
        self.fake = Faker(["en_US", "en_US", "es_ES", "fr_FR", "de_DE", "en_IE"])
        self.us = self.fake["en_US"]
        self.codes: set[str] = set()
        self.code_seq: dict[int, int] = {}
        self.booking_id = 0
        self.slot_cache: dict[tuple, tuple] = {}
        # A fixed "seeding moment": midnight today, so the result depends on the date only.
        self.midnight = datetime.combine(self.today, time(0, 0), self.tz)
        self.money = MoneySeeder(seed, self.today.isoformat(), self.midnight.astimezone(UTC))

    # --- reference data ----------------------------------------------------------------------
    def reference(self) -> None:
        start = self.midnight - timedelta(days=1200)
        Agent.objects.bulk_create(
            Agent(
                id=i + 1,
                first_name=first,
                last_name=last,
                display_name=display,
                title=title,
                email=f"{slug(first.split()[0])}.{slug(last)}@clinic.example",
                phone=f"+1 212 555 01{i + 10:02d}",
                created_at=start,
                updated_at=start,
            )
            for i, (first, last, display, title) in enumerate(AGENTS)
        )
        Service.objects.bulk_create(
            Service(
                id=i + 1,
                name=name,
                short_description=f"{name} ({minutes} minutes)",
                description=None,
                duration=minutes,
                buffer_before=schedule.SERVICE_TIMING[i + 1][0],
                buffer_after=schedule.SERVICE_TIMING[i + 1][1],
                timeblock_interval=schedule.SERVICE_TIMING[i + 1][2],
                price=Decimal(price),
                order_number=i,
                category_id=1 + i % 3,
                created_at=start,
                updated_at=start,
            )
            for i, (name, minutes, price) in enumerate(SERVICES)
        )
        Location.objects.bulk_create(
            Location(id=i + 1, name=name, full_address=addr, created_at=start, updated_at=start)
            for i, (name, addr) in enumerate(LOCATIONS)
        )
        WorkPeriod.objects.bulk_create(
            WorkPeriod(agent_id=i + 1, week_day=day, start_minute=begin, end_minute=end)
            for i in range(len(AGENTS))
            for day, begin, end in schedule.work_periods(i + 1)
        )
        self.services = {s.pk: s for s in Service.objects.all()}

    # --- customers ---------------------------------------------------------------------------
    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            _region, pattern = rng.choice(FOREIGN_PHONES)
            return pattern.format(rng.randrange(10000))
        while True:
            area = rng.choice(US_AREA_CODES)
            exchange = rng.randrange(201, 990)
            line = rng.randrange(10000)
            number = f"+1{area}{exchange}{line:04d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                break
        style = rng.randrange(4)
        if style == 0:
            return number
        if style == 1:
            return f"({area}) {exchange}-{line:04d}"
        if style == 2:
            return f"{area}-{exchange}-{line:04d}"
        return f"+1 {area} {exchange} {line:04d}"

    def name(self) -> tuple[str, str]:
        rng = self.rng
        first, last = self.fake.first_name(), self.fake.last_name()
        roll = rng.random()
        if roll < 0.04:
            last = f"{last}-{self.fake.last_name()}"
        elif roll < 0.07:
            last = rng.choice(["O'", "D'"]) + last
        return first, last

    def custom_fields(self) -> dict:
        rng = self.rng
        fields = {}
        if rng.random() < 0.3:
            fields["medical_notes"] = rng.choice(MEDICAL)
        if rng.random() < 0.5:
            fields["insurance_provider"] = rng.choice(INSURERS)
        if rng.random() < 0.4:
            fields["emergency_contact"] = f"{self.us.name()} - {self.phone()}"
        if rng.random() < 0.6:
            fields["preferred_language"] = rng.choice(LANGUAGES)
        if rng.random() < 0.5:
            fields["referral_source"] = rng.choice(REFERRALS)
        return fields

    def address(self, c: Customer) -> None:
        rng = self.rng
        if rng.random() < 0.2:
            return
        country = rng.choices(["US", "CA", "GB", "ES", "FR", "DE", "IE"], [75, 5, 5, 5, 4, 3, 3])[0]
        if country == "US":
            c.street, c.city = self.us.street_address(), self.us.city()
            c.state, c.postal_code = (
                self.us.state_abbr(include_territories=False),
                self.us.zipcode(),
            )
        else:
            c.street, c.city, c.postal_code = (
                self.fake.street_address(),
                self.fake.city(),
                self.fake.postcode(),
            )
        c.country = country

    def customer(self, cid: int, created: datetime) -> Customer:
        rng = self.rng
        fixture = FIXTURES.get(cid)
        if fixture:
            first, last, email = fixture.first_name, fixture.last_name, fixture.email
        else:
            first, last = self.name()
            email = f"{slug(first)}.{slug(last)}{cid}@{rng.choice(DOMAINS)}"
        status = rng.choices(
            ["active", "inactive", "blocked", "pending_verification"], [85, 6, 3, 6]
        )[0]
        is_guest = rng.random() < 0.15
        c = Customer(
            id=cid,
            first_name=first,
            last_name=last,
            email=email,
            phone=self.phone(),
            status=fixture.status if fixture else status,
            is_guest=fixture.is_guest if fixture else is_guest,
            created_at=created,
            updated_at=created,
            custom_fields=self.custom_fields(),
        )
        if not c.is_guest and rng.random() < 0.85:
            c.wordpress_user_id = 100 + cid
        if rng.random() < 0.75:
            c.date_of_birth = self.today - timedelta(days=rng.randrange(16 * 366, 85 * 365))
        c.gender = rng.choices(
            ["male", "female", "other", "prefer_not_to_say", ""], [40, 40, 3, 5, 12]
        )[0]
        self.address(c)
        if rng.random() < 0.15:
            c.notes = rng.choice(CUSTOMER_NOTES)
        if rng.random() < 0.1:
            c.admin_notes = rng.choice(ADMIN_NOTES)
        if fixture:
            c.notes = fixture.notes or c.notes
            c.admin_notes = fixture.admin_notes or c.admin_notes
            if fixture.custom_fields is not None:
                c.custom_fields = dict(fixture.custom_fields)
            if fixture.gender is not None:
                c.gender = fixture.gender
            if fixture.address is not None:
                c.street, c.city, c.state, c.postal_code, c.country = fixture.address
        if rng.random() < 0.3:
            c.updated_at = created + timedelta(days=rng.randrange(1, 200))
            c.updated_at = min(c.updated_at, self.midnight - timedelta(hours=1))
        c.refresh_derived()
        return c

    def created_times(self) -> list[datetime]:
        """Customer sign-up times, ascending with the id: 3 years ago up to 2 days ago."""
        first = self.midnight - timedelta(days=3 * 365)
        span = (3 * 365 - 2) * 86400
        seconds = sorted(self.rng.randrange(span) for _ in range(self.n))
        times = [first + timedelta(seconds=s) for s in seconds]
        # The fixtures are the oldest customers, so they have a full 18 months of history.
        return times

    # --- bookings ----------------------------------------------------------------------------
    def code(self, created: datetime) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.5:
                year = created.year  # UTC: close enough for a booking code
                self.code_seq[year] = self.code_seq.get(year, 0) + 1
                code = f"LP-{year}-{self.code_seq[year]:03d}"
            else:
                code = "".join(rng.choices(string.ascii_uppercase, k=7))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def status_for(self, day: date, fixture: Fixture | None) -> str:
        rng = self.rng
        if day < self.today:
            heavy = fixture is not None and fixture.no_show_heavy
            weights = NO_SHOW_HEAVY_PAST if heavy else PAST_STATUS_WEIGHTS
            return rng.choices(PAST_STATUSES, cum_weights=weights)[0]
        return rng.choices(FUTURE_STATUSES, cum_weights=FUTURE_STATUS_WEIGHTS)[0]

    def payment_for(self, status: str, day: date) -> str:
        roll = self.rng.random()
        if status == "completed":
            if roll < 0.85:
                return "paid"
            if roll < 0.90:
                return "partially_paid"
            if roll < 0.97:
                return "not_paid"
            return "refunded"
        if status == "cancelled":
            return "refunded" if roll < 0.15 else "not_paid"
        if status in ("approved", "pending") and day >= self.today and roll < 0.2:
            return "paid"
        return "not_paid"

    def slot_times(self, day: date, slot: int, minutes: int) -> tuple:
        """(start UTC, end UTC, HH:MM, HH:MM) of a half-hour slot, cached: DST-correct and fast."""
        key = (day, slot, minutes)
        found = self.slot_cache.get(key)
        if found is None:
            start_local = datetime.combine(day, time(8 + slot // 2, 30 * (slot % 2)), self.tz)
            end_local = start_local + timedelta(minutes=minutes)
            start_at, end_at = start_local.astimezone(UTC), end_local.astimezone(UTC)
            found = (
                start_at,
                end_at,
                start_local.strftime("%H:%M"),
                end_local.strftime("%H:%M"),
                db_datetime(start_at),
                db_datetime(end_at),
            )
            self.slot_cache[key] = found
        return found

    def booking(self, c: Customer, day: date, fixture: Fixture | None) -> tuple:
        """One booking as a row of BOOKING_COLUMNS (inserted without the ORM: 50,000 customers
        make about 800,000 bookings)."""
        rng = self.rng
        agent_index = rng.randrange(len(AGENTS))
        service_id = rng.choice(AGENT_SERVICES[agent_index]) + 1
        service = self.services[service_id]
        slot = rng.randrange(20)  # 08:00 .. 17:30 in half hours
        start_at, end_at, start_time, end_time, start_text, end_text = self.slot_times(
            day, slot, service.duration
        )
        status = self.status_for(day, fixture)
        payment = self.payment_for(status, day)
        created = start_at - timedelta(days=rng.randrange(0, 45), minutes=rng.randrange(600))
        created = max(
            min(created, self.midnight - timedelta(minutes=rng.randrange(1, 600))), c.created_at
        )
        updated = created
        if day < self.today and status != "pending":
            updated = max(created, end_at + timedelta(minutes=rng.randrange(5, 240)))
            updated = min(updated, self.midnight)
        self.booking_id += 1
        price = service.price
        extras = []
        if rng.random() < 0.04:
            index = rng.randrange(len(EXTRAS))
            name, extra_price = EXTRAS[index]
            extras = [{"id": str(index + 1), "name": name, "quantity": 1, "price": extra_price}]
        if status == "completed" and payment == "paid" and rng.random() < 0.5:
            # Draws kept from when transactions were made here, so that a seed still gives
            # the same bookings; payments are seeded by sandbox.seed_money.
            rng.choice(["card", "cash", "card", "paypal"])
            rng.choice(["stripe", "other"])
        comment = rng.choice(COMMENTS) if rng.random() < 0.08 else None
        if fixture is FIXTURES[4] and rng.random() < 0.5:
            comment = "<script>alert('comment')</script>"
        return (
            self.booking_id,
            self.code(created),
            c.pk,
            agent_index + 1,
            service_id,
            rng.randrange(len(LOCATIONS)) + 1,
            status,
            start_text,
            end_text,
            day.isoformat(),
            start_time,
            end_time,
            service.duration,
            str(price),
            payment,
            rng.choice(BOOKING_NOTES) if rng.random() < 0.1 else "",
            comment,
            1000 + self.booking_id,
            "".join(rng.choices(ORDER_CODE_CHARS, k=8)),
            "[]",
            json.dumps(extras) if extras else "[]",
            f"{rng.getrandbits(144):036x}",
            f"{rng.getrandbits(144):036x}",
            db_datetime(created),
            db_datetime(updated),
        )

    def bookings_for(self, c: Customer) -> Iterator[tuple]:
        rng = self.rng
        fixture = FIXTURES.get(c.pk)
        first_day = max(
            self.today - timedelta(days=PAST_DAYS), c.created_at.astimezone(self.tz).date()
        )
        last_day = self.today + timedelta(days=FUTURE_DAYS)
        if fixture and fixture.past_only:
            last_day = self.today - timedelta(days=30)
        window = (last_day - first_day).days + 1
        if window <= 0:
            return
        if fixture and fixture.bookings is not None:
            count = fixture.bookings
        elif rng.random() < 0.06:
            count = 0
        else:
            rate = rng.expovariate(1 / (BOOKINGS_PER_CUSTOMER * 1.37))  # per 609 days
            count = round(rate * window / (PAST_DAYS + FUTURE_DAYS))
        for _ in range(count):
            day = first_day + timedelta(days=rng.randrange(window))
            yield self.booking(c, day, fixture)
        if c.pk in (1, 3):
            # Fixture customers with visits today and tomorrow (3 is blocked: a booking to flag).
            if c.pk == 1:
                yield self.booking(c, self.today, fixture)
            yield self.booking(c, self.today + timedelta(days=1), fixture)

    def busy_days(self, customers: list[Customer]) -> Iterator[tuple]:
        """Make sure today and tomorrow always have a full board (today a fuller one: at least
        30 visits, the day most of a desk's work, and of the tests, is about)."""
        rng = self.rng
        for day, least in ((self.today, 30), (self.today + timedelta(days=1), 12)):
            for _ in range(max(least, self.n // 40)):
                c = rng.choice(customers)
                if c.status == "blocked" or c.pk in FIXTURES:
                    continue
                yield self.booking(c, day, None)

    # --- the whole run -----------------------------------------------------------------------
    def run(self) -> int:
        self.reference()
        times = self.created_times()
        total = 0
        sample: list[Customer] = []
        for start in range(0, self.n, CHUNK):
            customers = [
                self.customer(i + 1, times[i]) for i in range(start, min(self.n, start + CHUNK))
            ]
            insert_rows(Customer, [customer_row(c) for c in customers])
            bookings = self.money.add([b for c in customers for b in self.bookings_for(c)])
            insert_rows(Booking, bookings)
            self.insert_money()
            total += len(bookings)
            sample.extend(c for c in customers if self.rng.random() < 0.2 or len(sample) < 50)
        extra = self.money.add(list(self.busy_days(sample)))
        insert_rows(Booking, extra)
        self.insert_money()
        return total + len(extra)

    def insert_money(self) -> None:
        orders, items, invoices, payments = self.money.take()
        insert_rows(Order, orders)
        insert_rows(OrderItem, items)
        insert_rows(Invoice, invoices)
        insert_rows(Payment, payments)


BOOKING_COLUMNS = (
    "id",
    "booking_code",
    "customer_id",
    "agent_id",
    "service_id",
    "location_id",
    "status",
    "start_at",
    "end_at",
    "start_date",
    "start_time",
    "end_time",
    "duration",
    "price",
    "payment_status",
    "notes",
    "customer_comment",
    "order_id",
    "order_code",
    "transactions",
    "service_extras",
    "manage_key_agent",
    "manage_key_customer",
    "created_at",
    "updated_at",
)
ORDER_CODE_CHARS = string.ascii_uppercase + string.digits


def db_datetime(value: datetime) -> str:
    """How Django's SQLite backend stores an aware datetime: naive UTC text."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def columns_of(model) -> tuple[str, ...]:
    if model is Booking:
        return BOOKING_COLUMNS
    return tuple(f.column for f in model._meta.concrete_fields)


def customer_row(c: Customer) -> tuple:
    row = []
    for f in Customer._meta.concrete_fields:
        value = getattr(c, f.attname)
        if isinstance(value, datetime):
            value = db_datetime(value)
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = int(value)
        row.append(value)
    return tuple(row)


def insert_rows(model, rows: list[tuple]) -> None:
    """A plain executemany: the ORM's bulk_create is too slow for the 50,000-customer seed."""
    if not rows:
        return
    columns = columns_of(model)
    assert set(columns) == {f.column for f in model._meta.concrete_fields}
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(  # noqa: S608 - names from the model
        model._meta.db_table, ", ".join(f'"{c}"' for c in columns), ", ".join("?" * len(columns))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def wipe() -> None:
    for model in (
        Payment,
        Invoice,
        OrderItem,
        Order,
        Booking,
        Customer,
        WorkPeriod,
        Agent,
        Service,
        Location,
        SeedInfo,
        RateBucket,
    ):
        model.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_sequence")


def seed(*, customers: int, seed_value: int) -> tuple[int, int]:
    """Fill an empty database; returns (customers, bookings)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    seeder = Seeder(customers=customers, seed=seed_value)
    with transaction.atomic():
        bookings = seeder.run()
        SeedInfo.objects.create(
            customers=customers,
            seed=seed_value,
            bookings=bookings,
            seeded_on=seeder.today,
            created_at=datetime.now(UTC),
        )
    return customers, bookings


def checkpoint() -> None:
    """Fold the WAL into the main file, so that copying the .sqlite3 file copies everything."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
