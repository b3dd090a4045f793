"""Touch lines (接触线): list, detail with the ordered steps, create and edit with one select per
step (a no-JS "add a step" button posts back for one more row), delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.catalogue import selectors, services
from csm.catalogue.forms import ServiceScopedFilterForm, TouchLineForm, initial_for, initial_from_post
from csm.catalogue.models import TouchLine
from csm.catalogue.views.base import (
    actor_of,
    can_edit,
    confirm_delete,
    detail_context,
    org_url,
    page_of,
    redraw_requested,
    save_form,
    with_step_points,
)

TEMPLATE = "catalogue/touch_line_form.html"


def _step_count(request: HttpRequest, default: int) -> int:
    if request.method != "POST":
        return default
    try:
        count = int(request.POST.get("step_count") or default)
    except ValueError:
        count = default
    return count + ("add_step" in request.POST)


def _line_form(
    request: HttpRequest, actor: Actor, initial: dict[str, Any], default_steps: int
) -> TouchLineForm:
    steps = _step_count(request, default_steps)
    if redraw_requested(request):
        return TouchLineForm(actor=actor, steps=steps, initial=initial_from_post(request.POST))
    return TouchLineForm(request.POST or None, actor=actor, steps=steps, initial=initial)


def _edit_initial(line: TouchLine) -> dict[str, Any]:
    initial = initial_for(line, TouchLineForm)
    for number, step in enumerate(line.steps.all(), start=1):
        initial[f"step_{number}"] = str(step.touch_point_id)
    return initial


@org_view(roles.VIEW_CATALOGUE)
def touch_line_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = ServiceScopedFilterForm(request.GET, actor=actor)
    qs = with_step_points(filters.apply(selectors.list_touch_lines(actor=actor)))
    context = {"filters": filters, "page": page_of(request, qs), **can_edit(request)}
    return render(request, "catalogue/touch_line_list.html", context)


@org_view(roles.VIEW_CATALOGUE)
def touch_line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    line = selectors.access_touch_line(actor=actor, touch_line_id=pk)
    faces = selectors.list_touch_faces(actor=actor).filter(touch_lines=line).prefetch_related(None)
    steps = line.steps.select_related("touch_point").order_by("position")
    context = detail_context(request, line, steps=steps, touch_faces=faces)
    return render(request, "catalogue/touch_line_detail.html", context)


@org_view(roles.EDIT_CATALOGUE)
def touch_line_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _line_form(request, actor, {"service": request.GET.get("service")}, default_steps=3)
    return save_form(
        request, form,
        lambda: services.create_touch_line(
            actor=actor, touch_point_ids=form.cleaned_data["touch_point_ids"], **form.service_data()
        ),
        template=TEMPLATE,
        context={"title": _("New touch line"), "cancel_url": org_url(request, "catalogue:touch_lines")},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    line = selectors.access_touch_line(actor=actor, touch_line_id=pk)
    form = _line_form(request, actor, _edit_initial(line), default_steps=len(line.steps.all()) + 1)
    return save_form(
        request, form,
        lambda: services.update_touch_line(
            actor=actor, touch_line=line, touch_point_ids=form.cleaned_data["touch_point_ids"],
            **form.service_data(),
        ),
        template=TEMPLATE,
        context={"title": _("Edit touch line"), "object": line,
                 "cancel_url": org_url(request, "catalogue:touch_line_detail", pk=line.pk)},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    line = selectors.access_touch_line(actor=actor, touch_line_id=pk)
    return confirm_delete(
        request, line, lambda: services.delete_touch_line(actor=actor, touch_line=line),
        list_url=org_url(request, "catalogue:touch_lines"),
    )
