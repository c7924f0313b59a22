"""Saving a customer: create and edit, each sent once (never retried), read back after a lost
answer, recorded in the audit trail, and answered as an `upstream.writes.Outcome` that the
view only renders. An edit is checked against the customer as it is now and written under the
customer's lock, so two saves of one customer never overwrite each other."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from audit.models import AuditEntry
from audit.services import audit_record, field_changes
from customers.custom_fields import label_for
from customers.services.editing import (
    CUSTOM_PREFIX,
    EDIT_INCLUDE,
    _text,
    api_payload,
    customer_edit_get,
    customer_form_values,
    edit_conflict,
)
from customers.services.outcomes import WriteCheck, save_failure
from frontoffice.roles import is_manager, require_manager
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Customer, CustomerStatus
from upstream import writes
from upstream.failures import may_have_landed
from upstream.gateway import api
from upstream.writes import Outcome

__all__ = ["customer_create", "customer_create_earlier", "customer_save", "customer_update"]

#: Said in the audit trail of a write whose answer was lost but which reading back confirmed.
CONFIRMED = "confirmed by reading it back: LatePoint's answer was lost"

_Record = Callable[..., None]


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


def _labels(names: Iterable[str]) -> list[str]:
    names = [n[len(CUSTOM_PREFIX) :] if n.startswith(CUSTOM_PREFIX) else n for n in names]
    return sorted(label_for(name) for name in names)


# --- create ------------------------------------------------------------------------------------


def _find_created(data: Mapping[str, str]) -> tuple[WriteCheck, Customer | None]:
    """After a lost answer to a create: is there now a customer with this email?"""
    email = _text(data.get("email")).lower()
    if not email:
        return WriteCheck(checked=False), None
    try:
        # Fresh: an older copy from before the write would say it is not there.
        page = api().list_customers(email=email, per_page=5, fresh=True)
    except LatePointError:
        return WriteCheck(checked=False), None
    for customer in page.items:
        if _text(customer.email).lower() == email:
            return WriteCheck(checked=True, saved=tuple(data)), customer
    return WriteCheck(checked=True, not_saved=tuple(data)), None


def customer_create_earlier(*, data: Mapping[str, str]) -> Outcome | None:
    """The customer an earlier submit of this create form made (its answer was lost), as a
    done save, if LatePoint has it; None when it does not; unknown when LatePoint cannot say
    (then nothing is sent again)."""
    check, found = _find_created(data)
    if found is None and not check.checked:
        return Outcome(
            Outcome.UNKNOWN,
            status=503,
            title="LatePoint could not be asked",
            message=(
                "Your earlier save of this customer may have gone through, and LatePoint could "
                "not be asked whether it did, so nothing was sent again: search the customer "
                "list for this email before saving again."
            ),
        )
    if found is None:
        return None
    message = f"Customer {found.full_name} was created by your earlier save."
    return Outcome(Outcome.DONE, record=found, message=message)


def _created(*, user, data: Mapping[str, str], customer: Customer, confirmed: bool) -> Outcome:
    name = f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()
    audit_record(
        user=user,
        action=AuditEntry.Action.CUSTOMER_CREATE,
        object_type="customer",
        object_id=customer.id,
        customer_id=customer.id,
        customer_name=customer.full_name or name,
        summary=f"Created customer {name}" + (f" ({CONFIRMED})" if confirmed else ""),
        changes=field_changes({}, _audit_names(data)),
    )
    message = f"Customer {customer.full_name or data.get('email', '')} created."
    if confirmed:
        message += " (LatePoint's answer was lost; reading it back shows the customer.)"
    return Outcome(
        Outcome.DONE, record=customer, message=message, confirmed_after_failure=confirmed
    )


def customer_create(*, user, data: Mapping[str, str]) -> Outcome:
    """POST the new customer (once; never retried), record it in the audit trail, and say
    what became of it.

    If LatePoint's answer is lost, the customer is looked up by email: found, the create is
    done (and audited as confirmed); not found, it is known not to have happened (refused);
    LatePoint unable to say, the outcome is unknown. Creating a blocked customer needs the
    manager role (PermissionDenied).
    """
    if data.get("status") == CustomerStatus.BLOCKED:
        require_manager(user)
    try:
        customer = api().create_customer(api_payload(data, clearing=False))
    except LatePointError as exc:
        check, found = _find_created(data) if may_have_landed(exc) else (None, None)
        if found is not None:
            return _created(user=user, data=data, customer=found, confirmed=True)
        name = f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()
        audit_record(
            user=user,
            action=AuditEntry.Action.CUSTOMER_CREATE,
            object_type="customer",
            summary=f"Tried to create customer {name}",
            changes=field_changes({}, _audit_names(data)),
            result=AuditEntry.Result.FAILED,
            error=exc.user_message,
        )
        return save_failure(exc, creating=True, check=check)
    return _created(user=user, data=data, customer=customer, confirmed=False)


# --- edit --------------------------------------------------------------------------------------


def customer_save(
    *,
    user,
    customer_id: int,
    original: Mapping[str, str],
    changes: Mapping[str, str],
    custom_keys: Iterable[str],
) -> Outcome:
    """Save an edit of the form opened with `original`, and say what became of it.

    Under the customer's lock (one writer at a time, in every process), the customer is read
    again: a field someone else changed since the form was opened is a conflict (nothing is
    sent; `record` is the customer as it is now), and a field already holding the value typed
    (an earlier save of this form whose answer was lost, or a colleague making the very same
    change) is not sent again. A customer LatePoint does not have is refused with a 404.
    """
    try:
        with writes.record_lock("customer", customer_id):
            return _save_unless_changed(
                user=user,
                customer_id=customer_id,
                original=original,
                changes=changes,
                custom_keys=custom_keys,
            )
    except writes.RecordBusy as busy:
        return Outcome(Outcome.REFUSED, status=409, message=busy.user_message)


def _save_unless_changed(*, user, customer_id, original, changes, custom_keys) -> Outcome:
    try:
        now = customer_edit_get(customer_id=customer_id, fresh=True)
    except NotFound:
        return Outcome(Outcome.REFUSED, status=404, message="No such customer.")
    except LatePointError as exc:
        # The check before the save failed: nothing was sent.
        return save_failure(exc, creating=False, sent=False)
    conflict = edit_conflict(now, original=original, custom_keys=custom_keys)
    already = {n for n in conflict.fields if n in changes and conflict.current[n] == changes[n]}
    if set(conflict.fields) - already:
        return Outcome(Outcome.CONFLICT, status=409, record=now)
    changes = {n: v for n, v in changes.items() if n not in already}
    if not changes:
        message = "Customer saved: LatePoint already has these values."
        return Outcome(Outcome.DONE, record=now, message=message)
    return customer_update(user=user, customer_id=customer_id, original=original, changes=changes)


def _update_entries(original: Mapping[str, str], changes: Mapping[str, str]) -> list[tuple]:
    """The audit entries of one edit: its fields as CUSTOMER_UPDATE with before/after values,
    a status change as CUSTOMER_STATUS."""
    entries = []
    field_part = {k: v for k, v in changes.items() if k != "status"}
    if field_part:
        entries.append(
            (
                AuditEntry.Action.CUSTOMER_UPDATE,
                "Edited " + ", ".join(_labels(field_part)),
                field_changes(_audit_names(original), _audit_names(field_part)),
            )
        )
    if "status" in changes and changes["status"] != original.get("status"):
        entries.append(
            (
                AuditEntry.Action.CUSTOMER_STATUS,
                f"Status {original.get('status') or '?'} → {changes['status']}",
                field_changes(original, {"status": changes["status"]}),
            )
        )
    return entries


def _record_update(
    result: str,
    error: str = "",
    note: str = "",
    *,
    user,
    customer_id: int,
    entries: list[tuple],
    customer_name: str = "",
) -> None:
    for action, summary, diff in entries:
        audit_record(
            user=user,
            action=action,
            object_type="customer",
            object_id=customer_id,
            customer_id=customer_id,
            customer_name=customer_name,
            summary=(summary if result == AuditEntry.Result.OK else f"Tried: {summary}")
            + (f" ({note})" if note else ""),
            changes=diff,
            result=result,
            error=error,
        )


def customer_update(
    *, user, customer_id: int, original: Mapping[str, str], changes: Mapping[str, str]
) -> Outcome:
    """PUT only `changes` (PUT is partial; never retried), record each kind of change, and say
    what became of it.

    Blocking or unblocking needs the manager role (PermissionDenied, the attempt recorded). If
    LatePoint's answer is lost, the customer is read back: every change there, the save is
    done (and audited as confirmed); none there, refused; some, or LatePoint unable to say,
    unknown, saying which fields were saved.
    """
    record = partial(
        _record_update,
        user=user,
        customer_id=customer_id,
        entries=_update_entries(original, changes),
        # The name as the form showed it when it was opened.
        customer_name=f"{original.get('first_name', '')} {original.get('last_name', '')}".strip(),
    )
    status_change = "status" in changes and changes["status"] != original.get("status")
    touches_block = status_change and CustomerStatus.BLOCKED in (
        changes["status"],
        original.get("status"),
    )
    if touches_block and not is_manager(user):
        record(AuditEntry.Result.FAILED, "Only a manager can block or unblock a customer.")
        require_manager(user)
    try:
        customer = api().update_customer(customer_id, api_payload(changes, clearing=True))
    except LatePointError as exc:
        if not may_have_landed(exc):
            record(AuditEntry.Result.FAILED, exc.user_message)
            return save_failure(exc, creating=False)
        return _read_back_update(exc, customer_id=customer_id, changes=changes, record=record)
    record(AuditEntry.Result.OK)
    return Outcome(Outcome.DONE, record=customer, message="Customer saved.")


def _read_back_update(
    exc: LatePointError, *, customer_id: int, changes: Mapping[str, str], record: _Record
) -> Outcome:
    """After a lost answer to an edit: read the customer back (fresh) and compare each changed
    field with what was sent."""
    keys = [n[len(CUSTOM_PREFIX) :] for n in changes if n.startswith(CUSTOM_PREFIX)]
    try:
        customer = api().get_customer(customer_id, include=EDIT_INCLUDE, fresh=True)
    except LatePointError:
        check = WriteCheck(checked=False)
    else:
        now = customer_form_values(customer, custom_keys=keys)
        saved = tuple(n for n in changes if now.get(n, "") == _text(changes[n]))
        not_saved = tuple(n for n in changes if n not in saved)
        check = WriteCheck(checked=True, saved=saved, not_saved=not_saved)
    if not check.all_saved:
        if not check.checked:
            found = "it could not be read back"
        elif check.none_saved:
            found = "reading it back showed no change"
        else:
            found = "reading it back showed only " + ", ".join(_labels(check.saved))
        record(AuditEntry.Result.FAILED, f"{exc.user_message} ({found})")
        return save_failure(exc, creating=False, check=check)
    record(AuditEntry.Result.OK, note=CONFIRMED)
    return Outcome(
        Outcome.DONE,
        record=customer,
        confirmed_after_failure=True,
        message=(
            "Customer saved. (LatePoint's answer was lost; reading the customer back shows "
            "your changes.)"
        ),
    )
