from django.urls import path

from bookings import (
    checkin_views,
    list_views,
    new_views,
    reschedule_views,
    today_views,
    views,
    walk_in_views,
)
from checkout import views as checkout_views

app_name = "bookings"
urlpatterns = [
    path("", list_views.booking_list, name="list"),
    path("export.csv", list_views.booking_export, name="export"),
    path("new/", new_views.booking_new, name="new"),
    path("walk-in/", walk_in_views.booking_walk_in, name="walk-in"),
    path("search/", today_views.quick_search, name="quick-search"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path("<int:booking_id>/status/", views.booking_status, name="status"),
    path("<int:booking_id>/reschedule/", reschedule_views.booking_reschedule, name="reschedule"),
    path("<int:booking_id>/check-in/", checkin_views.booking_check_in, name="check-in"),
    path("<int:booking_id>/payments/", checkout_views.booking_payment, name="payments"),
    path("<int:booking_id>/refunds/", checkout_views.booking_refund, name="refunds"),
    path(
        "<int:booking_id>/check-in/undo/",
        checkin_views.booking_check_in_undo,
        name="check-in-undo",
    ),
]
