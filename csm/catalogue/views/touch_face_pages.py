"""Touch faces (接触面): list, detail, create and edit with the service's touch points and lines as
checkboxes (a no-JS "show this service's points" button redraws them), delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.catalogue import selectors, services
from csm.catalogue.forms import (
    ServiceScopedFilterForm,
    TouchFaceForm,
    initial_for,
    initial_from_post,
    member_initial,
)
from csm.catalogue.models import TouchFace
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

TEMPLATE = "catalogue/touch_face_form.html"
MEMBER_FIELDS = ("touch_points", "touch_lines")


def _face_form(request: HttpRequest, actor: Actor, initial: dict[str, Any]) -> TouchFaceForm:
    if redraw_requested(request):
        return TouchFaceForm(actor=actor, initial=initial_from_post(request.POST, multiple=MEMBER_FIELDS))
    return TouchFaceForm(request.POST or None, actor=actor, initial=initial)


def _edit_initial(face: TouchFace) -> dict[str, Any]:
    return {
        **initial_for(face, TouchFaceForm),
        "touch_points": member_initial(tp.pk for tp in face.touch_points.all()),
        "touch_lines": member_initial(line.pk for line in face.touch_lines.all()),
    }


def _members(form: TouchFaceForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in ("touch_point_ids", "touch_line_ids")}


@org_view(roles.VIEW_CATALOGUE)
def touch_face_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = ServiceScopedFilterForm(request.GET, actor=actor)
    qs = filters.apply(selectors.list_touch_faces(actor=actor))
    context = {"filters": filters, "page": page_of(request, qs), **can_edit(request)}
    return render(request, "catalogue/touch_face_list.html", context)


@org_view(roles.VIEW_CATALOGUE)
def touch_face_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    face = selectors.access_touch_face(actor=actor, touch_face_id=pk)
    lines = with_step_points(selectors.list_touch_lines(actor=actor).filter(faces=face))
    context = detail_context(request, face, touch_points=face.touch_points.all(), touch_lines=lines)
    return render(request, "catalogue/touch_face_detail.html", context)


@org_view(roles.EDIT_CATALOGUE)
def touch_face_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _face_form(request, actor, {"service": request.GET.get("service")})
    return save_form(
        request, form,
        lambda: services.create_touch_face(actor=actor, **_members(form), **form.service_data()),
        template=TEMPLATE,
        context={"title": _("New touch face"), "cancel_url": org_url(request, "catalogue:touch_faces")},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_face_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    face = selectors.access_touch_face(actor=actor, touch_face_id=pk)
    form = _face_form(request, actor, _edit_initial(face))
    return save_form(
        request, form,
        lambda: services.update_touch_face(
            actor=actor, touch_face=face, **_members(form), **form.service_data()
        ),
        template=TEMPLATE,
        context={"title": _("Edit touch face"), "object": face,
                 "cancel_url": org_url(request, "catalogue:touch_face_detail", pk=face.pk)},
    )


@org_view(roles.EDIT_CATALOGUE)
def touch_face_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    face = selectors.access_touch_face(actor=actor, touch_face_id=pk)
    return confirm_delete(
        request, face, lambda: services.delete_touch_face(actor=actor, touch_face=face),
        list_url=org_url(request, "catalogue:touch_faces"),
    )
