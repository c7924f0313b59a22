from django.urls import path

from bookings import views

urlpatterns = [path("", views.today, name="today")]
