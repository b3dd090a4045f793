"""Complaint configuration pages: a hub, and list / new / edit / delete pages for categories,
remedies, SLA policies, escalation tiers and jurisdiction presets, plus the settings page.

Anyone who may view complaints sees the hub and the lists; only `complaints.configure` opens the
forms. Every write goes through csm.complaints.config_services; its 422s and 409s come back as form
errors on the redrawn page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.complaints import config_selectors as selectors
from csm.complaints import config_services as services
from csm.complaints.config_forms import (
    CategoryForm,
    EscalationTierForm,
    PresetApplyForm,
    PresetForm,
    RemedyForm,
    SettingsForm,
    SlaPolicyForm,
    initial_for,
    settings_initial,
)
from csm.complaints.models import STATUS_LABELS
from csm.complaints.workflow import Status
from csm.core.audit import history_for
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors

FORM_TEMPLATE = "complaints/config/form.html"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"complaints:{name}", kwargs={"org_slug": _actor(request).organization.slug, **kwargs})


def _can_configure(request: HttpRequest) -> dict[str, bool]:
    return {"can_configure": _actor(request).can(roles.COMPLAINTS_CONFIGURE)}


def _save(request: HttpRequest, form: forms.BaseForm, write: Callable[[], Any], *, success_url: str,
          context: dict[str, Any], template: str = FORM_TEMPLATE) -> HttpResponse:
    """On a valid POST run `write` (a config service) and go to `success_url`; a service's
    InvalidInput or Conflict becomes form errors on the redrawn form."""
    if request.method == "POST" and form.is_valid():
        try:
            write()
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(success_url)
    return render(request, template, {"form": form, **context})


DELETE_URLS = {
    "complaints.complaintcategory": "config_category_delete",
    "complaints.remedy": "config_remedy_delete",
    "complaints.slapolicy": "config_sla_policy_delete",
    "complaints.escalationtier": "config_escalation_tier_delete",
    "complaints.jurisdictionpreset": "config_preset_delete",
}


def _form_context(request: HttpRequest, title: Any, list_name: str, list_label: Any,
                  obj: Model | None = None) -> dict[str, Any]:
    """Breadcrumbs, cancel link, and for an existing object its history and delete link."""
    context = {"title": title, "object": obj, "cancel_url": _url(request, list_name),
               "section_url": _url(request, list_name), "section_label": list_label}
    if obj is not None:
        context["events"] = history_for(actor=_actor(request), obj=obj)
        context["delete_url"] = _url(request, DELETE_URLS[obj._meta.label_lower], pk=obj.pk)
    return context


def _confirm_delete(request: HttpRequest, obj: Model, delete: Callable[[], None], *, list_name: str,
                    list_label: Any) -> HttpResponse:
    """GET asks; POST deletes and goes back to the list. A Conflict (still in use) is shown with
    status 409 and nothing is deleted."""
    refusal = ""
    if request.method == "POST":
        try:
            delete()
        except Conflict as exc:
            refusal = str(exc.detail)
        else:
            messages.success(request, _("Deleted."))
            return HttpResponseRedirect(_url(request, list_name))
    context = {"object": obj, "refusal": refusal, "cancel_url": _url(request, list_name),
               "section_url": _url(request, list_name), "section_label": list_label}
    return render(request, "complaints/config/confirm_delete.html", context, status=409 if refusal else 200)


# The hub ----------------------------------------------------------------------------------------

@org_view(roles.COMPLAINTS_VIEW)
def config_home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    settings = selectors.settings_for(actor=actor)
    counts = {
        "categories": selectors.list_categories(actor=actor).count(),
        "remedies": selectors.list_remedies(actor=actor).count(),
        "sla_policies": selectors.list_sla_policies(actor=actor).count(),
        "escalation_tiers": selectors.list_escalation_tiers(actor=actor).count(),
        "presets": selectors.list_presets(actor=actor).count(),
    }
    labels = {status.value: STATUS_LABELS[status] for status in Status}
    pause_labels = [labels[status] for status in settings.pause_statuses if status in labels]
    context = {"settings": settings, "counts": counts, "pause_labels": pause_labels, **_can_configure(request)}
    return render(request, "complaints/config/home.html", context)


# Categories -------------------------------------------------------------------------------------

CATEGORIES = _("Complaint categories")


@org_view(roles.COMPLAINTS_VIEW)
def category_list(request: HttpRequest) -> HttpResponse:
    context = {"categories": selectors.list_categories(actor=_actor(request)), **_can_configure(request)}
    return render(request, "complaints/config/categories.html", context)


@org_view(roles.COMPLAINTS_CONFIGURE)
def category_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = CategoryForm(request.POST or None, actor=actor)
    return _save(request, form, lambda: services.create_category(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_categories"),
                 context=_form_context(request, _("New category"), "config_categories", CATEGORIES))


@org_view(roles.COMPLAINTS_CONFIGURE)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    category = selectors.access_category(actor=actor, category_id=pk)
    form = CategoryForm(request.POST or None, actor=actor, initial=initial_for(category, CategoryForm))
    return _save(request, form,
                 lambda: services.update_category(actor=actor, category=category, **form.data_for_service()),
                 success_url=_url(request, "config_categories"),
                 context=_form_context(request, _("Edit category"), "config_categories", CATEGORIES, category))


@org_view(roles.COMPLAINTS_CONFIGURE)
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    category = selectors.access_category(actor=actor, category_id=pk)
    return _confirm_delete(request, category, lambda: services.delete_category(actor=actor, category=category),
                           list_name="config_categories", list_label=CATEGORIES)


# Remedies ---------------------------------------------------------------------------------------

REMEDIES = _("Remedies")


@org_view(roles.COMPLAINTS_VIEW)
def remedy_list(request: HttpRequest) -> HttpResponse:
    context = {"remedies": selectors.list_remedies(actor=_actor(request)), **_can_configure(request)}
    return render(request, "complaints/config/remedies.html", context)


@org_view(roles.COMPLAINTS_CONFIGURE)
def remedy_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = RemedyForm(request.POST or None, actor=actor)
    return _save(request, form, lambda: services.create_remedy(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_remedies"),
                 context=_form_context(request, _("New remedy"), "config_remedies", REMEDIES))


@org_view(roles.COMPLAINTS_CONFIGURE)
def remedy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    remedy = selectors.access_remedy(actor=actor, remedy_id=pk)
    form = RemedyForm(request.POST or None, actor=actor, initial=initial_for(remedy, RemedyForm))
    return _save(request, form,
                 lambda: services.update_remedy(actor=actor, remedy=remedy, **form.data_for_service()),
                 success_url=_url(request, "config_remedies"),
                 context=_form_context(request, _("Edit remedy"), "config_remedies", REMEDIES, remedy))


@org_view(roles.COMPLAINTS_CONFIGURE)
def remedy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    remedy = selectors.access_remedy(actor=actor, remedy_id=pk)
    return _confirm_delete(request, remedy, lambda: services.delete_remedy(actor=actor, remedy=remedy),
                           list_name="config_remedies", list_label=REMEDIES)


# SLA policies -----------------------------------------------------------------------------------

SLA_POLICIES = _("SLA policies")


@org_view(roles.COMPLAINTS_VIEW)
def sla_policy_list(request: HttpRequest) -> HttpResponse:
    context = {"policies": selectors.list_sla_policies(actor=_actor(request)), **_can_configure(request)}
    return render(request, "complaints/config/sla_policies.html", context)


@org_view(roles.COMPLAINTS_CONFIGURE)
def sla_policy_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = SlaPolicyForm(request.POST or None, actor=actor)
    return _save(request, form, lambda: services.create_sla_policy(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_sla_policies"),
                 context=_form_context(request, _("New SLA policy"), "config_sla_policies", SLA_POLICIES))


@org_view(roles.COMPLAINTS_CONFIGURE)
def sla_policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    policy = selectors.access_sla_policy(actor=actor, sla_policy_id=pk)
    form = SlaPolicyForm(request.POST or None, actor=actor, initial=initial_for(policy, SlaPolicyForm))
    return _save(request, form,
                 lambda: services.update_sla_policy(actor=actor, sla_policy=policy, **form.data_for_service()),
                 success_url=_url(request, "config_sla_policies"),
                 context=_form_context(request, _("Edit SLA policy"), "config_sla_policies", SLA_POLICIES, policy))


@org_view(roles.COMPLAINTS_CONFIGURE)
def sla_policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    policy = selectors.access_sla_policy(actor=actor, sla_policy_id=pk)
    return _confirm_delete(request, policy, lambda: services.delete_sla_policy(actor=actor, sla_policy=policy),
                           list_name="config_sla_policies", list_label=SLA_POLICIES)


# Escalation tiers -------------------------------------------------------------------------------

ESCALATION = _("Escalation ladder")


@org_view(roles.COMPLAINTS_VIEW)
def escalation_tier_list(request: HttpRequest) -> HttpResponse:
    context = {"tiers": selectors.list_escalation_tiers(actor=_actor(request)), **_can_configure(request)}
    return render(request, "complaints/config/escalation_tiers.html", context)


@org_view(roles.COMPLAINTS_CONFIGURE)
def escalation_tier_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    next_level = (selectors.list_escalation_tiers(actor=actor).values_list("level", flat=True).last() or 0) + 1
    form = EscalationTierForm(request.POST or None, actor=actor, initial={"level": next_level})
    return _save(request, form, lambda: services.create_escalation_tier(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_escalation_tiers"),
                 context=_form_context(request, _("New escalation tier"), "config_escalation_tiers", ESCALATION))


@org_view(roles.COMPLAINTS_CONFIGURE)
def escalation_tier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    tier = selectors.access_escalation_tier(actor=actor, escalation_tier_id=pk)
    form = EscalationTierForm(request.POST or None, actor=actor, initial=initial_for(tier, EscalationTierForm))
    return _save(
        request, form,
        lambda: services.update_escalation_tier(actor=actor, escalation_tier=tier, **form.data_for_service()),
        success_url=_url(request, "config_escalation_tiers"),
        context=_form_context(request, _("Edit escalation tier"), "config_escalation_tiers", ESCALATION, tier),
    )


@org_view(roles.COMPLAINTS_CONFIGURE)
def escalation_tier_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    tier = selectors.access_escalation_tier(actor=actor, escalation_tier_id=pk)
    return _confirm_delete(
        request, tier, lambda: services.delete_escalation_tier(actor=actor, escalation_tier=tier),
        list_name="config_escalation_tiers", list_label=ESCALATION,
    )


@org_view(roles.COMPLAINTS_CONFIGURE)
@require_POST
def escalation_standard_ladder(request: HttpRequest) -> HttpResponse:
    try:
        services.create_standard_ladder(actor=_actor(request))
    except Conflict as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The standard escalation ladder has been created."))
    return HttpResponseRedirect(_url(request, "config_escalation_tiers"))


# Jurisdiction presets ---------------------------------------------------------------------------

PRESETS = _("Jurisdiction presets")


@org_view(roles.COMPLAINTS_VIEW)
def preset_list(request: HttpRequest) -> HttpResponse:
    context = {"presets": selectors.list_presets(actor=_actor(request)), **_can_configure(request)}
    return render(request, "complaints/config/presets.html", context)


@org_view(roles.COMPLAINTS_CONFIGURE)
@require_POST
def presets_load(request: HttpRequest) -> HttpResponse:
    created = services.load_presets(actor=_actor(request))
    if created:
        messages.success(request, ngettext("%(count)d preset added.", "%(count)d presets added.", len(created))
                         % {"count": len(created)})
    else:
        messages.info(request, _("Every shipped preset is already here; nothing was changed."))
    return HttpResponseRedirect(_url(request, "config_presets"))


@org_view(roles.COMPLAINTS_CONFIGURE)
def preset_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PresetForm(request.POST or None, actor=actor)
    return _save(request, form, lambda: services.create_preset(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_presets"),
                 context=_form_context(request, _("New preset"), "config_presets", PRESETS))


@org_view(roles.COMPLAINTS_CONFIGURE)
def preset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    preset = selectors.access_preset(actor=actor, preset_id=pk)
    form = PresetForm(request.POST or None, actor=actor, initial=initial_for(preset, PresetForm))
    return _save(request, form,
                 lambda: services.update_preset(actor=actor, preset=preset, **form.data_for_service()),
                 success_url=_url(request, "config_presets"),
                 context=_form_context(request, _("Edit preset"), "config_presets", PRESETS, preset))


@org_view(roles.COMPLAINTS_CONFIGURE)
def preset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    preset = selectors.access_preset(actor=actor, preset_id=pk)
    return _confirm_delete(request, preset, lambda: services.delete_preset(actor=actor, preset=preset),
                           list_name="config_presets", list_label=PRESETS)


@org_view(roles.COMPLAINTS_CONFIGURE)
def preset_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose where the preset's SLA policy applies, then create it and go to the SLA policies."""
    actor = _actor(request)
    preset = selectors.access_preset(actor=actor, preset_id=pk)
    form = PresetApplyForm(request.POST or None, actor=actor)
    context = {**_form_context(request, _("Apply preset"), "config_presets", PRESETS), "preset": preset}
    return _save(request, form,
                 lambda: services.apply_preset(actor=actor, preset=preset, **form.data_for_service()),
                 success_url=_url(request, "config_sla_policies"), context=context,
                 template="complaints/config/preset_apply.html")


# Settings ---------------------------------------------------------------------------------------

@org_view(roles.COMPLAINTS_CONFIGURE)
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = SettingsForm(request.POST or None, actor=actor,
                        initial=settings_initial(selectors.settings_for(actor=actor)))
    context = {**_form_context(request, _("General settings"), "config_home", ""), "section_url": None}
    return _save(request, form, lambda: services.update_settings(actor=actor, **form.data_for_service()),
                 success_url=_url(request, "config_home"), context=context,
                 template="complaints/config/settings.html")
