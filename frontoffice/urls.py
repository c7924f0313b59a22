"""Root URLs. The paths are part of the product (see PRODUCT.md): keep them stable."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bookings import calendar_views
from frontoffice import views

urlpatterns = [
    path("", include("bookings.today_urls")),
    path("calendar/", calendar_views.day_calendar, name="calendar"),
    path("customers/", include("customers.urls")),
    path("bookings/", include("bookings.urls")),
    path("stats/", include("stats.urls")),
    path("audit/", include("frontoffice.audit_urls")),
    path("exports/", include("frontoffice.export_urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler403 = "frontoffice.views.permission_denied"
handler404 = "frontoffice.views.page_not_found"
handler500 = "frontoffice.views.server_error"
