from django.urls import include, path

from customers import edit_views, list_views, profile_views

app_name = "customers"
urlpatterns = [
    path("", list_views.customer_list, name="list"),
    path("export.csv", list_views.customer_export, name="export"),
    path("new/", edit_views.customer_create, name="new"),
    path("validate/<str:field_name>/", edit_views.validate_field, name="validate-field"),
    path("<int:customer_id>/", profile_views.customer_detail, name="detail"),
    path("<int:customer_id>/bookings/", profile_views.customer_bookings, name="bookings"),
    path("<int:customer_id>/money/", profile_views.customer_money, name="money"),
    path("", include("checkout.fee_urls")),
    path("", include("notes.urls")),
    path("<int:customer_id>/edit/", edit_views.customer_edit, name="edit"),
]
