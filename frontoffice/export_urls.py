from django.urls import path

from frontoffice import export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.index, name="list"),
    path("start/", export_views.start, name="start"),
    path("<uuid:pk>/", export_views.detail, name="detail"),
    path("<uuid:pk>/download/", export_views.download, name="download"),
]
