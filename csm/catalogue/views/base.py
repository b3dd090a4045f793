"""What every catalogue page shares: reversing org URLs, lists with paging, the save and delete
round trips through csm.catalogue.services, and the context of a detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.catalogue.models import TouchLine, TouchLineStep
from csm.core.audit import history_for
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors

PER_PAGE = 50

DETAIL_URLS = {
    "catalogue.service": "catalogue:service_detail",
    "catalogue.touchpoint": "catalogue:touch_point_detail",
    "catalogue.touchline": "catalogue:touch_line_detail",
    "catalogue.touchface": "catalogue:touch_face_detail",
    "catalogue.servicecharacteristic": "catalogue:characteristic_detail",
}


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def org_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": actor_of(request).organization.slug, **kwargs})


def detail_url(request: HttpRequest, obj: Model) -> str:
    return org_url(request, DETAIL_URLS[obj._meta.label_lower], pk=obj.pk)


def page_of(request: HttpRequest, qs: QuerySet[Any]) -> Page:
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def with_step_points(lines: QuerySet[TouchLine]) -> QuerySet[TouchLine]:
    """Touch lines whose prefetched steps also carry their touch point, for pages that print the path."""
    steps = TouchLineStep.objects.order_by("position").select_related("touch_point")
    return lines.prefetch_related(None).prefetch_related(Prefetch("steps", queryset=steps))


def can_edit(request: HttpRequest) -> dict[str, bool]:
    return {"can_edit": actor_of(request).can(roles.EDIT_CATALOGUE)}


def detail_context(request: HttpRequest, obj: Model, **extra: Any) -> dict[str, Any]:
    events = history_for(actor=actor_of(request), obj=obj)
    return {"object": obj, "events": events, **can_edit(request), **extra}


def save_form(
    request: HttpRequest, form: forms.BaseForm, write: Callable[[], Model], *,
    template: str, context: dict[str, Any],
) -> HttpResponse:
    """On a valid POST run `write` (a catalogue service) and go to the saved object's page; a
    service's InvalidInput or Conflict becomes form errors on the redrawn form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = write()
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)  # type: ignore[arg-type]  # it only needs BaseForm's API
        else:
            messages.success(request, _("Saved."))
            return redirect(detail_url(request, obj))
    return render(request, template, {"form": form, **context})


def confirm_delete(
    request: HttpRequest, obj: Model, delete: Callable[[], None], *, list_url: str
) -> HttpResponse:
    """GET asks; POST deletes and goes back to the list. When other records still refer to the
    object (Conflict) the page says so with status 409 and nothing is deleted."""
    refused = False
    if request.method == "POST":
        try:
            delete()
        except Conflict:
            refused = True
        else:
            messages.success(request, _("Deleted."))
            return HttpResponseRedirect(list_url)
    context = {"object": obj, "refused": refused, "cancel_url": detail_url(request, obj)}
    return render(request, "catalogue/confirm_delete.html", context, status=409 if refused else 200)


def redraw_requested(request: HttpRequest) -> bool:
    """True when the user asked for another step row or the points of another service, not to save."""
    return request.method == "POST" and ("add_step" in request.POST or "refresh" in request.POST)
