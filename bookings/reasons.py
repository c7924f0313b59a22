"""The reasons staff pick for a cancellation, a no-show or a move (`Reason`, set in the admin).

A form sends the reason's slug in `reason`, and any words of its own in `reason_text`. A slug
that is not in the list, is retired, or is not one for that action is refused with a field
message, before anything is sent to LatePoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from bookings.models import Reason

CANCEL = "cancel"
NO_SHOW = "no_show"
MOVE = "move"

#: The model's flag for each action.
_FLAGS = {CANCEL: "for_cancel", NO_SHOW: "for_no_show", MOVE: "for_move"}
#: The action a status change is, for the statuses that ask for a reason.
STATUS_KINDS = {"cancelled": CANCEL, "no_show": NO_SHOW}
#: How a reason's absence is said on forms.
_WHAT = {CANCEL: "cancelled", NO_SHOW: "a no-show", MOVE: "moved"}
_NOUN = {CANCEL: "a cancellation", NO_SHOW: "a no-show", MOVE: "a move"}

REASON_TEXT_MAX = 500
#: The reason a move made without one (the calendar's drag and drop) is recorded with.
NO_REASON = "no-reason-given"

# label, slug, cancellations, no-shows, moves
DEFAULT_REASONS = [
    ("Customer cancelled", "customer-cancelled", True, False, False),
    ("Illness", "illness", True, True, True),
    ("Customer asked to move", "customer-asked-to-move", False, False, True),
    ("Clinic rescheduled", "clinic-rescheduled", True, False, True),
    ("Agent unavailable", "agent-unavailable", True, False, True),
    ("Did not show", "did-not-show", False, True, False),
    ("Running late, could not come", "running-late", True, True, False),
    ("No reason given", NO_REASON, True, True, True),
]


def create_default_reasons(model=Reason) -> None:
    """The default list, where its slugs are missing (a new install: the data migration)."""
    for order, (label, slug, cancel, no_show, move) in enumerate(DEFAULT_REASONS, start=1):
        model.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "for_cancel": cancel,
                "for_no_show": no_show,
                "for_move": move,
                "order": order * 10,
            },
        )


@dataclass(frozen=True)
class Picked:
    """A reason as recorded with an action: the list's entry (None: none picked), its label
    as it read then, and the words staff added."""

    reason: Reason | None = None
    label: str = ""
    text: str = ""

    @property
    def summary(self) -> str:
        """ "Illness: flu, will rebook", for messages and the audit trail."""
        if self.label and self.text:
            return f"{self.label}: {self.text}"
        return self.label or self.text


def reason_kind(to_status: str) -> str:
    """The action (CANCEL, NO_SHOW) of a status change that asks for a reason ("" if none)."""
    return STATUS_KINDS.get(str(to_status), "")


def reasons_for(kind: str) -> list[Reason]:
    """The active reasons offered for an action, in the admin's order."""
    flag = _FLAGS.get(kind)
    if flag is None:
        return []
    return list(Reason.objects.filter(active=True, **{flag: True}))


def reason_missing(kind: str) -> str:
    return f"Choose why the booking is {_WHAT.get(kind, 'changed')}."


def _words(text: str) -> str:
    return " ".join((text or "").split())[:REASON_TEXT_MAX]


def reason_as_sent(*, kind: str, slug: str, text: str = "") -> Picked:
    """What was picked and typed, as well as it can be read, for recording an attempt that
    failed before anything was checked: never refused."""
    if kind:
        try:
            return reason_picked(kind=kind, slug=slug, text=text, required=False)
        except ValidationError:
            pass
    return Picked(text=_words(text))


def reason_picked(*, kind: str, slug: str, text: str = "", required: bool = True) -> Picked:
    """The reason `slug` names for the action `kind`, with `text`, or a ValidationError on
    `reason` (or `reason_text`) saying what is wrong. With no slug and not `required`, "No
    reason given" (when the list has it)."""
    slug = (slug or "").strip()
    text = " ".join((text or "").split())
    if len(text) > REASON_TEXT_MAX:
        raise ValidationError(
            {"reason_text": f"Keep the reason under {REASON_TEXT_MAX} characters."}
        )
    if not slug:
        if required:
            raise ValidationError({"reason": reason_missing(kind)})
        slug = NO_REASON
    flag = _FLAGS.get(kind)
    reason = Reason.objects.filter(slug=slug[:80]).first() if flag else None
    if reason is None:
        if not required and slug == NO_REASON:
            return Picked(text=text)
        raise ValidationError(
            {"reason": "That reason is not in the list: choose one of those shown."}
        )
    if not reason.active:
        raise ValidationError({"reason": f"“{reason.label}” is no longer used: choose another."})
    if not getattr(reason, flag):
        raise ValidationError(
            {"reason": f"“{reason.label}” is not a reason for {_NOUN[kind]}: choose another."}
        )
    return Picked(reason=reason, label=reason.label, text=text)
