"""What a failed customer save says: LatePoint's refusals on their fields, and for a failure,
what happened to the save (known not written, confirmed by reading back, or unknown)."""

from __future__ import annotations

from customers.forms import CustomerForm
from customers.services import WriteCheck
from frontoffice.upstream_errors import UpstreamError, describe
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


def form_field_for(api_name: str, form: CustomerForm) -> str | None:
    """Our form field for an API error key such as `email`, `customer.email`, `custom_fields.x`."""
    key = api_name.strip()
    for prefix in ("customer.", "customer[", "address.", "address["):
        if key.startswith(prefix):
            key = key[len(prefix) :].rstrip("]")
    for prefix in ("custom_fields.", "custom_fields["):
        if key.startswith(prefix):
            key = "custom_" + key[len(prefix) :].rstrip("]")
    key = _API_FIELD_ALIASES.get(key, key)
    return key if key in form.fields and not form.fields[key].widget.is_hidden else None


def checked_message(check: WriteCheck, form: CustomerForm, *, creating: bool) -> str:
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

    def labels(names) -> str:
        return ", ".join(str(form.fields[n].label) for n in names if n in form.fields)

    return (
        f"LatePoint failed while saving. Reading the customer back shows that only some "
        f"changes were saved ({labels(check.saved)}); these were not: {labels(check.not_saved)}. "
        "Save again to finish."
    )


def failure_message(
    exc: LatePointError, error: UpstreamError, *, creating: bool, form: CustomerForm
) -> str:
    """What happened to this save, and what to do next."""
    what = "The customer was not created" if creating else "Your changes were not saved"
    check = getattr(exc, "write_check", None)
    if check is not None and check.checked:
        return checked_message(check, form, creating=creating)
    if check is not None or error.may_have_been_applied:
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
        return (
            f"{cause}, so the save may or may not have gone through: {check} before saving again."
        )
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


def apply_upstream_error(
    form: CustomerForm, exc: LatePointError, *, creating: bool
) -> UpstreamError | None:
    """Put an upstream refusal on the form's fields, or say what failed on the form.

    Returns the failure when the answer is not a 200 (the form with its field errors).
    """
    if isinstance(exc, APIError) and exc.is_duplicate_email and "email" in form.fields:
        form.add_error("email", DUPLICATE_EMAIL)
        return None
    if isinstance(exc, InvalidRequest | Conflict):
        placed = False
        for api_name, message in exc.field_errors.items():
            name = form_field_for(str(api_name), form)
            if name:
                form.add_error(name, str(message))
                placed = True
        if not placed:
            detail = f": {exc.message}" if exc.message else "."
            form.add_error(None, f"LatePoint did not accept the data{detail}")
        return None
    # The status is the one every screen uses for that failure.
    error = describe(exc, write=True)
    form.add_error(None, failure_message(exc, error, creating=creating, form=form))
    return error


def nothing_written(exc: LatePointError) -> bool:
    """True when this failure is known to have left LatePoint unchanged."""
    check = getattr(exc, "write_check", None)
    if check is not None:
        return check.none_saved
    return not describe(exc, write=True).may_have_been_applied
