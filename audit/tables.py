"""The audit trail screen's filter form and table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_tables2 as tables
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from audit.models import AuditEntry
from frontoffice.formatting import business_timestamp

RESULT_LABELS = dict(AuditEntry.Result.choices)


class AuditFilterForm(forms.Form):
    """Filters of /audit/. Every field is optional; a bad value is reported, not a 500."""

    person = forms.ChoiceField(required=False, label="Person")
    action = forms.ChoiceField(
        required=False, label="Action", choices=[("", "Any action"), *AuditEntry.Action.choices]
    )
    result = forms.ChoiceField(
        required=False, label="Result", choices=[("", "Any result"), *AuditEntry.Result.choices]
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    customer = forms.IntegerField(
        required=False,
        label="Customer ID",
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names as recorded: the trail outlives deleted accounts.
        names = (
            AuditEntry.objects.exclude(username="")
            .order_by("username")
            .values_list("username", flat=True)
            .distinct()
        )
        self.fields["person"].choices = [("", "Anyone"), *((name, name) for name in names)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the filters that are valid; invalid ones are left out (and shown as errors)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("person"):
            entries = entries.filter(username=data["person"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("result"):
            entries = entries.filter(result=data["result"])
        if data.get("date_from"):
            entries = entries.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(created_at__date__lte=data["date_to"])
        if data.get("customer"):
            entries = entries.filter(customer_id=data["customer"])
        return entries

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    # Times are stored in UTC (checked_in_at): shown on the business's clock, as "When" is.
    shown = business_timestamp(value)
    if shown is not None:
        return shown
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "(empty)"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) or "(empty)"
    return str(value)


def _change_rows(changes: Mapping[str, Any], prefix: str = "") -> list:
    rows = []
    for key, change in changes.items():
        label = prefix + str(key).replace("_", " ")
        if isinstance(change, Mapping) and set(change) >= {"before", "after"}:
            rows.append(
                format_html(
                    '<span class="audit-field">{}</span>: <del>{}</del> → <ins>{}</ins>',
                    label,
                    _value(change["before"]),
                    _value(change["after"]),
                )
            )
        elif isinstance(change, Mapping) and change and not prefix:
            # Grouped details (the values of a new customer, custom fields): one line each.
            rows.extend(_change_rows(change, prefix=f"{label} / " if key != "values" else ""))
        else:
            rows.append(
                format_html('<span class="audit-field">{}</span>: {}', label, _value(change))
            )
    return rows


def render_changes(changes: Any):
    """The changes as a list: `field: before → after` for edits, `key: value` otherwise.

    Every value is escaped: names, notes and errors come from LatePoint or from staff typing.
    """
    if not isinstance(changes, Mapping) or not changes:
        return ""
    return format_html(
        '<ul class="audit-changes">{}</ul>',
        format_html_join("", "<li>{}</li>", ((row,) for row in _change_rows(changes))),
    )


class AuditTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i")
    username = tables.Column(verbose_name="Who", empty_values=())
    action = tables.Column(verbose_name="Action")
    subject = tables.Column(verbose_name="What", empty_values=(), accessor="pk")
    changes = tables.Column(
        verbose_name="Changes",
        empty_values=(),
        attrs={"td": {"class": "audit-changes-cell"}},
    )
    result = tables.Column(verbose_name="Result")

    class Meta:
        model = AuditEntry
        fields = ("created_at", "username", "action", "subject", "changes", "result")
        attrs = {"class": "audit-table"}
        row_attrs = {"class": lambda record: f"audit-{record.result}"}
        empty_text = "No audit entries match these filters."
        orderable = False

    def render_username(self, record: AuditEntry) -> str:
        return record.username or "(unknown)"

    def render_action(self, record: AuditEntry) -> str:
        return record.get_action_display()

    #: Customer names by id for the rows shown (`audit.services.audit_customer_names`);
    #: an id missing from it is shown as "Customer #id".
    customer_names: Mapping[int, str] = {}

    def render_subject(self, record: AuditEntry):
        parts = []
        if record.customer_id:
            url = reverse("customers:detail", args=[record.customer_id])
            # The name the entry kept when it was written; older entries: what is known now.
            name = record.customer_name or self.customer_names.get(record.customer_id)
            if name:
                parts.append(
                    format_html(
                        '<a href="{}" hx-boost="false">{}</a> <span class="muted small">#{}</span>',
                        url,
                        name,
                        record.customer_id,
                    )
                )
            else:
                parts.append(
                    format_html(
                        '<a href="{}" hx-boost="false">Customer #{}</a>', url, record.customer_id
                    )
                )
        if record.object_type and not (
            record.object_type == "customer" and record.object_id == str(record.customer_id)
        ):
            label = record.object_type.capitalize()
            ref = f"{label} #{record.object_id}" if record.object_id else label
            parts.append(format_html("{}", ref))
        if record.summary:
            parts.append(format_html('<span class="muted small">{}</span>', record.summary))
        return format_html_join("", "<div>{}</div>", ((p,) for p in parts))

    def render_changes(self, record: AuditEntry):
        return render_changes(record.changes)

    def render_result(self, record: AuditEntry):
        label = RESULT_LABELS.get(record.result, record.result)
        chip = format_html('<span class="chip chip-audit-{}">{}</span>', record.result, label)
        if record.error:
            return format_html('{}<br><span class="small">{}</span>', chip, record.error)
        return chip
