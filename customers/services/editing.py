"""Customer services: creating and editing a customer, with conflict checks and the audit trail.

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
from frontoffice.audit import audit_record, field_changes
from frontoffice.models import AuditEntry
from frontoffice.roles import is_manager, require_manager
from frontoffice.upstream import api
from latepoint.errors import APIConnectionError, BadResponse, LatePointError, ServerError
from latepoint.models import Customer, CustomerStatus

__all__ = [
    "CUSTOM_PREFIX",
    "EDIT_INCLUDE",
    "EditConflict",
    "WriteCheck",
    "WriteResult",
    "api_payload",
    "created_earlier",
    "customer_create",
    "customer_edit_conflict",
    "customer_edit_get",
    "customer_form_values",
    "customer_update",
    "format_updated_at",
]

#: What the edit form reads from LatePoint, in one call.
EDIT_INCLUDE = ("custom_fields", "notes")
#: Form field name prefix for custom fields.
CUSTOM_PREFIX = "custom_"

#: Fields sent as null (not "") when cleared: the API reads them as dates or choices.
_NULL_WHEN_EMPTY = frozenset({"date_of_birth"})


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


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


def _audit_names(values: Mapping[str, Any]) -> dict[str, Any]:
    """Keys as the audit trail names fields: custom fields as `custom_fields.<key>`, so the
    history can recognise (and hide) the sensitive ones."""
    return {
        (
            f"custom_fields.{name[len(CUSTOM_PREFIX) :]}"
            if name.startswith(CUSTOM_PREFIX)
            else name
        ): (value)
        for name, value in sorted(values.items())
    }


def _labels(values: Mapping[str, Any]) -> list[str]:
    names = [n[len(CUSTOM_PREFIX) :] if n.startswith(CUSTOM_PREFIX) else n for n in values]
    return sorted(label_for(name) for name in names)


# --- after a lost answer -----------------------------------------------------------------------

#: Said in the audit trail of a write whose answer was lost but which reading back confirmed.
CONFIRMED = "confirmed by reading it back: LatePoint's answer was lost"


@dataclass(frozen=True)
class WriteResult:
    customer: Customer
    #: True when LatePoint's answer was lost and reading the customer back showed the write.
    confirmed_after_failure: bool = False


@dataclass(frozen=True)
class WriteCheck:
    """What reading the record back after a lost answer showed, field by field."""

    checked: bool  # False: LatePoint could not be asked, nothing is known
    saved: tuple[str, ...] = ()
    not_saved: tuple[str, ...] = ()

    @property
    def all_saved(self) -> bool:
        return self.checked and not self.not_saved

    @property
    def none_saved(self) -> bool:
        return self.checked and not self.saved


def may_have_landed(exc: LatePointError) -> bool:
    """A write that ended this way may have been applied: LatePoint's answer was lost (a
    timeout, a dropped connection), was an error from a server that may have saved first
    (5xx), or could not be read."""
    return exc.sent and isinstance(exc, APIConnectionError | ServerError | BadResponse)


def _check_update(customer_id: int, changes: Mapping[str, str]) -> WriteCheck:
    """Read the customer back (fresh) and compare each changed field with what was sent."""
    keys = [n[len(CUSTOM_PREFIX) :] for n in changes if n.startswith(CUSTOM_PREFIX)]
    try:
        customer = api().get_customer(customer_id, include=EDIT_INCLUDE, fresh=True)
    except LatePointError:
        return WriteCheck(checked=False)
    now = customer_form_values(customer, custom_keys=keys)
    saved = tuple(n for n in changes if now.get(n, "") == _text(changes[n]))
    return WriteCheck(
        checked=True, saved=saved, not_saved=tuple(n for n in changes if n not in saved)
    )


def _find_created(data: Mapping[str, str]) -> tuple[WriteCheck, Customer | None]:
    """After a lost answer to a create: is there now a customer with this email?"""
    email = _text(data.get("email")).lower()
    if not email:
        return WriteCheck(checked=False), None
    try:
        page = api().list_customers(email=email, per_page=5)
    except LatePointError:
        return WriteCheck(checked=False), None
    for customer in page.items:
        if _text(customer.email).lower() == email:
            return WriteCheck(checked=True, saved=tuple(data)), customer
    return WriteCheck(checked=True, not_saved=tuple(data)), None


def created_earlier(data: Mapping[str, str]) -> Customer | None:
    """The customer an earlier submit of this create form made, if LatePoint has it."""
    _check, found = _find_created(data)
    return found


def _with_check(exc: LatePointError, check: WriteCheck) -> LatePointError:
    exc.write_check = check  # what the views say about it (see edit_views._failure_message)
    return exc


def customer_create(*, user, data: Mapping[str, str]) -> WriteResult:
    """POST the new customer (once; never retried) and record it in the audit trail.

    If LatePoint's answer is lost, the customer is looked up by email: found, the create is
    confirmed (and audited as such); not found, it is known not to have happened.
    """
    if data.get("status") == CustomerStatus.BLOCKED:
        require_manager(user)
    name = f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()
    confirmed = False
    try:
        customer = api().create_customer(api_payload(data, clearing=False))
    except LatePointError as exc:
        check, found = _find_created(data) if may_have_landed(exc) else (None, None)
        if found is None:
            audit_record(
                user=user,
                action=AuditEntry.Action.CUSTOMER_CREATE,
                object_type="customer",
                summary=f"Tried to create customer {name}",
                changes=field_changes({}, _audit_names(data)),
                result=AuditEntry.Result.FAILED,
                error=exc.user_message,
            )
            raise _with_check(exc, check) if check is not None else exc from None
        customer, confirmed = found, True
    audit_record(
        user=user,
        action=AuditEntry.Action.CUSTOMER_CREATE,
        object_type="customer",
        object_id=customer.id,
        customer_id=customer.id,
        summary=f"Created customer {name}" + (f" ({CONFIRMED})" if confirmed else ""),
        changes=field_changes({}, _audit_names(data)),
    )
    return WriteResult(customer, confirmed_after_failure=confirmed)


def customer_update(
    *, user, customer_id: int, original: Mapping[str, str], changes: Mapping[str, str]
) -> WriteResult:
    """PUT only `changes` (PUT is partial; never retried) and record each kind of change.

    Blocking or unblocking needs the manager role. A status change is audited as
    CUSTOMER_STATUS, the other fields as CUSTOMER_UPDATE with before/after values. If
    LatePoint's answer is lost, the customer is read back: every change there, the save is
    confirmed (and audited as such); otherwise the failure carries what was found
    (`exc.write_check`).
    """
    status_change = "status" in changes and changes["status"] != original.get("status")
    touches_block = status_change and CustomerStatus.BLOCKED in (
        changes["status"],
        original.get("status"),
    )
    field_part = {k: v for k, v in changes.items() if k != "status"}
    entries = []
    if field_part:
        entries.append(
            (
                AuditEntry.Action.CUSTOMER_UPDATE,
                "Edited " + ", ".join(_labels(field_part)),
                field_changes(_audit_names(original), _audit_names(field_part)),
            )
        )
    if status_change:
        entries.append(
            (
                AuditEntry.Action.CUSTOMER_STATUS,
                f"Status {original.get('status') or '?'} → {changes['status']}",
                field_changes(original, {"status": changes["status"]}),
            )
        )

    def record(result: str, error: str = "", note: str = "") -> None:
        for action, summary, diff in entries:
            audit_record(
                user=user,
                action=action,
                object_type="customer",
                object_id=customer_id,
                customer_id=customer_id,
                summary=(summary if result == AuditEntry.Result.OK else f"Tried: {summary}")
                + (f" ({note})" if note else ""),
                changes=diff,
                result=result,
                error=error,
            )

    if touches_block and not is_manager(user):
        record(AuditEntry.Result.FAILED, "Only a manager can block or unblock a customer.")
        require_manager(user)
    try:
        customer = api().update_customer(customer_id, api_payload(changes, clearing=True))
    except LatePointError as exc:
        if not may_have_landed(exc):
            record(AuditEntry.Result.FAILED, exc.user_message)
            raise
        check = _check_update(customer_id, changes)
        if not check.all_saved:
            found = (
                "reading it back showed "
                + (
                    "no change"
                    if check.none_saved
                    else "only " + ", ".join(_labels(dict.fromkeys(check.saved)))
                )
                if check.checked
                else "it could not be read back"
            )
            record(AuditEntry.Result.FAILED, f"{exc.user_message} ({found})")
            raise _with_check(exc, check) from None
        customer = api().get_customer(customer_id, include=EDIT_INCLUDE)
        record(AuditEntry.Result.OK, note=CONFIRMED)
        return WriteResult(customer, confirmed_after_failure=True)
    record(AuditEntry.Result.OK)
    return WriteResult(customer)


def customer_edit_get(*, customer_id: int, fresh: bool = True) -> Customer:
    """The customer to edit, read straight from LatePoint (one call) so the form starts current."""
    return api().get_customer(customer_id, include=EDIT_INCLUDE, fresh=fresh)


@dataclass(frozen=True)
class EditConflict:
    """What changed upstream since the form was opened."""

    customer: Customer  # as it is now
    current: dict[str, str]  # now, keyed by form field name
    fields: tuple[str, ...]  # the form fields whose value changed upstream


def customer_edit_conflict(
    *, customer_id: int, original: Mapping[str, str], custom_keys: Iterable[str]
) -> EditConflict:
    """Re-read the customer (bypassing the cache) and list the fields changed since `original`.

    An empty `fields` means the save may go ahead.
    """
    customer = customer_edit_get(customer_id=customer_id, fresh=True)
    current = customer_form_values(customer, custom_keys=custom_keys)
    changed = tuple(
        name for name, value in current.items() if value != _text(original.get(name, ""))
    )
    return EditConflict(customer=customer, current=current, fields=changed)
