"""The customer list at /customers/ and its CSV export."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from customers import services
from customers.filters import MORE_FILTERS, CustomerFilterForm, ListQuery
from customers.tables import SORT_NOTE, CustomerTable
from exports import views as export_views
from frontoffice.http import HtmxHttpRequest, vary_on_htmx, wants_fragment
from frontoffice.pagination import page_links
from frontoffice.roles import is_manager, manager_required
from latepoint.models import Customer, Page
from upstream.failures import Failure, describe


def _fetch(query: ListQuery) -> Page[Customer]:
    page = services.customer_list(filters=query.filters, page=query.page, per_page=query.per_page)
    if not page.items and page.total_pages >= 1 and query.page > page.total_pages:
        # A bookmarked or typed page past the end: show the last page instead.
        query.notices.append(
            f"There is no page {query.page}: showing the last page, {page.total_pages}."
        )
        query.page = page.total_pages
        page = services.customer_list(
            filters=query.filters, page=query.page, per_page=query.per_page
        )
    if isinstance(page, services.SiftedPage) and page.cut_short:
        query.notices.append(
            f"More than {services.SIFT_PAGE} customers have “{page.term}” in their name or "
            f"email: these are the matches among the newest {services.SIFT_PAGE}. Type more of "
            "a name to find an older customer."
        )
    return page


@require_GET
@vary_on_htmx
def customer_list(request: HtmxHttpRequest) -> TemplateResponse:
    query = CustomerFilterForm(request.GET).list_query()
    context: dict = {
        "query": query,
        "sort_note": SORT_NOTE,
        "can_export": is_manager(request.user),
        "export_query": query.querystring(page=None, per_page=None).lstrip("?"),
        "clear_url": reverse("customers:list"),
    }
    error = None
    try:
        page = _fetch(query)
    except Failure as exc:
        error = describe(exc)
        context.update(error_title=error.title, error_message=error.message)
    else:
        context.update(
            page=page,
            table=CustomerTable(list(page.items)),
            pagination=page_links(
                page, lambda n: reverse("customers:list") + query.querystring(page=n)
            ),
        )
    # After _fetch(): a page past the end has been corrected by then.
    context["list_url"] = reverse("customers:list") + query.querystring()

    status = error.status if error else 200
    if wants_fragment(request):
        response = TemplateResponse(
            request, "customers/list.html#customer-table", context, status=status
        )
        # The address bar shows the corrected, tidy query rather than the form's raw one.
        push_url(response, context["list_url"])
    else:
        # Shown again with the corrected values, so nothing ignored lingers in the form.
        form = CustomerFilterForm(query.params())
        context.update(form=form, more_fields=[form[name] for name in MORE_FILTERS])
        response = TemplateResponse(request, "customers/list.html", context, status=status)
    if error:
        error.apply_headers(response)
    return response


@require_GET
@manager_required
def customer_export(request: HtmxHttpRequest) -> TemplateResponse:
    """The export of the customers the list's filters select, asked for by address."""
    return export_views.confirm(request, "customers")
