"""Recording the audit trail. Every write through the front office calls audit_record()."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontoffice.models import AuditEntry


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
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
    result: str = AuditEntry.Result.OK,
    error: str = "",
) -> AuditEntry:
    """Append one entry. `error` is a user-facing message, never a payload or the API key."""
    authenticated = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id or ""),
        customer_id=customer_id,
        summary=summary[:300],
        changes=_jsonable(dict(changes or {})),
        result=str(result),
        error=error[:500],
    )
