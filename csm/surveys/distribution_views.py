"""Staff pages of distribution (SURVEYS_MANAGE): the surveys to distribute, and per survey its public
link, posters and kiosk, the contact-list upload, the invitations and their live counts, the
quotas; and the erasure of a contact. Every write goes through a service; a refused upload redraws
the page with each bad row (status 422) and writes nothing."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core.errors import Conflict, DomainError, InvalidInput
from csm.core.forms import add_domain_errors
from csm.core.pagination import Page, decode_cursor, encode_cursor
from csm.surveys import distribution_selectors as selectors
from csm.surveys import links
from csm.surveys.distribution_forms import ContactUploadForm, QuotaForm
from csm.surveys.models import Invitation, Survey, SurveyStatus
from csm.surveys.selectors import access_survey
from csm.surveys.services import quotas, retention
from csm.surveys.services.distribution import ContactListInvalid, import_contacts

TEMPLATES = "surveys/distribution/"
PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": _actor(request).organization.slug, **kwargs})


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return access_survey(actor=_actor(request), survey_id=survey_id)


def _language(survey: Survey) -> str:
    languages = (survey.current_version.content.get("languages") if survey.current_version else None) or ["en"]
    current = (get_language() or "en").lower()
    return next((language for language in languages if language.lower() == current), languages[0])


def newest_first(queryset: QuerySet[Invitation], *, cursor: str | None) -> Page[Invitation]:
    """A page of invitations, newest first: keyset pages on the id, downwards (a bad cursor: the
    first page)."""
    if cursor:
        with contextlib.suppress(InvalidInput):
            queryset = queryset.filter(pk__lt=decode_cursor(cursor))
    rows = list(queryset.order_by("-pk")[:PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more else None)


@org_view(roles.SURVEYS_MANAGE)
def invitations(request: HttpRequest) -> HttpResponse:
    """The organisation's surveys that can be distributed, each with its counts."""
    return render(request, TEMPLATES + "surveys.html",
                  {"surveys": selectors.distribution_overview(actor=_actor(request))})


def _page(request: HttpRequest, survey: Survey, *, status: int = 200, **extra: Any) -> HttpResponse:
    actor = _actor(request)
    page = newest_first(selectors.list_invitations(actor=actor, survey=survey), cursor=request.GET.get("cursor"))
    rows = [(invitation, selectors.invitation_status(invitation)) for invitation in page.items]
    context = {
        "survey": survey, "public_url": links.public_url(survey), "kiosk_url": links.kiosk_url(survey),
        "counts": selectors.distribution_counts(actor=actor, survey=survey), "invitations": rows,
        "next_cursor": page.next_cursor, "quotas": selectors.list_quotas(actor=actor, survey=survey),
        "upload_form": ContactUploadForm(), "quota_form": QuotaForm(survey=survey, language=_language(survey)),
        "can_invite": survey.status == SurveyStatus.OPEN,
        **extra,
    }
    return render(request, TEMPLATES + "survey.html", context, status=status)


@org_view(roles.SURVEYS_MANAGE)
def distribution(request: HttpRequest, survey_id: int) -> HttpResponse:
    return _page(request, _survey(request, survey_id))


@org_view(roles.SURVEYS_MANAGE)
def distribution_counts(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The live counts alone, for the page to refresh (htmx)."""
    survey = _survey(request, survey_id)
    counts = selectors.distribution_counts(actor=_actor(request), survey=survey)
    return render(request, TEMPLATES + "_counts.html", {"survey": survey, "counts": counts})


@require_POST
@org_view(roles.SURVEYS_MANAGE)
def upload_contacts(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    form = ContactUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, survey, status=422, upload_form=form)
    try:
        result = import_contacts(actor=_actor(request), survey=survey, content=form.cleaned_data["file"])
    except ContactListInvalid as exc:
        return _page(request, survey, status=422, upload_form=form, row_errors=exc.row_errors)
    except Conflict as exc:
        form.add_error(None, str(exc.detail))
        return _page(request, survey, status=409, upload_form=form)
    messages.success(request, _("%(invited)d invited (%(new)d new contacts). Not invited: %(opted_out)d opted out, "
                                "%(again)d already invited.") % {
        "invited": result.invited, "new": result.new_contacts, "opted_out": result.opted_out,
        "again": result.already_invited})
    return HttpResponseRedirect(_url(request, "distribution", survey_id=survey.pk))


@require_POST
@org_view(roles.SURVEYS_MANAGE)
def add_quota(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    form = QuotaForm(request.POST, survey=survey, language=_language(survey))
    if form.is_valid():
        try:
            quotas.add_quota(actor=_actor(request), survey=survey, **form.cleaned_data)
        except InvalidInput as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Quota added."))
            return HttpResponseRedirect(_url(request, "distribution", survey_id=survey.pk) + "#quotas")
    return _page(request, survey, status=422, quota_form=form)


@require_POST
@org_view(roles.SURVEYS_MANAGE)
def delete_quota(request: HttpRequest, survey_id: int, quota_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    quota = selectors.access_quota(actor=_actor(request), quota_id=quota_id)
    if quota.survey_id == survey.pk:
        quotas.delete_quota(actor=_actor(request), quota=quota)
        messages.success(request, _("Quota deleted."))
    return HttpResponseRedirect(_url(request, "distribution", survey_id=survey.pk) + "#quotas")


@require_POST
@org_view(roles.SURVEYS_MANAGE)
def erase_contact(request: HttpRequest, survey_id: int, contact_id: int) -> HttpResponse:
    """A data subject's request: erase the contact's details and the words of their responses."""
    survey = _survey(request, survey_id)
    contact = selectors.access_contact(actor=_actor(request), contact_id=contact_id)
    try:
        retention.erase_contact(actor=_actor(request), contact=contact)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The contact's personal data was erased."))
    return HttpResponseRedirect(_url(request, "distribution", survey_id=survey.pk) + "#invitations")
