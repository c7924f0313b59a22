"""Staff notes on the customer profile: add (`POST /customers/<id>/notes/`), edit and pin.

With HTMX each answers with the notes section (`notes/customer_notes.html`), swapped in place;
without JavaScript a write redirects back to the profile, and a form that fails comes back on
the whole profile with every value typed and the field's message. Nothing is written then.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import audit_customer_names
from customers.profile_views import profile_response
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.middleware import add_client_event
from notes import services
from notes.forms import NoteEditForm, NoteForm
from notes.models import Note
from notes.sections import NOTES_TARGET, customer_name_from, notes_section_context

TEMPLATE = "notes/customer_notes.html"
#: The htmx event a note write sends: the profile's timeline refreshes itself on it.
NOTES_CHANGED = "notes-changed"


def _customer_name(request: HtmxHttpRequest, customer_id: int) -> str:
    """The customer's name as the profile showed it (posted with the form, signed for this
    customer), for the audit trail; else the name the front office last knew (no call)."""
    posted = customer_name_from(request.POST.get("customer_name"), customer_id)
    return posted or audit_customer_names([customer_id]).get(customer_id, "")


def _profile_url(customer_id: int, anchor: str = NOTES_TARGET, query: str = "") -> str:
    url = reverse("customers:detail", args=[customer_id])
    return f"{url}{'?' + query if query else ''}#{anchor}"


def _answer(
    request: HtmxHttpRequest,
    customer_id: int,
    section: dict,
    *,
    done: str = "",
    anchor: str = NOTES_TARGET,
    status: int = 200,
) -> HttpResponse:
    """The notes section (HTMX); without JavaScript, back to the profile after a write, or the
    profile with the form that failed."""
    if wants_fragment(request):
        # The alert at the top of the profile follows a pin or an unpin too, and after a
        # write the timeline asks for itself again (no call: the profile's read is cached).
        response = TemplateResponse(
            request, TEMPLATE, {**section, "notes_oob": True}, status=status
        )
        if status < 400:
            add_client_event(response, NOTES_CHANGED, {})
        return response
    if status < 400:
        if done:
            messages.success(request, done)
        return HttpResponseRedirect(_profile_url(customer_id, anchor))
    return profile_response(request, customer_id, extra=section, status=status)


def _customer_or_404(customer_id: int) -> None:
    if services.customer_gone(customer_id):
        raise Http404(f"LatePoint has no customer #{customer_id}: the note was not written.")


def _note_or_404(customer_id: int, note_id: int) -> Note:
    note = services.note_get(customer_id=customer_id, note_id=note_id)
    if note is None:
        raise Http404("This customer has no such note.")
    return note


def _refused(request: HtmxHttpRequest, customer_id: int, name: str, text: str) -> HttpResponse:
    """Someone who may not change the note: 403, with the section saying why."""
    section = notes_section_context(
        user=request.user, customer_id=customer_id, customer_name=name, message=text
    )
    section["notes_error"] = True
    if not wants_fragment(request):
        messages.error(request, text)
    return _answer(request, customer_id, section, status=403)


@require_POST
@vary_on_htmx
def note_add(request: HtmxHttpRequest, customer_id: int) -> HttpResponse:
    """Write a note (`text`, `pinned`) on the customer's profile."""
    _customer_or_404(customer_id)
    name = _customer_name(request, customer_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        section = notes_section_context(
            user=request.user, customer_id=customer_id, customer_name=name, form=form
        )
        return _answer(request, customer_id, section, status=400)
    pinned = form.cleaned_data["pinned"]
    note = services.note_add(
        user=request.user,
        customer_id=customer_id,
        customer_name=name,
        text=form.cleaned_data["text"],
        pinned=pinned,
    )
    done = "Note added and pinned as an alert." if pinned else "Note added."
    section = notes_section_context(
        user=request.user, customer_id=customer_id, customer_name=name, message=done
    )
    return _answer(request, customer_id, section, done=done, anchor=f"note-{note.pk}")


@require_http_methods(["GET", "POST"])
@vary_on_htmx
def note_edit(request: HtmxHttpRequest, customer_id: int, note_id: int) -> HttpResponse:
    """GET: the note's edit form (in the section; without JavaScript, on the profile).
    POST: its new `text`, the earlier text kept."""
    note = _note_or_404(customer_id, note_id)
    name = _customer_name(request, customer_id)
    if not services.note_may_edit(request.user, note):
        return _refused(
            request, customer_id, name, "Only the note's author or a manager can edit it."
        )
    if request.method == "GET":
        if not wants_fragment(request):
            url = _profile_url(customer_id, f"note-{note.pk}", f"edit_note={note.pk}")
            return HttpResponseRedirect(url)
        section = notes_section_context(
            user=request.user, customer_id=customer_id, customer_name=name, edit_note_id=note.pk
        )
        return TemplateResponse(request, TEMPLATE, section)
    form = NoteEditForm(request.POST)
    if not form.is_valid():
        section = notes_section_context(
            user=request.user,
            customer_id=customer_id,
            customer_name=name,
            edit_note_id=note.pk,
            edit_form=form,
        )
        return _answer(request, customer_id, section, status=400)
    services.note_edit(
        user=request.user, note=note, text=form.cleaned_data["text"], customer_name=name
    )
    done = "Note edited: its earlier text is kept."
    section = notes_section_context(
        user=request.user, customer_id=customer_id, customer_name=name, message=done
    )
    return _answer(request, customer_id, section, done=done, anchor=f"note-{note.pk}")


@require_POST
@vary_on_htmx
def note_pin(request: HtmxHttpRequest, customer_id: int, note_id: int) -> HttpResponse:
    """Pin the note as an alert (`pinned=1`) or unpin it (`pinned=0`)."""
    note = _note_or_404(customer_id, note_id)
    name = _customer_name(request, customer_id)
    if not services.note_may_edit(request.user, note):
        return _refused(
            request, customer_id, name, "Only the note's author or a manager can pin or unpin it."
        )
    pinned = request.POST.get("pinned") in ("1", "on", "true")
    services.note_pin(user=request.user, note=note, pinned=pinned, customer_name=name)
    done = (
        "Note pinned: it shows as an alert wherever this customer is."
        if pinned
        else ("Note unpinned: it no longer shows as an alert.")
    )
    section = notes_section_context(
        user=request.user, customer_id=customer_id, customer_name=name, message=done
    )
    return _answer(request, customer_id, section, done=done, anchor=f"note-{note.pk}")
