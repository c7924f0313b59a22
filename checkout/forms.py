"""The booking page's money forms: take a payment (with an optional tip), and give a refund.

Amounts are read the way a person types them at the desk ("75", "75.50", "$75", "1,200")
and checked before anything is sent: more than zero, at most two decimals, and no more than
the balance (the extra goes in Tip) or, for a refund, than what was paid and not refunded.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms

from checkout.money import METHODS, ZERO
from frontoffice.formatting import format_money
from upstream.writes import TOKEN_PATTERN

#: The desk's words for its methods, in the order the radios show them.
METHOD_CHOICES = [(method, method.capitalize()) for method in METHODS]

NOTE_MAX = 200
REASON_MAX = 500
#: The largest amount the desk takes in one go (a typo such as 7500 for 75.00 stops here).
AMOUNT_MAX = Decimal("100000")

_AMOUNT = re.compile(r"(-)?\$?(\d+(?:\.\d*)?|\.\d+)")


def parse_amount(text: str, *, required: bool = True) -> Decimal | None:
    """An amount as typed, as a Decimal to the cent; ValidationError with a plain message for
    anything else. Blank is None when not `required`."""
    cleaned = (text or "").replace(",", "").replace(" ", "")
    if not cleaned:
        if required:
            raise forms.ValidationError("Enter the amount.")
        return None
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise forms.ValidationError("Enter an amount in numbers, like 75 or 75.50.")
    if match.group(1):
        raise forms.ValidationError("Enter an amount more than zero.")
    try:
        amount = Decimal(match.group(2))
    except InvalidOperation:
        raise forms.ValidationError("Enter an amount in numbers, like 75 or 75.50.") from None
    if -amount.as_tuple().exponent > 2:
        raise forms.ValidationError("Use at most two decimals (cents), like 75.50.")
    if amount <= ZERO:
        raise forms.ValidationError("Enter an amount more than zero.")
    if amount > AMOUNT_MAX:
        raise forms.ValidationError(f"That is more than {format_money(AMOUNT_MAX)}: check it.")
    return amount.quantize(Decimal("0.01"))


class _MoneyForm(forms.Form):
    amount = forms.CharField(max_length=20, required=False)
    method = forms.ChoiceField(
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the money was paid.",
            "invalid_choice": "Choose cash, card or other.",
        },
    )
    submit_token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def clean_submit_token(self) -> str:
        token = self.cleaned_data.get("submit_token", "")
        if not TOKEN_PATTERN.fullmatch(token):
            raise forms.ValidationError(
                "This form could not be matched to the page it came from: reload the page and "
                "enter the payment again."
            )
        return token


class PaymentForm(_MoneyForm):
    """Take a payment toward the balance `due`; a tip is entered apart, on top of the whole
    balance, so that nothing more than the balance is ever taken by mistake."""

    tip = forms.CharField(max_length=20, required=False)
    note = forms.CharField(max_length=NOTE_MAX, required=False)
    complete = forms.BooleanField(required=False)

    def __init__(self, *args, due: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.due = due

    def clean_amount(self) -> Decimal:
        amount = parse_amount(self.cleaned_data.get("amount", ""))
        if amount > self.due:
            raise forms.ValidationError(
                f"That is more than the {format_money(self.due)} due. Enter at most "
                f"{format_money(self.due)}, and put anything extra in Tip."
            )
        return amount

    def clean_tip(self) -> Decimal:
        return parse_amount(self.cleaned_data.get("tip", ""), required=False) or ZERO

    def clean_note(self) -> str:
        return " ".join(self.cleaned_data.get("note", "").split())

    def clean(self):
        data = super().clean()
        amount, tip = data.get("amount"), data.get("tip")
        if amount is not None and tip and amount != self.due:
            self.add_error(
                "tip",
                f"A tip comes on top of the whole balance: take the {format_money(self.due)} "
                "due with it, or leave Tip empty.",
            )
        return data


class RefundForm(_MoneyForm):
    """Give back at most `refundable` (what was paid less what was refunded), with a reason."""

    reason = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        error_messages={"max_length": f"Keep the reason under {REASON_MAX} characters."},
    )

    def __init__(self, *args, refundable: Decimal, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refundable = refundable

    def clean_amount(self) -> Decimal:
        amount = parse_amount(self.cleaned_data.get("amount", ""))
        if amount > self.refundable:
            raise forms.ValidationError(
                f"At most {format_money(self.refundable)} can be refunded: what was paid, less "
                "what was already refunded."
            )
        return amount

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data.get("reason", "").split())
        if not reason:
            raise forms.ValidationError("Say why the money is refunded.")
        return reason
