"""The list-speed scenario's admin (see `list_admin.py`): the sandbox's customers and bookings
in a changelist of 100 rows, with the columns the front office's lists show."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils import timezone

from sandbox.models import Booking, Customer

site = admin.AdminSite(name="bench")


@admin.register(Customer, site=site)
class CustomerAdmin(admin.ModelAdmin):
    """The customer list's order (newest first) and what its rows show."""

    list_display = ("first_name", "last_name", "email", "phone", "status", "is_guest", "created_at")
    ordering = ("-created_at", "-id")
    search_fields = ("first_name", "last_name", "email")
    list_per_page = 100


@admin.register(Booking, site=site)
class BookingAdmin(admin.ModelAdmin):
    """The bookings list as it opens: today's bookings and what comes after, in time order."""

    list_display = (
        "start_at",
        "booking_code",
        "customer",
        "service",
        "agent",
        "location",
        "status",
        "payment_status",
        "price",
        "created_at",
    )
    list_select_related = ("customer", "service", "agent", "location")
    ordering = ("start_at", "id")
    search_fields = ("booking_code",)
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).filter(start_date__gte=timezone.localdate())


urlpatterns = [path("admin/", site.urls)]
