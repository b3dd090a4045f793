"""Organisation pages: units and clients, members, organisation settings and API tokens.

Views are thin: a form parses the input, a service decides and writes (and records the audit
event), a selector reads. Every view goes through `@org_view(permission)`, which 404s for other
organisations and 403s for roles without the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from csm.accounts import roles, selectors, services
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.accounts.forms import (
    ApiTokenForm,
    ClientForm,
    MemberAddForm,
    MembershipRoleForm,
    OrganizationForm,
    UnitForm,
)
from csm.accounts.models import ClientOrganization, Unit
from csm.core.audit import history_for
from csm.core.errors import DomainError
from csm.core.forms import add_domain_errors

T = TypeVar("T")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": _actor(request).organization.slug, **kwargs})


def _submit(request: HttpRequest, form: forms.Form, write: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate a posted form and run the service on its data: the service's result, or None with
    the problems (the service's included) shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except DomainError as exc:
        add_domain_errors(form, exc)
        return None


def _history(request: HttpRequest, obj: Any) -> Any:
    return history_for(actor=_actor(request), obj=obj)


def _undo_rejected_changes(request: HttpRequest, obj: Any) -> None:
    # A rejected update leaves the unsaved values on the instance; show the stored ones instead.
    if request.method == "POST":
        obj.refresh_from_db()


# Units and clients -------------------------------------------------------------------------------

@org_view(roles.VIEW_ORG)
def units(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context = {
        "tree": selectors.unit_tree(actor=actor),
        "clients": selectors.list_clients(actor=actor),
        "can_edit": actor.can(roles.MANAGE_UNITS),
    }
    return render(request, "accounts/units.html", context)


@org_view(roles.MANAGE_UNITS)
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = UnitForm(request.POST or None, actor=actor)
    unit = _submit(request, form, lambda data: services.create_unit(actor=actor, **data))
    if unit is not None:
        messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
        return redirect(_url(request, "accounts:unit", unit_id=unit.pk))
    return render(request, "accounts/unit_form.html", {"form": form, "unit": None})


@org_view(roles.VIEW_ORG)
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.access_unit(actor=actor, unit_id=unit_id)
    context = {"unit": unit, "events": _history(request, unit), "can_edit": actor.can(roles.MANAGE_UNITS)}
    return render(request, "accounts/unit_detail.html", context)


def _unit_initial(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in services.UNIT_FIELDS}


@org_view(roles.MANAGE_UNITS)
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.access_unit(actor=actor, unit_id=unit_id)
    form = UnitForm(request.POST or None, actor=actor, unit=unit, initial=_unit_initial(unit))
    if _submit(request, form, lambda data: services.update_unit(actor=actor, unit=unit, **data)):
        messages.success(request, _("Unit saved."))
        return redirect(_url(request, "accounts:unit", unit_id=unit.pk))
    _undo_rejected_changes(request, unit)
    context = {"form": form, "unit": unit, "events": _history(request, unit)}
    return render(request, "accounts/unit_form.html", context)


@org_view(roles.MANAGE_UNITS)
def unit_delete(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.access_unit(actor=actor, unit_id=unit_id)
    if request.method == "POST":
        try:
            services.delete_unit(actor=actor, unit=unit)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
            return redirect(_url(request, "accounts:unit", unit_id=unit.pk))
        messages.success(request, _("Unit “%(name)s” deleted.") % {"name": unit.name})
        return redirect(_url(request, "accounts:units"))
    return render(request, "accounts/unit_confirm_delete.html", {"unit": unit})


@org_view(roles.MANAGE_UNITS)
def client_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ClientForm(request.POST or None)
    if _submit(request, form, lambda data: services.create_client(actor=actor, **data)):
        messages.success(request, _("Client organisation created."))
        return redirect(_url(request, "accounts:units"))
    return render(request, "accounts/client_form.html", {"form": form, "client": None})


@org_view(roles.MANAGE_UNITS)
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _actor(request)
    client: ClientOrganization = selectors.access_client(actor=actor, client_id=client_id)
    form = ClientForm(request.POST or None, initial={"name": client.name, "code": client.code})
    if _submit(request, form, lambda data: services.update_client(actor=actor, client=client, **data)):
        messages.success(request, _("Client organisation saved."))
        return redirect(_url(request, "accounts:units"))
    _undo_rejected_changes(request, client)
    context = {"form": form, "client": client, "events": _history(request, client)}
    return render(request, "accounts/client_form.html", context)


# Members ------------------------------------------------------------------------------------------

@org_view(roles.VIEW_ORG)
def members(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context = {
        "memberships": selectors.list_memberships(actor=actor).order_by("-is_active", "user__email"),
        "can_manage": actor.can(roles.MANAGE_MEMBERS),
    }
    return render(request, "accounts/members.html", context)


@org_view(roles.MANAGE_MEMBERS)
def member_add(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = MemberAddForm(request.POST or None)
    membership = _submit(request, form, lambda data: services.add_member(actor=actor, **data))
    if membership is not None:
        messages.success(request, _("%(person)s added.") % {"person": membership.user})
        return redirect(_url(request, "accounts:member", membership_id=membership.pk))
    return render(request, "accounts/member_add.html", {"form": form})


@org_view(roles.VIEW_ORG)
def member_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _actor(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    context = {
        "membership": membership,
        "events": _history(request, membership),
        "can_manage": actor.can(roles.MANAGE_MEMBERS),
    }
    return render(request, "accounts/member_detail.html", context)


@org_view(roles.MANAGE_MEMBERS)
def member_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _actor(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    saved = _submit(
        request, form, lambda data: services.update_membership(actor=actor, membership=membership, **data)
    )
    if saved:
        messages.success(request, _("Role changed."))
        return redirect(_url(request, "accounts:member", membership_id=membership.pk))
    _undo_rejected_changes(request, membership)
    context = {"form": form, "membership": membership, "events": _history(request, membership)}
    return render(request, "accounts/member_edit.html", context)


@require_POST
@org_view(roles.MANAGE_MEMBERS)
def member_set_active(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _actor(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    active = request.POST.get("is_active") == "1"
    try:
        services.update_membership(actor=actor, membership=membership, is_active=active)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Membership reactivated.") if active else _("Membership deactivated."))
    return redirect(_url(request, "accounts:member", membership_id=membership.pk))


# Organisation settings ------------------------------------------------------------------------------

@org_view(roles.MANAGE_MEMBERS)
def organization_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org = actor.organization
    initial = {name: getattr(org, name) for name in services.ORGANIZATION_FIELDS}
    form = OrganizationForm(request.POST or None, initial=initial)
    if _submit(request, form, lambda data: services.update_organization(actor=actor, **data)):
        messages.success(request, _("Organisation settings saved."))
        return redirect(_url(request, "accounts:settings"))
    _undo_rejected_changes(request, org)
    context = {"form": form, "organization": org, "events": _history(request, org)}
    return render(request, "accounts/settings.html", context)


# API tokens ----------------------------------------------------------------------------------------

def _api_root(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("api:api-root"))


@org_view(roles.USE_API)
def tokens(request: HttpRequest) -> HttpResponse:
    context = {"tokens": selectors.list_api_tokens(actor=_actor(request)), "form": ApiTokenForm()}
    return render(request, "accounts/tokens.html", context)


@never_cache
@org_view(roles.USE_API)
def token_create(request: HttpRequest) -> HttpResponse:
    """The raw secret is shown in this one response and never again: it is not stored anywhere."""
    actor = _actor(request)
    form = ApiTokenForm(request.POST or None)
    created = _submit(request, form, lambda data: services.create_api_token(actor=actor, **data))
    if created is not None:
        token, raw = created
        context = {"token": token, "raw_token": raw, "api_root": _api_root(request)}
        return render(request, "accounts/token_created.html", context)
    return render(request, "accounts/token_form.html", {"form": form})


@require_POST
@org_view(roles.USE_API)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = _actor(request)
    token = selectors.access_api_token(actor=actor, token_id=token_id)
    services.revoke_api_token(actor=actor, token=token)
    messages.success(request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name})
    return redirect(_url(request, "accounts:tokens"))
