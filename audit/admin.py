"""The audit trail in Django's admin: read by administrators, changed by nobody."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry
from frontoffice.admin import SuperuserOnly


@admin.register(AuditEntry)
class AuditEntryAdmin(SuperuserOnly, admin.ModelAdmin):
    """The trail is append-only: administrators may read it, nobody may change it here."""

    list_display = ("created_at", "username", "action", "object_type", "object_id", "result")
    list_filter = ("action", "result", "created_at")
    search_fields = ("username", "object_id", "summary")
    date_hierarchy = "created_at"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
