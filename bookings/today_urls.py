from django.urls import path

from bookings import today_views

urlpatterns = [path("", today_views.today, name="today")]
