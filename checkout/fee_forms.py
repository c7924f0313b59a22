"""The profile's form to pay a fee: an amount (at most what is due), a method and a note."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from checkout.forms import METHOD_CHOICES, NOTE_MAX, parse_amount
from frontoffice.formatting import format_money


class FeePaymentForm(forms.Form):
    """Pay part or all of what is `due` on a fee; never more."""

    amount = forms.CharField(max_length=20, required=False)
    method = forms.ChoiceField(
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the money was paid.",
            "invalid_choice": "Choose cash, card or other.",
        },
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        error_messages={"max_length": f"Keep the note under {NOTE_MAX} characters."},
    )
    submit_token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, due: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.due = due

    def clean_amount(self) -> Decimal:
        amount = parse_amount(self.cleaned_data.get("amount", ""))
        if amount > self.due:
            raise forms.ValidationError(
                f"That is more than the {format_money(self.due)} due. Enter at most "
                f"{format_money(self.due)}."
            )
        return amount

    def clean_note(self) -> str:
        return " ".join(self.cleaned_data.get("note", "").split())

    def clean_submit_token(self) -> str:
        token = self.cleaned_data.get("submit_token", "")
        if not token:
            raise forms.ValidationError(
                "This form could not be matched to the page it came from: reload the page and "
                "enter the payment again."
            )
        return token
