"""Staff roles. Groups are created by a migration; checks live here and are used by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

RECEPTIONIST = "Receptionist"
MANAGER = "Manager"
ROLES = (RECEPTIONIST, MANAGER)


def _group_names(user) -> set[str]:
    cached = getattr(user, "_frontoffice_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._frontoffice_groups = cached
    return cached


def is_staff_member(user) -> bool:
    """An active account with a front-office role, or a superuser."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or bool(_group_names(user) & set(ROLES))


def is_manager(user) -> bool:
    return is_staff_member(user) and (user.is_superuser or MANAGER in _group_names(user))


def role_name(user) -> str:
    if not is_staff_member(user):
        return ""
    if user.is_superuser:
        return "Administrator"
    return MANAGER if MANAGER in _group_names(user) else RECEPTIONIST


def manager_required(view: Callable) -> Callable:
    """Refuse (403) anyone who is not a manager or administrator."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied("This screen is for managers.")
        return view(request, *args, **kwargs)

    return wrapped


def require_manager(user) -> None:
    """For services: raise PermissionDenied unless the user is a manager."""
    if not is_manager(user):
        raise PermissionDenied("Only a manager can do that.")
