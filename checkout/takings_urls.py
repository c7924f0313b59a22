"""The day's takings (`/takings/`)."""

app_name = "takings"
urlpatterns: list = []
