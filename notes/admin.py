"""Staff notes in Django's admin: read by administrators; written only on the profile, where
every change is audited and earlier texts kept."""

from __future__ import annotations

from django.contrib import admin

from frontoffice.admin import SuperuserOnly
from notes.models import Note


@admin.register(Note)
class NoteAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("created_at", "customer_id", "author_name", "pinned")
    list_filter = ("pinned", "created_at")
    search_fields = ("customer_id", "author_name", "text")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]
