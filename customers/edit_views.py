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
from customers.services import EditConflict, customer_form_values, format_updated_at
from customers.snapshots import load_snapshot, sign_snapshot, snapshot_customer_id
from frontoffice import writes
from frontoffice.http import vary_on_htmx, wants_fragment
from frontoffice.roles import is_manager
from frontoffice.upstream_errors import UpstreamError
from latepoint.errors import (
    LatePointError,
    NotFound,
)
from latepoint.models import Customer, CustomerStatus

TEMPLATE = "customers/form.html"


def _form_options(request: HttpRequest) -> dict[str, bool]:
    manager = is_manager(request.user)
    return {"can_manage_status": manager, "show_sensitive": manager}


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _render(
    request: HttpRequest, context: dict, *, status: int = 200, error: UpstreamError | None = None
) -> TemplateResponse:
    """The form page, or the form alone for HTMX; a save that failed upstream sets the status."""
    template = f"{TEMPLATE}#customer-form" if wants_fragment(request) else TEMPLATE
    if error is not None:
        status = error.status
    response = TemplateResponse(request, template, context, status=status)
    return error.apply_headers(response) if error is not None else response


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


def _settle_failed(request: HttpRequest, token: str | None, exc: LatePointError) -> None:
    """After a failed write: the form may be sent again; if the write may have landed, a
    resubmit first looks for its result."""
    if save_errors.nothing_written(exc):
        writes.release(request, token)
    else:
        writes.unknown(request, token)


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
        earlier = services.created_earlier(form.all_values())
        if earlier is not None:
            done = f"Customer {earlier.full_name} was created by your earlier save."
            url = reverse("customers:detail", args=[earlier.id])
            writes.finish(request, token, url=url, message=done)
            messages.success(request, done)
            return _redirect(request, url)
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
    try:
        result = services.customer_create(user=request.user, data=form.all_values())
    except LatePointError as exc:
        _settle_failed(request, token, exc)
        error = save_errors.apply_upstream_error(form, exc, creating=True)
        context = _context(request, form, email_owner=_email_owner(form))
        return _render(request, context, error=error)
    customer = result.customer
    done = f"Customer {customer.full_name or form.value_text('email')} created."
    if result.confirmed_after_failure:
        done += " (LatePoint's answer was lost; reading it back shows the customer.)"
    url = reverse("customers:detail", args=[customer.id])
    writes.finish(request, token, url=url, message=done)
    messages.success(request, done)
    return _redirect(request, url)


def _unconfirmed_duplicates(form: CustomerForm) -> list[Customer]:
    """Existing customers with the new one's name and phone that the user has not yet seen
    and confirmed; none when LatePoint cannot be asked (the create then says what failed)."""
    try:
        found = services.customer_duplicates(values=form.all_values())
    except LatePointError:
        return []
    confirmed = form.cleaned_data.get("confirm_duplicate") or frozenset()
    return [] if {c.id for c in found} <= confirmed else found


def _email_owner(form: CustomerForm, *, customer_id: int | None = None) -> Customer | None:
    """After LatePoint refused the email as taken: the customer who has it, to link to."""
    if save_errors.DUPLICATE_EMAIL not in form.errors.get("email", []):
        return None
    try:
        return services.customer_with_email(
            email=form.submitted_text("email"), exclude_id=customer_id
        )
    except LatePointError:
        return None


# --- edit --------------------------------------------------------------------------------------


def _customer_or_404(customer_id: int) -> Customer:
    try:
        return services.customer_edit_get(customer_id=customer_id)
    except NotFound:
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


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    options = _form_options(request)
    if request.method != "POST":
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

    keys = editable_custom_keys(show_sensitive=options["show_sensitive"])
    snapshot = load_snapshot(request.POST.get("snapshot", ""), customer_id=customer_id)
    if snapshot is None:
        # The form cannot say what it was opened with: keep what was typed, compare anew.
        customer = _customer_or_404(customer_id)
        current = customer_form_values(customer, custom_keys=keys)
        form = CustomerForm(
            _fresh_form_data(request, current, customer), original=current, **options
        )
        form.is_valid()
        notice = (
            "This form could not be checked against the customer as it was when you opened it. "
            "Nothing was saved: review the values below, then save again."
        )
        return _render(request, _context(request, form, customer, notice=notice), status=409)

    original = snapshot["values"]
    form = CustomerForm(request.POST, original=original, **options)
    if not form.is_valid():
        return _render(request, _context(request, form, _stub(customer_id, original)))

    changes = form.changed_values()
    if not changes:
        messages.info(request, "Nothing was changed.")
        return _redirect(request, reverse("customers:detail", args=[customer_id]))

    token = request.POST.get("submit_token")
    claim = writes.claim(request, token)
    if claim is not None and not claim.first:
        return _repeat(request, claim, form, _context(request, form, _stub(customer_id, original)))
    try:
        # One writer at a time for this customer, in every process: a save that comes second
        # finds the first one's change below and shows the conflict instead of overwriting it.
        with writes.record_lock("customer", customer_id):
            return _save_edit(request, form, customer_id, original, changes, options, token)
    except writes.RecordBusy as busy:
        writes.release(request, token)
        form.add_error(None, busy.user_message)
        return _render(request, _context(request, form, _stub(customer_id, original)), status=409)


def _save_edit(request, form, customer_id, original, changes, options, token) -> HttpResponse:
    """The conflict check and the write of one edit (under the customer's lock)."""
    try:
        conflict = services.customer_edit_conflict(
            customer_id=customer_id, original=original, custom_keys=form.custom_keys
        )
    except NotFound:
        writes.release(request, token)
        raise Http404("No such customer.") from None
    except LatePointError as exc:
        writes.release(request, token)
        error = save_errors.apply_upstream_error(form, exc, creating=False)
        return _render(request, _context(request, form, _stub(customer_id, original)), error=error)

    # A field already holding the value typed is no conflict: an earlier save of this form
    # whose answer was lost, or a colleague making the very same change.
    already = {n for n in conflict.fields if n in changes and conflict.current[n] == changes[n]}
    if set(conflict.fields) - already:
        writes.release(request, token)
        return _render_conflict(request, form, conflict, original, options)
    changes = {n: v for n, v in changes.items() if n not in already}
    if not changes:
        done = "Customer saved: LatePoint already has these values."
        url = reverse("customers:detail", args=[customer_id])
        writes.finish(request, token, url=url, message=done)
        messages.success(request, done)
        return _redirect(request, url)

    try:
        result = services.customer_update(
            user=request.user, customer_id=customer_id, original=original, changes=changes
        )
    except LatePointError as exc:
        _settle_failed(request, token, exc)
        error = save_errors.apply_upstream_error(form, exc, creating=False)
        owner = _email_owner(form, customer_id=customer_id)
        context = _context(request, form, conflict.customer, email_owner=owner)
        return _render(request, context, error=error)
    done = "Customer saved."
    if result.confirmed_after_failure:
        done += " (LatePoint's answer was lost; reading the customer back shows your changes.)"
    url = reverse("customers:detail", args=[customer_id])
    writes.finish(request, token, url=url, message=done)
    messages.success(request, done)
    return _redirect(request, url)


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
