"""What a customer save that did not go through shows on its form (`upstream.writes.Outcome`):
LatePoint's refusals on their fields, and otherwise what happened to the save."""

from __future__ import annotations

from customers.forms import CustomerForm
from upstream.writes import Outcome


def show_outcome(form: CustomerForm, outcome: Outcome) -> None:
    """Put each of the outcome's field errors on the form's field of that name; when the form
    shows none of those fields, its message goes above the form."""
    placed = False
    for name, message in outcome.field_errors.items():
        field = form.fields.get(name)
        if field is not None and not field.widget.is_hidden:
            form.add_error(name, message)
            placed = True
    if not placed and outcome.message:
        form.add_error(None, outcome.message)
