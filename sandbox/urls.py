"""Routes of the sandbox: the API under /wp-json/latepoint-api/v1 and the fault switch."""

from django.urls import path, re_path

from sandbox import views

API = "wp-json/latepoint-api/v1/"

urlpatterns = [
    path(API + "status", views.status),
    path(API + "customers", views.customers),
    path(API + "customers/<int:customer_id>", views.customer),
    path(API + "bookings", views.bookings),
    path(API + "bookings/bulk", views.bookings_bulk),
    path(API + "bookings/<int:booking_id>", views.booking),
    path(API + "availability", views.availability_view),
    path(API + "agents/availability", views.agents_availability),
    path(API + "agents", views.agents),
    path(API + "services", views.services),
    path(API + "locations", views.locations),
    path("_sandbox/faults", views.faults),
    path("_sandbox/requests", views.requests_log),
    re_path(r"^wp-json/", views.no_route),
]
