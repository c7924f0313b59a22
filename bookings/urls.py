from django.urls import path

from bookings import booking_views, today_views, views

app_name = "bookings"
urlpatterns = [
    path("", views.booking_list, name="list"),
    path("export.csv", views.booking_export, name="export"),
    path("new/", booking_views.booking_new, name="new"),
    path("walk-in/", booking_views.booking_walk_in, name="walk-in"),
    path("search/", today_views.quick_search, name="quick-search"),
    path("badge/<int:customer_id>/", today_views.customer_badge, name="badge"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path("<int:booking_id>/status/", views.booking_status, name="status"),
    path("<int:booking_id>/reschedule/", booking_views.booking_reschedule, name="reschedule"),
    path("<int:booking_id>/check-in/", today_views.booking_check_in, name="check-in"),
    path(
        "<int:booking_id>/check-in/undo/", today_views.booking_check_in_undo, name="check-in-undo"
    ),
]
