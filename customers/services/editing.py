"""Customer services: the edit form's values, the API's write body, and the conflict check.

Values travel between the form and these services as text keyed by the form's field names
(`first_name`, ..., `zipcode`, `country`, `custom_<key>`); `api_payload()` maps them to the
API's flat write fields (seeds/002, seeds/003) and nests custom fields under `custom_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from customers.custom_fields import label_for
from latepoint.models import Customer
from upstream.gateway import api

__all__ = [
    "CUSTOM_PREFIX",
    "EDIT_INCLUDE",
    "FIELD_LABELS",
    "EditConflict",
    "api_payload",
    "customer_edit_get",
    "customer_form_values",
    "edit_conflict",
    "field_label",
    "format_updated_at",
]

#: What the edit form reads from LatePoint, in one call.
EDIT_INCLUDE = ("custom_fields", "notes")
#: Form field name prefix for custom fields.
CUSTOM_PREFIX = "custom_"

#: The form's labels of its standard fields (custom fields are labelled by `label_for`): the
#: form shows them, and a save that failed halfway names its fields with them.
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "status": "Status",
    "address": "Street address",
    "city": "City",
    "state": "State or province",
    "zipcode": "ZIP or postal code",
    "country": "Country",
    "notes": "Notes",
}

#: Fields sent as null (not "") when cleared: the API reads them as dates or choices.
_NULL_WHEN_EMPTY = frozenset({"date_of_birth"})


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def field_label(name: str) -> str:
    """The label the form shows for one of its fields (`custom_<key>` included)."""
    if name.startswith(CUSTOM_PREFIX):
        return label_for(name[len(CUSTOM_PREFIX) :])
    return FIELD_LABELS.get(name, name)


def format_updated_at(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def customer_form_values(customer: Customer, *, custom_keys: Iterable[str]) -> dict[str, str]:
    """The customer as the edit form shows it: text keyed by form field name."""
    status = str(customer.status)
    values = {
        "first_name": _text(customer.first_name),
        "last_name": _text(customer.last_name),
        "email": _text(customer.email),
        "phone": _text(customer.phone),
        "date_of_birth": customer.date_of_birth.isoformat() if customer.date_of_birth else "",
        "gender": _text(customer.gender),
        "status": "pending_verification" if status == "pending" else status,
        "address": _text(customer.address.street),
        "city": _text(customer.address.city),
        "state": _text(customer.address.state),
        "zipcode": _text(customer.address.postal_code),
        "country": _text(customer.address.country).upper(),
        "notes": _text(customer.notes),
    }
    for key in custom_keys:
        raw = customer.custom_fields.get(key)
        values[CUSTOM_PREFIX + key] = "" if isinstance(raw, dict | list) else _text(raw)
    return values


def api_payload(values: Mapping[str, str], *, clearing: bool) -> dict[str, Any]:
    """Form values -> the API's write body. With `clearing`, an emptied field is sent empty
    (and an emptied custom field as null, which the API documents as "remove")."""
    payload: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for name, value in values.items():
        if name.startswith(CUSTOM_PREFIX):
            key = name[len(CUSTOM_PREFIX) :]
            if value:
                custom[key] = value
            elif clearing:
                custom[key] = None
            continue
        if value:
            payload[name] = value
        elif clearing:
            payload[name] = None if name in _NULL_WHEN_EMPTY else ""
    if custom:
        payload["custom_fields"] = custom
    return payload


def customer_edit_get(*, customer_id: int, fresh: bool = True) -> Customer:
    """The customer to edit, read straight from LatePoint (one call) so the form starts current."""
    return api().get_customer(customer_id, include=EDIT_INCLUDE, fresh=fresh)


@dataclass(frozen=True)
class EditConflict:
    """What changed upstream since the form was opened."""

    customer: Customer  # as it is now
    current: dict[str, str]  # now, keyed by form field name
    fields: tuple[str, ...]  # the form fields whose value changed upstream


def edit_conflict(
    customer: Customer, *, original: Mapping[str, str], custom_keys: Iterable[str]
) -> EditConflict:
    """The fields of `customer` (as it is now) that differ from `original` (as the form was
    opened); an empty `fields` means the save may go ahead."""
    current = customer_form_values(customer, custom_keys=custom_keys)
    changed = tuple(
        name for name, value in current.items() if value != _text(original.get(name, ""))
    )
    return EditConflict(customer=customer, current=current, fields=changed)
