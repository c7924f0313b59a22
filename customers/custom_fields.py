"""Custom fields: readable labels, which ones are sensitive, and which ones the site has.

LatePoint's API documents no endpoint that lists custom-field definitions, so the fields the
site has are configured here (FRONTOFFICE_CUSTOM_FIELDS) and any other key a customer carries is
shown with a label derived from its key.
"""

from __future__ import annotations

import re

from django.conf import settings

#: key -> label for the custom fields this business uses (override in settings).
DEFAULT_CUSTOM_FIELDS: dict[str, str] = {
    "emergency_contact": "Emergency contact",
    "preferred_language": "Preferred language",
    "medical_notes": "Medical notes",
    "insurance_provider": "Insurance provider",
    "referral_source": "Referral source",
}


def configured_fields() -> dict[str, str]:
    return dict(getattr(settings, "FRONTOFFICE_CUSTOM_FIELDS", None) or DEFAULT_CUSTOM_FIELDS)


def label_for(key: str) -> str:
    """A readable label: the configured one, else the key made readable."""
    known = configured_fields()
    if key in known:
        return known[key]
    if re.fullmatch(r"cf_[A-Za-z0-9]+", key):
        return f"Custom field {key[3:]}"
    return key.replace("_", " ").replace("-", " ").strip().capitalize() or key


def is_sensitive(key: str) -> bool:
    return key in set(settings.SENSITIVE_CUSTOM_FIELDS)


def visible_custom_fields(values: dict, *, can_see_sensitive: bool) -> list[tuple[str, str, str]]:
    """(key, label, value) for display, configured fields first, sensitive ones only if allowed."""
    order = list(configured_fields())
    keys = sorted(values, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [
        (key, label_for(key), "" if values[key] is None else str(values[key]))
        for key in keys
        if can_see_sensitive or not is_sensitive(key)
    ]
