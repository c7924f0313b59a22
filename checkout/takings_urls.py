"""The day's takings (`/takings/`)."""

from django.urls import path

from checkout import takings_views

app_name = "takings"
urlpatterns = [
    path("", takings_views.day, name="day"),
]
