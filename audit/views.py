"""The audit trail screen (/audit/): who changed what, when, and how it ended. Managers only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from audit.models import AuditEntry
from audit.services import audit_customer_names
from audit.tables import AuditFilterForm, AuditTable
from frontoffice.http import HtmxHttpRequest, render, vary_on_htmx, wants_fragment
from frontoffice.roles import manager_required

PER_PAGE = 50


@manager_required
@require_GET
@vary_on_htmx
def audit_list(request: HtmxHttpRequest) -> TemplateResponse:
    form = AuditFilterForm(request.GET)
    entries = form.filter(AuditEntry.objects.all())
    table = AuditTable(entries)
    RequestConfig(request, paginate=False).configure(table)
    # The page size is ours: a `per_page` in the address is not read (a negative one broke
    # paging). A page number that is not one, or is out of range, shows the first or last page.
    table.paginator = Paginator(table.rows, PER_PAGE)
    table.page = table.paginator.get_page(request.GET.get("page"))
    # Names for this page's customers, from what the front office already knows: no call.
    table.customer_names = audit_customer_names(
        row.record.customer_id for row in table.page.object_list if not row.record.customer_name
    )
    fragment = wants_fragment(request)
    context = {"form": form, "table": table, "fragment": fragment}
    return render(request, "audit/audit.html", context, partial="audit-table")
