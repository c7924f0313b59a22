"""Root URLs. The paths are part of the product (see PRODUCT.md): keep them stable."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontoffice import views
from signin.views import LoginView

urlpatterns = [
    path("", include("bookings.today_urls")),
    path("calendar/", include("bookings.calendar_urls")),
    path("customers/", include("customers.urls")),
    path("bookings/", include("bookings.urls")),
    path("takings/", include("checkout.takings_urls")),
    path("stats/", include("stats.urls")),
    path("audit/", include("audit.urls")),
    path("exports/", include("exports.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
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
