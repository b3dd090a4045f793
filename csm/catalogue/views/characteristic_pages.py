"""Service characteristics (服务特性): list grouped by category (tangible / intangible), detail,
create and edit with the linked touch points as checkboxes grouped by service, delete."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.catalogue import selectors, services
from csm.catalogue.forms import CharacteristicFilterForm, CharacteristicForm, initial_for, member_initial
from csm.catalogue.views.base import (
    actor_of,
    can_edit,
    confirm_delete,
    detail_context,
    org_url,
    page_of,
    save_form,
)

TEMPLATE = "catalogue/characteristic_form.html"


@org_view(roles.VIEW_CATALOGUE)
def characteristic_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = CharacteristicFilterForm(request.GET, actor=actor)
    qs = (
        filters.apply(selectors.list_characteristics(actor=actor))
        .prefetch_related(None)
        .annotate(touch_point_count=Count("touch_points"))
        .order_by("-category", "kind", "name", "id")  # "tangible" sorts after "intangible": tangible first
    )
    context = {"filters": filters, "page": page_of(request, qs), **can_edit(request)}
    return render(request, "catalogue/characteristic_list.html", context)


@org_view(roles.VIEW_CATALOGUE)
def characteristic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_characteristic(actor=actor, characteristic_id=pk)
    points = selectors.list_touch_points(actor=actor).filter(characteristics=item).select_related("service")
    context = detail_context(request, item, touch_points=points)
    return render(request, "catalogue/characteristic_detail.html", context)


@org_view(roles.EDIT_CATALOGUE)
def characteristic_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = CharacteristicForm(request.POST or None, actor=actor)
    return save_form(
        request, form,
        lambda: services.create_characteristic(
            actor=actor, touch_point_ids=form.cleaned_data["touch_point_ids"], **form.service_data()
        ),
        template=TEMPLATE,
        context={"title": _("New service characteristic"),
                 "cancel_url": org_url(request, "catalogue:characteristics")},
    )


@org_view(roles.EDIT_CATALOGUE)
def characteristic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_characteristic(actor=actor, characteristic_id=pk)
    initial = {**initial_for(item, CharacteristicForm),
               "touch_points": member_initial(tp.pk for tp in item.touch_points.all())}
    form = CharacteristicForm(request.POST or None, actor=actor, initial=initial)
    return save_form(
        request, form,
        lambda: services.update_characteristic(
            actor=actor, characteristic=item, touch_point_ids=form.cleaned_data["touch_point_ids"],
            **form.service_data(),
        ),
        template=TEMPLATE,
        context={"title": _("Edit service characteristic"), "object": item,
                 "cancel_url": org_url(request, "catalogue:characteristic_detail", pk=item.pk)},
    )


@org_view(roles.EDIT_CATALOGUE)
def characteristic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_characteristic(actor=actor, characteristic_id=pk)
    return confirm_delete(
        request, item, lambda: services.delete_characteristic(actor=actor, characteristic=item),
        list_url=org_url(request, "catalogue:characteristics"),
    )
