"""Recording the audit trail. Every write through the front office calls audit_record()."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from audit.models import AuditEntry
from upstream.gateway import api


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return str(value)


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict]:
    """{"field": {"before": b, "after": a}} for each key of `after` whose value differs."""
    return {
        key: {"before": _jsonable(before.get(key)), "after": _jsonable(value)}
        for key, value in after.items()
        if before.get(key) != value
    }


def audit_record(
    *,
    user,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    customer_id: int | None = None,
    customer_name: str = "",
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    result: str = AuditEntry.Result.OK,
    error: str = "",
) -> AuditEntry:
    """Append one entry. `error` is a user-facing message, never a payload or the API key.

    `customer_name`: the customer's name as the screen showed it; left out, the name the
    front office already holds for `customer_id` (no call), so the trail keeps it."""
    if customer_id and not customer_name:
        customer_name = audit_customer_names([customer_id]).get(int(customer_id), "")
    authenticated = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id or ""),
        customer_id=customer_id,
        customer_name=customer_name[:200],
        summary=summary[:300],
        changes=_jsonable(dict(changes or {})),
        result=str(result),
        error=error[:500],
    )


#: Entries whose `changes` may hold a customer's name (first_name, last_name: before/after).
_NAMING_ACTIONS = (AuditEntry.Action.CUSTOMER_CREATE, AuditEntry.Action.CUSTOMER_UPDATE)


def _names_recorded(customer_ids: set[int]) -> dict[int, str]:
    """The latest name the trail itself recorded for each customer: the one they were created
    with through the front office, with later name edits applied (one query)."""
    entries = (
        AuditEntry.objects.filter(
            customer_id__in=customer_ids,
            action__in=_NAMING_ACTIONS,
            result=AuditEntry.Result.OK,
        )
        .order_by("created_at", "id")
        .values_list("customer_id", "action", "changes")
    )
    parts: dict[int, dict[str, str]] = {}
    for customer_id, action, changes in entries:
        if not isinstance(changes, Mapping):
            continue
        known = parts.setdefault(customer_id, {})
        if action == AuditEntry.Action.CUSTOMER_CREATE:
            known.update(first_name="", last_name="")
        for field in ("first_name", "last_name"):
            change = changes.get(field)
            if isinstance(change, Mapping) and "after" in change:
                known[field] = str(change["after"] or "")
    names = {}
    for customer_id, known in parts.items():
        # Only a whole name: a last name edited alone says nothing of the first.
        if "first_name" in known and "last_name" in known:
            name = f"{known['first_name']} {known['last_name']}".strip()
            if name:
                names[customer_id] = name
    return names


def audit_customer_names(customer_ids: Iterable[int | None]) -> dict[int, str]:
    """Names for the customers of some audit entries, by id, without a call to LatePoint.

    The customer summaries in the shared cache come first (the Today board's badges keep
    many: their current name), then the name the trail itself recorded (a create, a name
    edit), then an older cached summary. An id with none of these is left out: the screen
    shows "Customer #id".
    """
    ids = {int(cid) for cid in customer_ids if cid}
    if not ids:
        return {}
    names = {cid: c.full_name for cid, c in api().cached_customer_summaries(ids).items()}
    names = {cid: name for cid, name in names.items() if name}
    for cid, name in _names_recorded(ids - names.keys()).items():
        names[cid] = name
    older = api().cached_customer_summaries(ids - names.keys(), stale_ok=True)
    names.update({cid: c.full_name for cid, c in older.items() if c.full_name})
    return names


def audit_outcome(outcome, *, user, action: str, summary: str, **fields: Any) -> AuditEntry:
    """Append the entry of a write that was sent, by what became of it (`upstream.writes.
    Outcome`): done (noted when reading back confirmed a lost answer), unknown, or failed."""
    if outcome.done:
        if outcome.confirmed_after_failure:
            summary += " (confirmed by reading it back: LatePoint's answer was lost)"
        return audit_record(user=user, action=action, summary=summary, **fields)
    result = AuditEntry.Result.UNKNOWN if outcome.unknown else AuditEntry.Result.FAILED
    return audit_record(
        user=user, action=action, summary=summary, result=result, error=outcome.error, **fields
    )
