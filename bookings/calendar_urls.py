from django.urls import path

from bookings import calendar_views

urlpatterns = [path("", calendar_views.day_calendar, name="calendar")]
