from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="list"),
    path("start/", views.start, name="start"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/download/", views.download, name="download"),
]
