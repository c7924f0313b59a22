"""The edit form's snapshot: a signed record of the values the form was opened with.

With it, a save can tell what the user changed from what someone else changed meanwhile, and a
forged or stale form is refused rather than trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core import signing

SNAPSHOT_SALT = "customers.edit.snapshot"


def sign_snapshot(*, customer_id: int, values: Mapping[str, str], updated_at: str) -> str:
    """A tamper-proof record of what the edit form was opened with."""
    return signing.dumps(
        {"id": customer_id, "values": dict(values), "updated_at": updated_at},
        salt=SNAPSHOT_SALT,
        compress=True,
    )


def load_snapshot(token: str, *, customer_id: int) -> dict[str, Any] | None:
    """The snapshot's {"values", "updated_at"}, or None when missing, forged or for another id."""
    try:
        data = signing.loads(token or "", salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("id") != customer_id:
        return None
    values = data.get("values")
    if not isinstance(values, dict):
        return None
    return {
        "values": {str(k): "" if v is None else str(v) for k, v in values.items()},
        "updated_at": str(data.get("updated_at") or ""),
    }


def snapshot_customer_id(token: str) -> int | None:
    """The customer id a snapshot was signed for (used by per-field validation)."""
    try:
        data = signing.loads(token or "", salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        return None
    customer_id = data.get("id") if isinstance(data, dict) else None
    return customer_id if isinstance(customer_id, int) else None
