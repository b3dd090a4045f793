"""The audit-trail page and its CSV export: the same filters (object type, action, actor, dates in
the organisation's time zone), newest first on the page, oldest first in the file."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core import selectors
from csm.core.audit_csv import csv_response
from csm.core.calendar_forms import AuditFilterForm
from csm.core.models import AuditEvent

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    """The filter form bound to the query string, and the matching events (none if it is invalid)."""
    actor = _actor(request)
    form = AuditFilterForm(request.GET or None, actor=actor)
    if form.is_bound and not form.is_valid():
        return form, AuditEvent.objects.none()
    filters = form.audit_filter(ZoneInfo(actor.organization.timezone)) if form.is_bound else selectors.AuditFilter()
    return form, selectors.filter_audit_events(actor=actor, filters=filters)


@org_view(roles.VIEW_AUDIT)
def audit(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "core/audit.html", context)


@org_view(roles.VIEW_AUDIT)
def audit_csv(request: HttpRequest) -> HttpResponse:
    _, events = _filtered(request)
    # A streamed response is no HttpResponse subclass, but org_view passes it through untouched.
    return csv_response(events, filename=f"audit-{_actor(request).organization.slug}.csv")  # type: ignore[return-value]
