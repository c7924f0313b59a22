"""A customer's fees, under their profile: `/customers/<id>/fees/<order_id>/pay/`."""

from django.urls import path

from checkout import fee_views

app_name = "fees"
urlpatterns = [
    path("<int:customer_id>/fees/<int:order_id>/pay/", fee_views.fee_payment, name="pay"),
]
