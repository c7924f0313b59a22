"""Routes of the sandbox: the API under /wp-json/latepoint-api/v1 and the fault switch."""

from django.urls import path, re_path

from sandbox import money_views, views

API = "wp-json/latepoint-api/v1/"

urlpatterns = [
    path(API + "status", views.status),
    path(API + "orders", money_views.orders),
    path(API + "orders/<int:order_id>", money_views.order),
    path(API + "orders/<int:order_id>/invoices", money_views.order_invoices),
    path(API + "orders/<int:order_id>/invoices/<int:invoice_id>", money_views.order_invoice),
    path(API + "orders/<int:order_id>/transactions", money_views.order_transactions),
    path(
        API + "orders/<int:order_id>/transactions/<int:transaction_id>",
        money_views.order_transaction,
    ),
    path(API + "payments", money_views.payments),
    path(API + "payments/<int:payment_id>", money_views.payment),
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
