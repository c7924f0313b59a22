"""What a customer save that did not simply go through says, as an `upstream.writes.Outcome`.

LatePoint's refusals land on the form's fields (by the form's own field names); any other
failure says what happened to the save: known not written, found written in part by reading
it back, or unknown (LatePoint's answer was lost and it could not be asked again).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from customers.services.editing import CUSTOM_PREFIX, field_label
from latepoint.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    Conflict,
    Forbidden,
    InvalidRequest,
    LatePointError,
    RateLimited,
    ServerError,
    Unauthorized,
)
from upstream.failures import UpstreamError, describe
from upstream.writes import Outcome

__all__ = ["DUPLICATE_EMAIL", "WriteCheck", "form_field_name", "save_failure"]

#: Said on the email field when LatePoint refuses an address another customer has.
DUPLICATE_EMAIL = "Another customer already uses this email address."

#: API field names (as LatePoint reports them in errors) -> our form field names.
_API_FIELD_ALIASES = {
    "postal_code": "zipcode",
    "zip": "zipcode",
    "street": "address",
    "dob": "date_of_birth",
    "birthday": "date_of_birth",
}


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


def form_field_name(api_name: str) -> str:
    """Our form's name for an API error key such as `email`, `customer.email`,
    `custom_fields.x` (the view puts the error there if its form shows that field)."""
    key = api_name.strip()
    for prefix in ("customer.", "customer[", "address.", "address["):
        if key.startswith(prefix):
            key = key[len(prefix) :].rstrip("]")
    for prefix in ("custom_fields.", "custom_fields["):
        if key.startswith(prefix):
            key = CUSTOM_PREFIX + key[len(prefix) :].rstrip("]")
    return _API_FIELD_ALIASES.get(key, key)


def _labels(names: Iterable[str]) -> str:
    return ", ".join(field_label(name) for name in names)


def _checked_message(check: WriteCheck, *, creating: bool) -> str:
    """What reading LatePoint back after a lost answer showed."""
    if creating:
        return (
            "LatePoint failed while creating the customer. Reading LatePoint back shows no "
            "customer with this email: the customer was not created. Save again when ready."
        )
    if check.none_saved:
        return (
            "LatePoint failed while saving. Reading the customer back shows none of your "
            "changes: nothing was saved. Your values are below: save again when ready."
        )
    return (
        f"LatePoint failed while saving. Reading the customer back shows that only some "
        f"changes were saved ({_labels(check.saved)}); these were not: "
        f"{_labels(check.not_saved)}. Save again to finish."
    )


def _unchecked_message(exc: LatePointError, *, creating: bool) -> str:
    """The answer was lost and LatePoint could not be asked again."""
    check = (
        "search the customer list for this email"
        if creating
        else "open the customer's profile to check"
    )
    if isinstance(exc, APITimeoutError):
        cause = "LatePoint took too long to answer"
    elif isinstance(exc, ServerError | APIConnectionError):
        cause = "LatePoint failed while saving and could not be asked again"
    else:
        cause = "LatePoint's answer could not be read"
    return f"{cause}, so the save may or may not have gone through: {check} before saving again."


def _not_written_message(exc: LatePointError, error: UpstreamError, *, creating: bool) -> str:
    """A failure known to have left LatePoint unchanged, and what to do next."""
    what = "The customer was not created" if creating else "Your changes were not saved"
    if isinstance(exc, RateLimited):
        when = f"in {error.retry_after} seconds" if error.retry_after else "in a minute"
        return f"LatePoint is busy (too many requests). {what}. Try again {when}."
    if isinstance(exc, APIConnectionError) and not isinstance(exc, APITimeoutError):
        return f"LatePoint could not be reached. {what}. Try again in a moment."
    if isinstance(exc, ServerError):
        return f"LatePoint had a problem. {what}. Try again in a moment."
    if isinstance(exc, Unauthorized | Forbidden):
        return f"{exc.user_message} {what}. Ask an administrator to check the API key."
    return f"{exc.user_message} {what}."


def save_failure(
    exc: LatePointError, *, creating: bool, check: WriteCheck | None = None, sent: bool = True
) -> Outcome:
    """The outcome of a save that ended in `exc`.

    `check`: what reading LatePoint back showed after a lost answer (None when the write is
    known not to have landed). `sent`: False when it failed before the write was sent.

    LatePoint's refusals are shown on the form with a 200, as any invalid form; a failure
    has the status every screen gives it. Known not written (nothing at all read back) is
    refused, and the same form may be sent again; otherwise it is unknown, and a resubmit
    first looks for what the earlier one wrote.
    """
    if check is None and isinstance(exc, APIError) and exc.is_duplicate_email:
        return Outcome(
            Outcome.REFUSED, message=DUPLICATE_EMAIL, field_errors={"email": DUPLICATE_EMAIL}
        )
    if check is None and isinstance(exc, InvalidRequest | Conflict):
        detail = f": {exc.message}" if exc.message else "."
        return Outcome(
            Outcome.REFUSED,
            message=f"LatePoint did not accept the data{detail}",
            field_errors={form_field_name(str(k)): str(v) for k, v in exc.field_errors.items()},
        )
    error = describe(exc, write=sent)
    if check is None:
        message = _not_written_message(exc, error, creating=creating)
    elif check.checked:
        message = _checked_message(check, creating=creating)
    else:
        message = _unchecked_message(exc, creating=creating)
    written = check is not None and not check.none_saved
    return Outcome(
        Outcome.UNKNOWN if written else Outcome.REFUSED,
        status=error.status,
        title=error.title,
        retry_after=error.retry_after,
        message=message,
    )
