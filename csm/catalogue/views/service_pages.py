"""Services: list, detail, create, edit, delete."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.catalogue import selectors, services
from csm.catalogue.forms import ServiceFilterForm, ServiceForm, initial_for
from csm.catalogue.views.base import (
    actor_of,
    can_edit,
    confirm_delete,
    detail_context,
    org_url,
    page_of,
    save_form,
    with_step_points,
)


@org_view(roles.VIEW_CATALOGUE)
def service_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = ServiceFilterForm(request.GET, actor=actor)
    qs = (
        filters.apply(selectors.list_services(actor=actor))
        .annotate(touch_point_count=Count("touch_points"))
        .order_by("name", "id")
    )
    context = {"filters": filters, "page": page_of(request, qs), **can_edit(request)}
    return render(request, "catalogue/service_list.html", context)


@org_view(roles.VIEW_CATALOGUE)
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    service = selectors.access_service(actor=actor, service_id=pk)
    context = detail_context(
        request, service,
        touch_points=selectors.list_touch_points(actor=actor).filter(service=service).select_related("unit"),
        touch_lines=with_step_points(selectors.list_touch_lines(actor=actor).filter(service=service)),
        touch_faces=selectors.list_touch_faces(actor=actor).filter(service=service),
    )
    return render(request, "catalogue/service_detail.html", context)


@org_view(roles.EDIT_CATALOGUE)
def service_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ServiceForm(request.POST or None, actor=actor)
    return save_form(
        request, form, lambda: services.create_service(actor=actor, **form.service_data()),
        template="catalogue/form.html",
        context={"title": _("New service"), "cancel_url": org_url(request, "catalogue:services")},
    )


@org_view(roles.EDIT_CATALOGUE)
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    service = selectors.access_service(actor=actor, service_id=pk)
    form = ServiceForm(request.POST or None, actor=actor, initial=initial_for(service, ServiceForm))
    return save_form(
        request, form, lambda: services.update_service(actor=actor, service=service, **form.service_data()),
        template="catalogue/form.html",
        context={"title": _("Edit service"), "object": service,
                 "cancel_url": org_url(request, "catalogue:service_detail", pk=service.pk)},
    )


@org_view(roles.EDIT_CATALOGUE)
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    service = selectors.access_service(actor=actor, service_id=pk)
    return confirm_delete(
        request, service, lambda: services.delete_service(actor=actor, service=service),
        list_url=org_url(request, "catalogue:services"),
    )
