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

from customers import services
from customers.forms import (
    CustomerForm,
    editable_custom_keys,
    load_snapshot,
    sign_snapshot,
    snapshot_customer_id,
)
from customers.services import EditConflict, customer_form_values, format_updated_at
from frontoffice.middleware import describe_upstream_error
from frontoffice.roles import is_manager
from latepoint.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadResponse,
    Conflict,
    Forbidden,
    InvalidRequest,
    LatePointError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)
from latepoint.models import Customer

TEMPLATE = "customers/form.html"

#: API field names (as LatePoint reports them in errors) -> our form field names.
_API_FIELD_ALIASES = {
    "postal_code": "zipcode",
    "zip": "zipcode",
    "street": "address",
    "dob": "date_of_birth",
    "birthday": "date_of_birth",
}


def _form_options(request: HttpRequest) -> dict[str, bool]:
    manager = is_manager(request.user)
    return {"can_manage_status": manager, "show_sensitive": manager}


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _render(
    request: HttpRequest, context: dict, *, status: int = 200, headers: dict | None = None
) -> TemplateResponse:
    template = f"{TEMPLATE}#customer-form" if request.htmx else TEMPLATE
    response = TemplateResponse(request, template, context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


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
        "is_blocked": original_status == "blocked",
        "conflict": None,
        "notice": "",
        **extra,
    }


# --- upstream failures ---------------------------------------------------------------------


def _form_field_for(api_name: str, form: CustomerForm) -> str | None:
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


def _failure(exc: LatePointError, *, creating: bool) -> tuple[str, int, dict]:
    """(message, HTTP status, headers) for a save that failed upstream.

    The status is the one every screen uses for that failure (the error middleware's); the
    message says what happened to this save and what to do next.
    """
    status = describe_upstream_error(exc)[0]
    what = "The customer was not created" if creating else "Your changes were not saved"
    check = (
        "search the customer list for this email"
        if creating
        else "open the customer's profile to check"
    )
    if isinstance(exc, RateLimited):
        wait = int(exc.retry_after) if exc.retry_after else None
        when = f"in {wait} seconds" if wait else "in a minute"
        headers = {"Retry-After": str(wait)} if wait else {}
        return f"LatePoint is busy (too many requests). {what}. Try again {when}.", status, headers
    if isinstance(exc, APITimeoutError):
        message = (
            "LatePoint took too long to answer, so the save may or may not have gone through: "
            f"{check} before saving again."
        )
    elif isinstance(exc, APIConnectionError):
        message = f"LatePoint could not be reached. {what}. Try again in a moment."
    elif isinstance(exc, ServerError):
        message = f"LatePoint had a problem. {what}. Try again in a moment."
    elif isinstance(exc, Unauthorized | Forbidden):
        message = f"{exc.user_message} {what}. Ask an administrator to check the API key."
    elif isinstance(exc, BadResponse):
        message = (
            "LatePoint's answer could not be read, so the save may or may not have gone "
            f"through: {check} before saving again."
        )
    else:
        message = f"{exc.user_message} {what}."
    return message, status, {}


def _apply_upstream_error(form: CustomerForm, exc: LatePointError, *, creating: bool) -> tuple:
    """Put an upstream refusal on the form's fields; returns (status, headers)."""
    if isinstance(exc, APIError) and exc.is_duplicate_email and "email" in form.fields:
        form.add_error("email", "Another customer already uses this email address.")
        return 200, {}
    if isinstance(exc, InvalidRequest | Conflict):
        placed = False
        for api_name, message in exc.field_errors.items():
            name = _form_field_for(str(api_name), form)
            if name:
                form.add_error(name, str(message))
                placed = True
        if not placed:
            detail = f": {exc.message}" if exc.message else "."
            form.add_error(None, f"LatePoint did not accept the data{detail}")
        return 200, {}
    message, status, headers = _failure(exc, creating=creating)
    form.add_error(None, message)
    return status, headers


# --- create ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    options = _form_options(request)
    if request.method != "POST":
        form = CustomerForm(**options)
        return _render(request, _context(request, form))

    form = CustomerForm(request.POST, **options)
    if not form.is_valid():
        return _render(request, _context(request, form))
    try:
        customer = services.customer_create(user=request.user, data=form.all_values())
    except LatePointError as exc:
        status, headers = _apply_upstream_error(form, exc, creating=True)
        return _render(request, _context(request, form), status=status, headers=headers)
    messages.success(request, f"Customer {customer.full_name or form.value_text('email')} created.")
    return _redirect(request, reverse("customers:detail", args=[customer.id]))


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

    try:
        conflict = services.customer_edit_conflict(
            customer_id=customer_id, original=original, custom_keys=form.custom_keys
        )
    except NotFound:
        raise Http404("No such customer.") from None
    except LatePointError as exc:
        status, headers = _apply_upstream_error(form, exc, creating=False)
        return _render(
            request,
            _context(request, form, _stub(customer_id, original)),
            status=status,
            headers=headers,
        )

    if conflict.fields:
        return _render_conflict(request, form, conflict, original, options)

    try:
        services.customer_update(
            user=request.user, customer_id=customer_id, original=original, changes=changes
        )
    except LatePointError as exc:
        status, headers = _apply_upstream_error(form, exc, creating=False)
        return _render(
            request,
            _context(request, form, conflict.customer),
            status=status,
            headers=headers,
        )
    messages.success(request, "Customer saved.")
    return _redirect(request, reverse("customers:detail", args=[customer_id]))


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
