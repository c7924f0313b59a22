from django.urls import path

from bookings import calendar_views, move_views

urlpatterns = [
    path("", calendar_views.day_calendar, name="calendar"),
    path("move/<int:booking_id>/", move_views.calendar_move, name="calendar-move"),
]
