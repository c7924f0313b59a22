"""Django's admin, for administrators (superusers) only: staff accounts, roles and sign-in
locks (django-axes' records: deleting a user name's or an address's access attempts unlocks
it). The audit trail's admin is audit.admin's.

The sign-in middleware already refuses /admin/ to anyone but a superuser; these classes refuse
again, so a staff flag or a stray permission never opens them.
"""

from __future__ import annotations

import axes.admin  # registers axes' admin classes, replaced below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User


class SuperuserOnly:
    """Every permission of the admin class needs an active superuser."""

    @staticmethod
    def _allowed(request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


@admin.display(description="Role")
def _roles(user: User) -> str:
    if user.is_superuser:
        return "Administrator"
    return ", ".join(group.name for group in user.groups.all()) or "None"


class StaffAccountAdmin(SuperuserOnly, UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", _roles, "is_active")
    list_filter = ("groups", "is_active", "is_superuser")
    # Roles are the two groups; per-account permissions play no part in the front office.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "groups", "is_superuser", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


class RoleAdmin(SuperuserOnly, GroupAdmin):
    pass


class SignInRecordAdmin(SuperuserOnly):
    """Axes' records are read and deleted here, never added or edited."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AccessAttemptAdmin(SignInRecordAdmin, axes.admin.AccessAttemptAdmin):
    """Failed sign-ins within the lock period; deleting the rows of a user name or an address
    unlocks it (search by either)."""

    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "user_agent")


class AccessLogAdmin(SignInRecordAdmin, axes.admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(SignInRecordAdmin, axes.admin.AccessFailureLogAdmin):
    pass


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, StaffAccountAdmin)
admin.site.register(Group, RoleAdmin)
for model, model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
admin.site.site_header = "LatePoint Front Office: staff accounts"
admin.site.site_title = "Front office admin"
admin.site.index_title = "Staff accounts, roles, the audit trail, reasons and sign-in locks"
admin.site.site_url = "/"
