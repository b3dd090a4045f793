"""The item bank: reusable questions tied to the blueprint's characteristics and touch points, each
worded in English, Polish and Chinese. A survey copies an item's words when it uses it, so editing
the bank never changes a published version."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors
from csm.surveys import selectors
from csm.surveys.forms import ItemFilterForm, ItemForm
from csm.surveys.manage_views.base import actor_of, org_url
from csm.surveys.services import authoring

PER_PAGE = 50


@org_view(roles.SURVEYS_MANAGE)
def item_list(request: HttpRequest) -> HttpResponse:
    filters = ItemFilterForm(request.GET)
    items = filters.apply(selectors.list_items(actor=actor_of(request)))
    return render(request, "surveys/manage/item_list.html", {
        "filters": filters, "page": Paginator(items, PER_PAGE).get_page(request.GET.get("page"))})


@org_view(roles.SURVEYS_MANAGE)
def item_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ItemForm(request.POST or None, actor=actor, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            authoring.create_item(actor=actor, data=form.service_data())
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The item is added to the bank."))
            return redirect(org_url(request, "surveys:items"))
    return render(request, "surveys/manage/item_form.html", {
        "form": form, "title": _("New item"), "cancel_url": org_url(request, "surveys:items")})


@org_view(roles.SURVEYS_MANAGE)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_item(actor=actor, item_id=pk)
    form = ItemForm(request.POST or None, actor=actor, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            authoring.update_item(actor=actor, item=item, data=form.service_data())
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(org_url(request, "surveys:items"))
    return render(request, "surveys/manage/item_form.html", {
        "form": form, "title": _("Edit item %(code)s") % {"code": item.code}, "item": item,
        "cancel_url": org_url(request, "surveys:items")})
