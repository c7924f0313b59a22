"""Staff notes about a customer, kept in the front office's database (LatePoint has one
`admin_notes` field anyone can overwrite; these keep every earlier text)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The longest note a desk may write.
NOTE_MAX_LENGTH = 2000


class Note(models.Model):
    """One note on a customer's profile; a pinned one is an alert wherever they are acted on."""

    customer_id = models.BigIntegerField(db_index=True)  # LatePoint's customer id
    text = models.TextField(max_length=NOTE_MAX_LENGTH)
    pinned = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the note keeps its author if the account is deleted.
    author_name = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer_id", "pinned"], name="notes_customer_pinned")]

    def __str__(self) -> str:
        return f"note {self.pk} on customer {self.customer_id}"


class NoteVersion(models.Model):
    """A note's text as it was before one edit: who replaced it, and when."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_by_name = models.CharField(max_length=150)
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-edited_at", "-id"]

    def __str__(self) -> str:
        return f"earlier text of note {self.note_id}"
