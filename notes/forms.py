"""The note form: the one place the rules of a note's text are held."""

from __future__ import annotations

from django import forms

from notes.models import NOTE_MAX_LENGTH


class NoteForm(forms.Form):
    """`text` (1 to 2,000 characters) and `pinned`, as the profile's form posts them."""

    text = forms.CharField(
        label="Note",
        strip=True,
        error_messages={"required": "Write the note first: it is empty."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pinned = forms.BooleanField(label="Pin as an alert", required=False)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if len(text) > NOTE_MAX_LENGTH:
            raise forms.ValidationError(
                f"A note can be at most {NOTE_MAX_LENGTH:,} characters; this one has "
                f"{len(text):,}. Shorten it, or split it into two notes."
            )
        return text


class NoteEditForm(NoteForm):
    """An edit changes the text only: pinning is its own button."""

    pinned = None
