from django.urls import path

from bookings import today_views, views

app_name = "bookings"
urlpatterns = [
    path("", views.booking_list, name="list"),
    path("export.csv", views.booking_export, name="export"),
    path("search/", today_views.quick_search, name="quick-search"),
    path("badge/<int:customer_id>/", today_views.customer_badge, name="badge"),
    path("<int:booking_id>/", views.booking_detail, name="detail"),
    path("<int:booking_id>/status/", views.booking_status, name="status"),
    path("<int:booking_id>/check-in/", today_views.booking_check_in, name="check-in"),
    path(
        "<int:booking_id>/check-in/undo/", today_views.booking_check_in_undo, name="check-in-undo"
    ),
]
