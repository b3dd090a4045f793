"""Touch points (接触点): a filtered, paged list that stays a constant number of queries, detail,
create, edit, delete."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.catalogue import selectors, services
from csm.catalogue.forms import TouchPointFilterForm, TouchPointForm, initial_for
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
def touch_point_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = TouchPointFilterForm(request.GET, actor=actor)
    qs = filters.apply(selectors.list_touch_points(actor=actor)).select_related("service", "unit")
    context = {"filters": filters, "page": page_of(request, qs), **can_edit(request)}
    return render(request, "catalogue/touch_point_list.html", context)


@org_view(roles.VIEW_CATALOGUE)
def touch_point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    point = selectors.access_touch_point(actor=actor, touch_point_id=pk)
    on_point = Q(touch_points=point) | Q(touch_lines__steps__touch_point=point)
    context = detail_context(
        request, point,
        characteristics=selectors.list_characteristics(actor=actor).filter(touch_points=point).prefetch_related(None),
        touch_lines=with_step_points(selectors.list_touch_lines(actor=actor).filter(steps__touch_point=point).distinct()),
        touch_faces=selectors.list_touch_faces(actor=actor).filter(on_point).distinct().prefetch_related(None),
    )
    return render(request, "catalogue/touch_point_detail.html", context)


@org_view(roles.EDIT_CATALOGUE)
def touch_point_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TouchPointForm(request.POST or None, actor=actor, initial={"service": request.GET.get("service")})
    return save_form(
        request, form, lambda: services.create_touch_point(actor=actor, **form.service_data()),
        template="catalogue/form.html",
        context={"title": _("New touch point"), "cancel_url": org_url(request, "catalogue:touch_points")},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    point = selectors.access_touch_point(actor=actor, touch_point_id=pk)
    form = TouchPointForm(request.POST or None, actor=actor, initial=initial_for(point, TouchPointForm))
    return save_form(
        request, form,
        lambda: services.update_touch_point(actor=actor, touch_point=point, **form.service_data()),
        template="catalogue/form.html",
        context={"title": _("Edit touch point"), "object": point,
                 "cancel_url": org_url(request, "catalogue:touch_point_detail", pk=point.pk)},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    point = selectors.access_touch_point(actor=actor, touch_point_id=pk)
    return confirm_delete(
        request, point, lambda: services.delete_touch_point(actor=actor, touch_point=point),
        list_url=org_url(request, "catalogue:touch_points"),
    )
