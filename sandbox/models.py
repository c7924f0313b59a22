"""The sandbox's own records: what a LatePoint site stores, reduced to what the API exposes.

Datetimes are stored in UTC. Customers also keep their MySQL-style local timestamps
(`created_at_local`, `updated_at_local`, site timezone) because the API filters on that text,
and a lower-cased `search_text` so that search matches accents case-insensitively.
Bookings keep their local `start_date`/`start_time` next to the UTC `start_at`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

MYSQL_FORMAT = "%Y-%m-%d %H:%M:%S"


def local_text(value) -> str:
    """A datetime as LatePoint stores it: MySQL text in the site's timezone."""
    return timezone.localtime(value).strftime(MYSQL_FORMAT)


def search_text_for(first_name: str, last_name: str, email: str, phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{first_name} {last_name} {email} {phone} {digits}".casefold()


class Agent(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    display_name = models.CharField(max_length=200)
    email = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True, default="")
    title = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=20, default="active")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.display_name


class Service(models.Model):
    name = models.CharField(max_length=200)
    short_description = models.CharField(max_length=300, blank=True, default="")
    description = models.TextField(blank=True, null=True)
    duration = models.PositiveIntegerField(default=60)  # minutes
    # Time kept free before and after each booking of the service, in minutes.
    buffer_before = models.PositiveIntegerField(default=0)
    buffer_after = models.PositiveIntegerField(default=0)
    # The step between offered start times, in minutes; null: 15 (schedule.DEFAULT_STEP).
    timeblock_interval = models.PositiveIntegerField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=20, default="active")
    visibility = models.CharField(max_length=20, default="visible")
    category_id = models.PositiveIntegerField(default=1)
    order_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class WorkPeriod(models.Model):
    """One stretch of an agent's working hours on a week day (LatePoint's work_periods).

    A day with two periods has a break between them; a week day without any is a day off.
    """

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="work_periods")
    week_day = models.PositiveSmallIntegerField()  # 1 = Monday ... 7 = Sunday
    start_minute = models.PositiveIntegerField()  # site-local minutes since midnight
    end_minute = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["agent", "week_day"], name="work_period_day")]

    def __str__(self) -> str:
        return f"{self.agent_id} day {self.week_day}: {self.start_minute}-{self.end_minute}"


class Location(models.Model):
    name = models.CharField(max_length=200)
    full_address = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=20, default="active")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    first_name = models.CharField(max_length=200)
    last_name = models.CharField(max_length=200)
    # Stored lower-cased; unique when given ("" for a guest created without one).
    email = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=30, default="active", db_index=True)
    is_guest = models.BooleanField(default=False)
    wordpress_user_id = models.PositiveIntegerField(null=True, blank=True)
    avatar_url = models.CharField(max_length=300, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=30, blank=True, default="")
    street = models.CharField(max_length=300, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=100, blank=True, default="")
    postal_code = models.CharField(max_length=30, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    admin_notes = models.TextField(blank=True, default="")
    custom_fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    created_at_local = models.CharField(max_length=19, db_index=True)
    updated_at_local = models.CharField(max_length=19)
    search_text = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["-created_at", "-id"], name="customer_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="customer_email_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def refresh_derived(self) -> None:
        """Recompute the local timestamps and the search text (call before save())."""
        self.created_at_local = local_text(self.created_at)
        self.updated_at_local = local_text(self.updated_at)
        self.search_text = search_text_for(self.first_name, self.last_name, self.email, self.phone)


class Booking(models.Model):
    booking_code = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bookings")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="bookings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=20, db_index=True)
    start_at = models.DateTimeField(db_index=True)  # UTC
    end_at = models.DateTimeField()
    start_date = models.DateField(db_index=True)  # site-local date
    start_time = models.CharField(max_length=5)  # site-local HH:MM
    end_time = models.CharField(max_length=5)
    duration = models.PositiveIntegerField()  # minutes
    price = models.DecimalField(max_digits=10, decimal_places=2)
    payment_status = models.CharField(max_length=20, default="not_paid")
    notes = models.TextField(blank=True, default="")
    customer_comment = models.TextField(null=True, blank=True)
    # The booking's order (sandbox_order.id) and its confirmation code.
    order_id = models.PositiveIntegerField()
    order_code = models.CharField(max_length=20)
    # Not read: a booking's transactions are its order's payments (sandbox_payment).
    transactions = models.JSONField(default=list, blank=True)
    service_extras = models.JSONField(default=list, blank=True)
    manage_key_agent = models.CharField(max_length=40)
    manage_key_customer = models.CharField(max_length=40)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["customer", "start_at"], name="booking_customer_start"),
            models.Index(fields=["agent", "start_at"], name="booking_agent_start"),
        ]

    def __str__(self) -> str:
        return self.booking_code


class Order(models.Model):
    """LatePoint's order: what a customer owes for one or more bookings, or for a fee.

    `payment_status` follows the order's succeeded payments (sandbox.money); a booking of the
    order carries the same status in the booking vocabulary (`paid` for `fully_paid`).
    """

    # Looked up through the (customer, created_at) index below.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    confirmation_code = models.CharField(max_length=20)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    tax_total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    status = models.CharField(max_length=20, default="open")  # open, cancelled, completed
    fulfillment_status = models.CharField(max_length=30, default="not_fulfilled")
    payment_status = models.CharField(max_length=30, default="not_paid")
    customer_comment = models.TextField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["customer", "created_at"], name="order_customer_created")]

    def __str__(self) -> str:
        return self.confirmation_code


class OrderItem(models.Model):
    """A line of an order. A booking's line has variant "booking" and `item_data` as the JSON
    text LatePoint keeps (`{"booking_id":N}`); `booking_id` repeats it for lookups."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.CharField(max_length=30, default="booking")
    item_data = models.TextField(blank=True, default="")
    booking_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    quantity = models.PositiveIntegerField(default=1)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.variant} of order {self.order_id}"


class Invoice(models.Model):
    """A request for payment of an order (open, paid, partially_paid, draft, void,
    uncollectible)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="invoices")
    invoice_number = models.CharField(max_length=30)
    status = models.CharField(max_length=20, default="open")
    charge_amount = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.invoice_number


class Payment(models.Model):
    """A transaction on an order: a capture, or a refund (a positive amount of kind refund)."""

    token = models.CharField(max_length=100, blank=True, default="")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    # Looked up through the (customer, created_at) index below.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    processor = models.CharField(max_length=40, default="manual")
    payment_method = models.CharField(max_length=40, default="other")
    payment_portion = models.CharField(max_length=20, default="full")  # full, deposit, balance
    kind = models.CharField(max_length=20, default="capture")  # capture, refund
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=20, default="succeeded")  # succeeded, processing, failed
    notes = models.TextField(blank=True, default="")
    receipt_number = models.CharField(max_length=40, blank=True, default="")
    access_key = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["customer", "created_at"], name="payment_customer_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on order {self.order_id}"


class SeedInfo(models.Model):
    """What `seed` put in this database, so that re-running it can do nothing."""

    customers = models.PositiveIntegerField()
    seed = models.IntegerField()
    bookings = models.PositiveIntegerField()
    seeded_on = models.DateField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.customers} customers (seed {self.seed})"


class FaultConfig(models.Model):
    """Runtime fault overrides set by PUT /_sandbox/faults; null means the env default."""

    latency_ms = models.IntegerField(null=True)
    jitter_ms = models.IntegerField(null=True)
    error_rate = models.FloatField(null=True)
    unavailable = models.BooleanField(null=True)
    rate_limit = models.IntegerField(null=True)
    malformed_rate = models.FloatField(null=True)
    write_then_fail = models.IntegerField(null=True)
    write_error = models.IntegerField(null=True)
    clock = models.CharField(max_length=40, null=True)
    down_after_write = models.BooleanField(null=True)

    def __str__(self) -> str:
        return "fault overrides"


class RateBucket(models.Model):
    """A rate-limit window: starts at its first request and lasts 60 seconds."""

    key = models.CharField(max_length=100, primary_key=True)
    window_start = models.FloatField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
