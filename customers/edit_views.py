"""Create and edit a customer: /customers/new/, /customers/<id>/edit/, per-field validation.

Nothing typed is lost: a refused or failed save shows the form again with every value and a
message that says what happened. Saves are never retried; a concurrent change is shown, not
overwritten.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from customers import save_errors, services
from customers.forms import CustomerForm, editable_custom_keys
from customers.services import (
    DUPLICATE_EMAIL,
    EditConflict,
    customer_form_values,
    format_updated_at,
)
from customers.snapshots import load_snapshot, sign_snapshot, snapshot_customer_id
from frontoffice.http import render, vary_on_htmx
from frontoffice.roles import is_manager
from latepoint.models import Customer, CustomerStatus
from upstream import writes
from upstream.failures import Failure, Missing
from upstream.writes import Outcome

TEMPLATE = "customers/form.html"


def _form_options(request: HttpRequest) -> dict[str, bool]:
    manager = is_manager(request.user)
    return {"can_manage_status": manager, "show_sensitive": manager}


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _render(request: HttpRequest, context: dict, *, status: int = 200) -> TemplateResponse:
    """The form page, or the form alone for HTMX."""
    return render(request, TEMPLATE, context, partial="customer-form", status=status)


def _context(
    request: HttpRequest, form: CustomerForm, customer: Customer | None = None, **extra
) -> dict:
    if customer is not None:
        action = reverse("customers:edit", args=[customer.id])
        cancel = reverse("customers:detail", args=[customer.id])
    else:
        action = reverse("customers:new")
        cancel = reverse("customers:list")
    original_status = (form.original or {}).get("status", "")
    return {
        "form": form,
        "customer": customer,
        "is_edit": customer is not None,
        "action_url": action,
        "cancel_url": cancel,
        "is_blocked": original_status == CustomerStatus.BLOCKED,
        "conflict": None,
        "notice": "",
        "duplicates": [],
        "email_owner": None,
        **extra,
    }


def _answer(
    request: HttpRequest,
    token: str | None,
    outcome: Outcome,
    form: CustomerForm,
    context: dict,
    *,
    customer_id: int | None = None,
) -> HttpResponse:
    """What became of a save (as the service says it): done, on to the profile with its
    message; else the form again, everything typed kept, with what failed on it. The form's
    one-time token is settled to match, so a resubmit never writes twice."""
    if outcome.done:
        url = reverse("customers:detail", args=[outcome.record.id])
        writes.settle(request, token, outcome, url=url, message=outcome.message)
        messages.success(request, outcome.message)
        return _redirect(request, url)
    writes.settle(request, token, outcome)
    save_errors.show_outcome(form, outcome)
    context["email_owner"] = _email_owner(form, customer_id=customer_id)
    response = _render(request, context, status=outcome.status)
    return outcome.apply_headers(response)


def _repeat(request: HttpRequest, claim: writes.Claim, form: CustomerForm, context: dict):
    """A second submit of a form already sent: land where the first did, never write again."""
    if claim.url:
        messages.info(request, "This form was already sent. " + claim.message)
        return _redirect(request, claim.url)
    form.add_error(
        None,
        "This form is still being saved from an earlier click. Wait a moment, then open the "
        "customer to check before saving again.",
    )
    return _render(request, context, status=409)


# --- create ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def customer_create(request: HttpRequest) -> HttpResponse:
    options = _form_options(request)
    if request.method != "POST":
        form = CustomerForm(**options)
        return _render(request, _context(request, form))

    form = CustomerForm(request.POST, **options)
    if not form.is_valid():
        return _render(request, _context(request, form))
    token = request.POST.get("submit_token")
    claim = writes.claim(request, token)
    if claim is not None and not claim.first:
        return _repeat(request, claim, form, _context(request, form))
    if claim is not None and claim.after_unknown:
        # This form was sent before and LatePoint's answer was lost: was it created then?
        earlier = services.customer_create_earlier(data=form.all_values())
        if earlier is not None:
            return _answer(request, token, earlier, form, _context(request, form))
    duplicates = _unconfirmed_duplicates(form)
    if duplicates:
        # Nothing is written: the form comes back with the warning, and with the duplicates'
        # ids in its hidden confirm field, so that "Create anyway" creates.
        writes.release(request, token)
        data = request.POST.copy()
        data["confirm_duplicate"] = ",".join(str(c.id) for c in duplicates)
        form = CustomerForm(data, **options)
        form.is_valid()
        return _render(request, _context(request, form, duplicates=duplicates))
    outcome = services.customer_create(user=request.user, data=form.all_values())
    return _answer(request, token, outcome, form, _context(request, form))


def _unconfirmed_duplicates(
    form: CustomerForm, *, values: dict[str, str] | None = None, exclude_id: int | None = None
) -> list[Customer]:
    """Existing customers (other than `exclude_id`) with the name and phone of `values` (the
    new customer's by default) that the user has not yet seen and confirmed; none when
    LatePoint cannot be asked (the save then says what failed)."""
    try:
        found = services.customer_duplicates(values=form.all_values() if values is None else values)
    except Failure:
        return []
    found = [c for c in found if c.id != exclude_id]
    confirmed = form.cleaned_data.get("confirm_duplicate") or frozenset()
    return [] if {c.id for c in found} <= confirmed else found


#: An edit of these may make the customer someone's double (one cached call to check).
_IDENTITY_FIELDS = frozenset({"first_name", "last_name", "phone"})


def _edit_duplicates(
    request: HttpRequest, form: CustomerForm, customer_id: int, original: dict, changes: dict
) -> HttpResponse | None:
    """An edit that changes the name or phone into another customer's: the form again with
    the warning and "Save anyway" (nothing sent); None when there is nothing to warn of."""
    if not _IDENTITY_FIELDS & set(changes):
        return None
    values = {**original, **changes}
    duplicates = _unconfirmed_duplicates(form, values=values, exclude_id=customer_id)
    if not duplicates:
        return None
    data = request.POST.copy()
    data["confirm_duplicate"] = ",".join(str(c.id) for c in duplicates)
    shown = CustomerForm(data, original=original, **_form_options(request))
    shown.is_valid()
    context = _context(request, shown, _stub(customer_id, original), duplicates=duplicates)
    return _render(request, context)


def _email_owner(form: CustomerForm, *, customer_id: int | None = None) -> Customer | None:
    """After LatePoint refused the email as taken: the customer who has it, to link to."""
    if DUPLICATE_EMAIL not in form.errors.get("email", []):
        return None
    try:
        return services.customer_with_email(
            email=form.submitted_text("email"), exclude_id=customer_id
        )
    except Failure:
        return None


# --- edit --------------------------------------------------------------------------------------


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return services.customer_edit_get(customer_id=customer_id)
    except Missing:
        raise Http404("No such customer.") from None


def _fresh_form_data(request: HttpRequest, current: dict[str, str], customer: Customer):
    data = request.POST.copy()
    data["snapshot"] = sign_snapshot(
        customer_id=customer.id, values=current, updated_at=format_updated_at(customer.updated_at)
    )
    data["updated_at"] = format_updated_at(customer.updated_at)
    return data


def _conflict_rows(form: CustomerForm, conflict: EditConflict, original: dict, submitted: dict):
    def shown(name: str, value: str) -> str:
        choices = getattr(form.fields[name], "choices", None)
        if choices and value:
            return str(dict(choices).get(value, value))
        return value

    rows = []
    for name in conflict.fields:
        if name not in form.fields:
            continue
        yours = submitted.get(name, "")
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "theirs": shown(name, conflict.current.get(name, "")),
                "yours": shown(name, yours),
                "original": shown(name, original.get(name, "")),
                "you_changed": yours != original.get(name, ""),
            }
        )
    return rows


def _opened(request: HttpRequest, customer_id: int, options: dict[str, bool]) -> HttpResponse:
    """The edit form on the customer as LatePoint has it now, signed with what it shows."""
    customer = _customer_or_404(customer_id)
    keys = editable_custom_keys(show_sensitive=options["show_sensitive"])
    values = customer_form_values(customer, custom_keys=keys)
    initial = {
        **values,
        "snapshot": sign_snapshot(
            customer_id=customer.id,
            values=values,
            updated_at=format_updated_at(customer.updated_at),
        ),
        "updated_at": format_updated_at(customer.updated_at),
    }
    form = CustomerForm(original=values, initial=initial, **options)
    return _render(request, _context(request, form, customer))


def _reopened(request: HttpRequest, customer_id: int, options: dict[str, bool]) -> HttpResponse:
    """The form cannot say what it was opened with: keep what was typed, compare anew."""
    customer = _customer_or_404(customer_id)
    keys = editable_custom_keys(show_sensitive=options["show_sensitive"])
    current = customer_form_values(customer, custom_keys=keys)
    form = CustomerForm(_fresh_form_data(request, current, customer), original=current, **options)
    form.is_valid()
    notice = (
        "This form could not be checked against the customer as it was when you opened it. "
        "Nothing was saved: review the values below, then save again."
    )
    return _render(request, _context(request, form, customer, notice=notice), status=409)


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    options = _form_options(request)
    if request.method != "POST":
        return _opened(request, customer_id, options)
    snapshot = load_snapshot(request.POST.get("snapshot", ""), customer_id=customer_id)
    if snapshot is None:
        return _reopened(request, customer_id, options)

    original = snapshot["values"]
    form = CustomerForm(request.POST, original=original, **options)
    if not form.is_valid():
        return _render(request, _context(request, form, _stub(customer_id, original)))
    changes = form.changed_values()
    if not changes:
        messages.info(request, "Nothing was changed.")
        return _redirect(request, reverse("customers:detail", args=[customer_id]))
    warned = _edit_duplicates(request, form, customer_id, original, changes)
    if warned is not None:
        return warned
    token = request.POST.get("submit_token")
    claim = writes.claim(request, token)
    if claim is not None and not claim.first:
        return _repeat(request, claim, form, _context(request, form, _stub(customer_id, original)))

    outcome = services.customer_save(
        user=request.user,
        customer_id=customer_id,
        original=original,
        changes=changes,
        custom_keys=form.custom_keys,
    )
    if outcome.status == 404:
        writes.settle(request, token, outcome)
        raise Http404("No such customer.")
    if outcome.conflict:
        writes.settle(request, token, outcome)
        conflict = services.edit_conflict(
            outcome.record, original=original, custom_keys=form.custom_keys
        )
        return _render_conflict(request, form, conflict, original, options)
    context = _context(request, form, outcome.record or _stub(customer_id, original))
    return _answer(request, token, outcome, form, context, customer_id=customer_id)


def _stub(customer_id: int, original: dict[str, str]) -> Customer:
    """Enough of the customer for the page's heading and links, without an upstream call."""
    return Customer(
        id=customer_id,
        first_name=original.get("first_name", ""),
        last_name=original.get("last_name", ""),
        email=original.get("email", ""),
    )


def _render_conflict(
    request: HttpRequest,
    form: CustomerForm,
    conflict: EditConflict,
    original: dict[str, str],
    options: dict[str, bool],
) -> TemplateResponse:
    """Nothing is written. The form comes back on the current values: what the user changed
    stays theirs, what only the other person changed is taken from LatePoint, and a panel
    lists every field that changed upstream with their value, the user's and the original."""
    submitted = {name: form.submitted_text(name) for name in form.validated_field_names()}
    touched = form.touched_fields()
    data = _fresh_form_data(request, conflict.current, conflict.customer)
    for name in conflict.fields:
        if name in form.fields and name not in touched and not form.fields[name].disabled:
            data[name] = conflict.current[name]
    rows = _conflict_rows(form, conflict, original, submitted)
    new_form = CustomerForm(data, original=conflict.current, **options)
    context = _context(request, new_form, conflict.customer, conflict=rows)
    return _render(request, context, status=409)


# --- per-field validation ------------------------------------------------------------------------


@require_POST
def validate_field(request: HttpRequest, field_name: str) -> HttpResponse:
    """One field's partial with its error, validated in the context of the whole form."""
    token = request.POST.get("snapshot", "")
    original = None
    customer_id = snapshot_customer_id(token) if token else None
    if customer_id is not None:
        snapshot = load_snapshot(token, customer_id=customer_id)
        original = snapshot["values"] if snapshot else None
    form = CustomerForm(request.POST, original=original, **_form_options(request))
    if field_name not in form.validated_field_names():
        raise Http404("No such field.")
    form.is_valid()
    return TemplateResponse(
        request, f"{TEMPLATE}#form-field", {"form": form, "field": form[field_name]}
    )
