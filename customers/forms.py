"""The customer form: LatePoint's documented rules (seeds/002, seeds/003) held once.

The same `CustomerForm` validates /customers/new/ and /customers/<id>/edit/. On edit it knows
the values the form was opened with (`original`): a field the user left as it was is neither
validated nor sent, so an old upstream value that predates these rules never blocks a save.

The rules themselves are in `customers.validators`; the edit form's signed snapshot of its
original values (`customers.snapshots`) lets the save tell whether someone else changed the
customer meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.urls import reverse
from django_countries import countries

from customers import custom_fields
from customers.services.editing import CUSTOM_PREFIX, FIELD_LABELS
from customers.validators import (
    EMAIL_MAX,
    collapse_spaces,
    default_phone_region,
    normalise_phone,
    postal_code_error,
    validate_date_of_birth,
    validate_name,
)
from latepoint.models import CustomerStatus
from upstream import writes

GENDER_CHOICES = [
    ("", "Not given"),
    ("male", "Male"),
    ("female", "Female"),
    ("other", "Other"),
    ("prefer_not_to_say", "Prefer not to say"),
]
# Create accepts `pending` (seeds/002); update speaks `pending_verification` (seeds/003).
CREATE_STATUS_CHOICES = [("active", "Active"), ("inactive", "Inactive"), ("pending", "Pending")]
EDIT_STATUS_CHOICES = [
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("pending_verification", "Pending verification"),
    ("blocked", "Blocked"),
]

NOTES_MAX = 1000
CUSTOM_MAX = 255


def editable_custom_keys(*, show_sensitive: bool) -> list[str]:
    """The configured custom fields this user may see and send (sensitive ones: managers)."""
    return [
        key
        for key in custom_fields.configured_fields()
        if show_sensitive or not custom_fields.is_sensitive(key)
    ]


# --- the form --------------------------------------------------------------------------------


class CustomerForm(forms.Form):
    """Create (original=None) or edit (original = the values the form was opened with)."""

    first_name = forms.CharField(label=FIELD_LABELS["first_name"], max_length=200)
    last_name = forms.CharField(label=FIELD_LABELS["last_name"], max_length=200)
    email = forms.EmailField(
        label=FIELD_LABELS["email"],
        max_length=254,
        error_messages={"invalid": "Enter a valid email address, like name@example.com."},
    )
    phone = forms.CharField(
        label=FIELD_LABELS["phone"],
        required=False,
        max_length=40,
        help_text="With the country code if the number is not local, e.g. +44 20 7946 0958.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=FIELD_LABELS["date_of_birth"],
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )
    gender = forms.ChoiceField(label=FIELD_LABELS["gender"], required=False, choices=GENDER_CHOICES)
    status = forms.ChoiceField(label=FIELD_LABELS["status"], choices=CREATE_STATUS_CHOICES)
    confirm_block = forms.BooleanField(
        label="Yes, block this customer",
        required=False,
        help_text="Needed when setting the status to Blocked: a blocked customer cannot book.",
    )
    address = forms.CharField(label=FIELD_LABELS["address"], required=False, max_length=255)
    city = forms.CharField(label=FIELD_LABELS["city"], required=False, max_length=100)
    state = forms.CharField(label=FIELD_LABELS["state"], required=False, max_length=100)
    zipcode = forms.CharField(label=FIELD_LABELS["zipcode"], required=False, max_length=20)
    country = forms.ChoiceField(label=FIELD_LABELS["country"], required=False)
    notes = forms.CharField(
        label=FIELD_LABELS["notes"],
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    snapshot = forms.CharField(required=False, widget=forms.HiddenInput)
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)
    # The form's one-time token: a second submit of it never writes again (upstream.writes).
    submit_token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Create: the ids of the existing customers with the same name and phone that the user was
    # shown and chose to create anyway (a later match with someone else warns again).
    confirm_duplicate = forms.CharField(required=False, widget=forms.HiddenInput)

    #: Fields the per-field validation endpoint answers for (custom fields are added per form).
    VALIDATED_FIELDS = (
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "gender",
        "status",
        "address",
        "city",
        "state",
        "zipcode",
        "country",
        "notes",
    )

    def __init__(
        self,
        *args: Any,
        can_manage_status: bool = False,
        show_sensitive: bool = False,
        original: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.original: dict[str, str] | None = dict(original) if original is not None else None
        if self.original is not None and "initial" not in kwargs:
            kwargs["initial"] = dict(self.original)
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submit_token", writes.new_token())
        self.is_edit = self.original is not None
        self.can_manage_status = can_manage_status

        self.fields["country"].choices = [("", "Not given"), *countries]
        self._setup_status()
        self._add_custom_fields(show_sensitive=show_sensitive)
        self._add_htmx_validation()

    # --- construction ------------------------------------------------------------------------
    def _setup_status(self) -> None:
        status = self.fields["status"]
        if not self.is_edit:
            status.initial = "active"
            del self.fields["confirm_block"]
            return
        current = (self.original or {}).get("status", "")
        choices = list(EDIT_STATUS_CHOICES)
        if current and current not in dict(choices):
            # An unknown upstream status stays selectable so the form can still be saved.
            choices.append((current, current.replace("_", " ").capitalize()))
        status.choices = choices
        if self.can_manage_status:
            return
        del self.fields["confirm_block"]
        if current == CustomerStatus.BLOCKED:
            # Only a manager may unblock: the receptionist sees the status but cannot change it.
            status.disabled = True
            status.help_text = "Only a manager can unblock a customer."
        else:
            # Validation still knows "blocked" (to say why it is refused); the select omits it.
            status.widget.choices = [c for c in choices if c[0] != CustomerStatus.BLOCKED]

    def _add_custom_fields(self, *, show_sensitive: bool) -> None:
        # Receptionists neither see nor send sensitive fields.
        self.custom_keys = editable_custom_keys(show_sensitive=show_sensitive)
        for key in self.custom_keys:
            self.fields[CUSTOM_PREFIX + key] = forms.CharField(
                label=custom_fields.label_for(key),
                required=False,
                max_length=CUSTOM_MAX,
                help_text="Sensitive: only managers see this field."
                if custom_fields.is_sensitive(key)
                else "",
            )

    def _add_htmx_validation(self) -> None:
        for name in self.validated_field_names():
            field = self.fields[name]
            if field.disabled:
                continue
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.update(
                {
                    "hx-post": reverse("customers:validate-field", args=[name]),
                    "hx-trigger": "change" if is_select else "blur changed",
                    "hx-target": f"#form-field-{name}",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                }
            )

    def validated_field_names(self) -> list[str]:
        return [*self.VALIDATED_FIELDS, *(CUSTOM_PREFIX + key for key in self.custom_keys)]

    # --- which fields the user touched (edit) ----------------------------------------------------
    def submitted_text(self, name: str) -> str:
        """The text submitted for a field (stripped); a disabled field keeps its original."""
        field = self.fields[name]
        if field.disabled:
            return (self.original or {}).get(name, "")
        value = self.data.get(self.add_prefix(name), "")
        return value.strip() if isinstance(value, str) else ""

    def touched_fields(self) -> set[str]:
        """Fields whose submitted text differs from the original (all fields on create)."""
        names = self.validated_field_names()
        if not self.is_edit:
            return set(names)
        original = self.original or {}
        return {
            name for name in names if self.submitted_text(name) != original.get(name, "").strip()
        }

    # --- field rules -----------------------------------------------------------------------------
    def clean_first_name(self) -> str:
        return validate_name(self.cleaned_data["first_name"], "First name")

    def clean_last_name(self) -> str:
        return validate_name(self.cleaned_data["last_name"], "Last name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if len(email) > EMAIL_MAX:
            raise forms.ValidationError(f"An email can have at most {EMAIL_MAX} characters.")
        return email

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return ""
        country = self.data.get(self.add_prefix("country"), "")
        region = country if isinstance(country, str) and country in dict(countries) else ""
        return normalise_phone(phone, region=region or default_phone_region())

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data["date_of_birth"]
        return None if born is None else validate_date_of_birth(born)

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        before = (self.original or {}).get("status", "")
        changes_block = status != before and CustomerStatus.BLOCKED in (status, before)
        if changes_block and not self.can_manage_status:
            raise forms.ValidationError("Only a manager can block or unblock a customer.")
        return status

    def clean_confirm_duplicate(self) -> frozenset[int]:
        text = self.cleaned_data.get("confirm_duplicate") or ""
        return frozenset(int(part) for part in text.split(",") if part.strip().isdigit())

    def clean_zipcode(self) -> str:
        return collapse_spaces(self.cleaned_data["zipcode"]).upper()

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in ("address", "city", "state", "notes", *self._custom_names()):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        touched = self.touched_fields()
        if self.is_edit:
            # A field left as it was is not sent, so an old value that breaks a rule is tolerated.
            for name in self.validated_field_names():
                if name not in touched and name in self._errors:
                    del self._errors[name]
                    cleaned.pop(name, None)
        if {"zipcode", "country"} & touched and "zipcode" not in self._errors:
            problem = postal_code_error(cleaned.get("zipcode", ""), cleaned.get("country", ""))
            if problem:
                self.add_error("zipcode", problem)
        status = cleaned.get("status")
        before = (self.original or {}).get("status", "")
        if (
            self.is_edit
            and "confirm_block" in self.fields
            and status == CustomerStatus.BLOCKED
            and before != CustomerStatus.BLOCKED
            and not cleaned.get("confirm_block")
        ):
            self.add_error(
                "confirm_block", "Tick this box to confirm that the customer is blocked."
            )
        return cleaned

    def _custom_names(self) -> list[str]:
        return [CUSTOM_PREFIX + key for key in self.custom_keys]

    # --- results ---------------------------------------------------------------------------------
    def value_text(self, name: str) -> str:
        """A cleaned value as the text the form shows (comparable with `original`)."""
        value = self.cleaned_data.get(name)
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def changed_values(self) -> dict[str, str]:
        """Edit: {field: new text} for the fields whose cleaned value differs from the original."""
        original = self.original or {}
        changes = {}
        for name in self.touched_fields():
            if name not in self.cleaned_data:
                continue
            text = self.value_text(name)
            if text != original.get(name, ""):
                changes[name] = text
        return changes

    def all_values(self) -> dict[str, str]:
        """Create: {field: text} for every field given a value."""
        values = {}
        for name in self.validated_field_names():
            text = self.value_text(name)
            if text:
                values[name] = text
        return values

    def error_links(self) -> list[dict[str, str]]:
        """The error summary's links: each refused field's input id and what to fix there,
        in the order the fields are shown."""
        links = []
        for _legend, fields in self.fieldsets():
            for field in fields:
                label = str(field.label)
                for message in map(str, field.errors):
                    # "First name must be…" names its field already; "Enter a valid…" does not.
                    named = message.casefold().startswith(label.casefold())
                    text = message if named else f"{label}: {message}"
                    links.append({"id": field.id_for_label, "text": text})
        return links

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The form's fields grouped for display."""
        groups = [
            ("Name and contact", ["first_name", "last_name", "email", "phone"]),
            ("Personal details", ["date_of_birth", "gender"]),
            ("Status", ["status", "confirm_block"]),
            ("Address", ["address", "city", "state", "zipcode", "country"]),
            ("Custom fields", self._custom_names()),
            ("Notes", ["notes"]),
        ]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in groups
            if any(name in self.fields for name in names)
        ]
