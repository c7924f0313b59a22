"""The reasons staff pick for a cancellation, a no-show or a move, kept in Django's admin
(administrators only, as the rest of the admin)."""

from __future__ import annotations

from django.contrib import admin

from bookings.models import Reason
from frontoffice.admin import SuperuserOnly


@admin.register(Reason)
class ReasonAdmin(SuperuserOnly, admin.ModelAdmin):
    """Retire a reason (untick Active) rather than delete it: what was recorded keeps its
    label either way."""

    list_display = ("label", "for_cancel", "for_no_show", "for_move", "active", "order")
    list_editable = ("for_cancel", "for_no_show", "for_move", "active", "order")
    list_filter = ("active", "for_cancel", "for_no_show", "for_move")
    search_fields = ("label", "slug")
    prepopulated_fields = {"slug": ("label",)}
    fieldsets = (
        (None, {"fields": ("label", "slug", "active", "order")}),
        ("Offered for", {"fields": ("for_cancel", "for_no_show", "for_move")}),
    )
