"""The customer a walk-in is booked for, when the desk does not choose a returning one.

A walk-in needs only a first name: the customer is created in LatePoint as a guest
(`is_guest`, no email needed), with "Walk-in" as the last name when none is given, which staff
can correct later. With no name at all the booking goes to one shared "Walk-in Guest"
customer, created on first use and remembered locally (`frontoffice.WalkInGuest`); before it
is created LatePoint is searched for it, under a lock shared by every process, so two desks
never create two.

Each create is sent once. When its answer is lost, LatePoint is searched for the customer:
by email when one was typed; without one, a guest of that name that already exists cannot be
told apart from the one just sent, so the outcome is then unknown and the desk is asked to
find them rather than create a second.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping

from django.conf import settings

from audit.models import AuditEntry
from audit.services import audit_record
from customers.services.outcomes import save_failure
from frontoffice.models import WalkInGuest
from latepoint.errors import LatePointError, NotFound
from latepoint.models import Customer
from upstream import writes
from upstream.failures import describe, may_have_landed
from upstream.gateway import api
from upstream.writes import Outcome

#: The last name of a walk-in given only a first name (a valid LatePoint name).
DEFAULT_LAST_NAME = "Walk-in"
#: The shared customer of walk-ins given no name.
SHARED_FIRST_NAME, SHARED_LAST_NAME = "Walk-in", "Guest"


def _same_name(customer: Customer, first: str, last: str) -> bool:
    return (customer.first_name or "").casefold() == first.casefold() and (
        customer.last_name or ""
    ).casefold() == last.casefold()


def _name_key(first: str, last: str) -> str:
    """The lock key of a guest's name: a hash of the name normalised (Unicode NFKC, spaces
    collapsed, case folded), so any name makes a key every cache backend accepts."""
    name = " ".join(unicodedata.normalize("NFKC", f"{first} {last}").split()).casefold()
    return hashlib.sha256(name.encode()).hexdigest()[:32]


def _guests_named(first: str, last: str) -> list[Customer]:
    """Guests without an email of exactly this name (one fresh call)."""
    page = api().list_customers(
        first_name=first, last_name=last, is_guest=True, per_page=20, fresh=True
    )
    return [c for c in page.items if _same_name(c, first, last) and not (c.email or "").strip()]


def _by_email(email: str) -> Customer | None:
    page = api().list_customers(email=email, per_page=5, fresh=True)
    return next((c for c in page.items if (c.email or "").strip().lower() == email), None)


def _audit_created(user, customer: Customer, fields: Mapping[str, object], note: str = "") -> None:
    name = f"{fields.get('first_name', '')} {fields.get('last_name', '')}".strip()
    audit_record(
        user=user,
        action=AuditEntry.Action.CUSTOMER_CREATE,
        object_type="customer",
        object_id=customer.id,
        customer_id=customer.id,
        summary=f"Created walk-in guest {name}" + note,
        changes={k: {"before": None, "after": v} for k, v in sorted(fields.items())},
    )


def _unknown_guest(first: str, last: str, status: int = 409, title: str = "") -> Outcome:
    return Outcome(
        Outcome.UNKNOWN,
        status=status,
        title=title,
        message=(
            f"The new guest {first} {last} was sent, but LatePoint's answer was lost and "
            "reading LatePoint back cannot tell whether it was created (a guest of that name "
            f"may be there from before). Nothing was booked. Find “{first} {last}” under Find "
            "a returning customer and book for them, rather than creating them again."
        ),
    )


def guest_earlier(
    *, first: str, last: str, email: str = "", lost: LatePointError | None = None
) -> Outcome | None:
    """After an unknown outcome: the guest an earlier send of this form may have created.
    None when LatePoint has no such customer (the form may create it); unknown otherwise."""
    try:
        if email:
            found = _by_email(email)
            if found is None:
                return None
            message = f"{found.full_name} was created by your earlier send."
            return Outcome(Outcome.DONE, record=found, message=message)
        if not _guests_named(first, last):
            return None
    except LatePointError as exc:
        error = describe(lost or exc, write=lost is not None)
        return _unknown_guest(first, last, error.status, error.title)
    if lost is None:
        return _unknown_guest(first, last)
    error = describe(lost, write=True)
    return _unknown_guest(first, last, error.status, error.title)


def guest_create(*, user, values: Mapping[str, str]) -> Outcome:
    """Create the walk-in's customer as a LatePoint guest (sent once, never retried), and say
    what became of it: done (`record`, the customer), refused (LatePoint's `details` on the
    form's fields), or unknown (what was checked, what to do)."""
    first = values["first_name"]
    last = values.get("last_name") or DEFAULT_LAST_NAME
    email = (values.get("email") or "").strip().lower()
    fields: dict[str, object] = {"first_name": first, "last_name": last, "is_guest": True}
    if values.get("phone"):
        fields["phone"] = values["phone"]
    if email:
        fields["email"] = email
    try:
        with writes.record_lock("walk-in-guest", _name_key(first, last)):
            customer = api().create_customer(fields)
    except writes.RecordBusy as busy:
        return Outcome(Outcome.REFUSED, status=409, message=busy.user_message)
    except LatePointError as exc:
        if not may_have_landed(exc):
            audit_record(
                user=user,
                action=AuditEntry.Action.CUSTOMER_CREATE,
                object_type="customer",
                summary=f"Tried to create walk-in guest {first} {last}",
                result=AuditEntry.Result.FAILED,
                error=exc.user_message,
            )
            outcome = save_failure(exc, creating=True)
            if outcome.field_errors:
                outcome.status = 400
            return outcome
        earlier = guest_earlier(first=first, last=last, email=email, lost=exc)
        if earlier is not None and earlier.done:
            _audit_created(user, earlier.record, fields, " (confirmed by reading it back)")
            earlier.confirmed_after_failure = True
            return earlier
        if earlier is not None:
            return earlier
        error = describe(exc, write=True)
        return Outcome(
            Outcome.REFUSED,
            status=error.status,
            title=error.title,
            message=(
                "LatePoint failed while creating the guest, and reading it back shows no such "
                "customer: nothing was created or booked. Try again when ready."
            ),
        )
    _audit_created(user, customer, fields)
    return Outcome(Outcome.DONE, record=customer, message=f"{customer.full_name} added as a guest.")


def shared_guest(*, user) -> Outcome:
    """The shared "Walk-in Guest" customer: remembered, else found in LatePoint, else created
    (once, under a lock every process shares)."""
    site = settings.LATEPOINT_API_URL
    known = WalkInGuest.objects.filter(site=site).first()
    if known is not None:
        try:
            return Outcome(Outcome.DONE, record=api().get_customer(known.customer_id))
        except NotFound:
            known.delete()
        except LatePointError as exc:
            return _not_read(exc)
    try:
        with writes.record_lock("walk-in-guest", "shared"):
            try:
                found = _guests_named(SHARED_FIRST_NAME, SHARED_LAST_NAME)
            except LatePointError as exc:
                return _not_read(exc)
            if found:
                customer = min(found, key=lambda c: c.id)
                outcome = Outcome(Outcome.DONE, record=customer)
            else:
                values = {"first_name": SHARED_FIRST_NAME, "last_name": SHARED_LAST_NAME}
                outcome = guest_create(user=user, values=values)
            if outcome.done:
                WalkInGuest.objects.update_or_create(
                    site=site, defaults={"customer_id": outcome.record.id}
                )
            return outcome
    except writes.RecordBusy as busy:
        return Outcome(Outcome.REFUSED, status=409, message=busy.user_message)


def is_shared_guest(customer_id: int) -> bool:
    """Whether the customer is the shared "Walk-in Guest" this site remembers (no call)."""
    return WalkInGuest.objects.filter(
        site=settings.LATEPOINT_API_URL, customer_id=customer_id
    ).exists()


def _not_read(exc: LatePointError) -> Outcome:
    error = describe(exc)
    return Outcome(
        Outcome.REFUSED,
        status=error.status,
        title=error.title,
        message=f"{error.message} The walk-in guest could not be looked up: nothing was booked.",
    )
