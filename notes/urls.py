"""Staff notes, under the customer profile: `/customers/<id>/notes/`."""

from django.urls import path

from notes import views

app_name = "notes"
urlpatterns = [
    path("<int:customer_id>/notes/", views.note_add, name="add"),
    path("<int:customer_id>/notes/<int:note_id>/edit/", views.note_edit, name="edit"),
    path("<int:customer_id>/notes/<int:note_id>/pin/", views.note_pin, name="pin"),
]
