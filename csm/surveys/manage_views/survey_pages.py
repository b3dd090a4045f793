"""The quality manager's survey pages: the list, a new survey from a starter, a survey's page (its
settings, status, versions, links and counts), its settings form, and the status and publish
buttons, each a POST through csm.surveys.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors
from csm.surveys import instrument, selectors
from csm.surveys.forms import SETTINGS_FIELDS, SurveyCreateForm, SurveyFilterForm, SurveyForm
from csm.surveys.manage_views.base import actor_of, org_url, public_links
from csm.surveys.models import Survey, SurveyStatus
from csm.surveys.services import authoring

PER_PAGE = 50
# The buttons of each move the services allow (authoring.MOVES), in the order shown.
STATUS_ACTIONS = {SurveyStatus.CLOSED: "close", SurveyStatus.OPEN: "reopen", SurveyStatus.ARCHIVED: "archive"}


@org_view(roles.SURVEYS_VIEW)
def survey_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = SurveyFilterForm(request.GET)
    surveys = filters.apply(selectors.list_surveys(actor=actor)).defer(
        "draft", "current_version__content", "current_version__spec").order_by("-created_at", "-id")
    page = Paginator(surveys, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "surveys/manage/survey_list.html", {
        "filters": filters, "page": page, "can_manage": actor.can(roles.SURVEYS_MANAGE)})


@org_view(roles.SURVEYS_MANAGE)
def survey_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = SurveyCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            survey = authoring.create_survey(actor=actor, data=form.service_data(), draft=form.draft())
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The survey is created from the starter. Edit its questions, check them "
                                        "and publish it."))
            return redirect(org_url(request, "surveys:builder", pk=survey.pk))
    return render(request, "surveys/manage/survey_create.html", {
        "form": form, "cancel_url": org_url(request, "surveys:list")})


@org_view(roles.SURVEYS_VIEW)
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.access_survey(actor=actor, survey_id=pk)
    return render(request, "surveys/manage/survey_detail.html", detail_context(request, survey))


def detail_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    actor = actor_of(request)
    counts = selectors.response_counts(actor=actor, survey=survey)
    versions = [{"version": version, "question_count": sum(1 for _ in instrument.questions(version.content))}
                for version in selectors.list_versions(actor=actor, survey=survey).select_related("published_by")]
    current = survey.current_version
    can_follow_up = actor.can(roles.SURVEYS_FOLLOW_UP)
    return {
        "survey": survey, "versions": versions, **counts, **public_links(request, survey),
        "can_manage": actor.can(roles.SURVEYS_MANAGE), "can_follow_up": can_follow_up,
        "open_follow_ups": selectors.list_follow_ups(actor=actor).filter(survey=survey).count() if can_follow_up else 0,
        "draft_changed": current is None or current.content != survey.draft,
        "problem_count": len(authoring.draft_problems(survey=survey)),
        "status_actions": [(status, STATUS_ACTIONS[status]) for status in sorted(
            authoring.MOVES[SurveyStatus(survey.status)], key=list(STATUS_ACTIONS).index)
            if status != SurveyStatus.OPEN or survey.current_version_id],
        "expectation_surveys": selectors.list_surveys(actor=actor).filter(expectations_for=survey).select_related(
            None).only("id", "name"),
    }


@org_view(roles.SURVEYS_MANAGE)
def survey_settings(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.access_survey(actor=actor, survey_id=pk)
    initial = {name: getattr(survey, f"{name}_id" if name in _REFERENCES else name) for name in SETTINGS_FIELDS}
    form = SurveyForm(request.POST or None, actor=actor, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            authoring.update_survey(actor=actor, survey=survey, data=form.service_data())
        except (InvalidInput, Conflict) as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(org_url(request, "surveys:detail", pk=survey.pk))
    return render(request, "surveys/manage/survey_settings.html", {
        "form": form, "survey": survey, "cancel_url": org_url(request, "surveys:detail", pk=survey.pk)})


_REFERENCES = {"unit", "service", "touch_point", "expectations_for"}


@org_view(roles.SURVEYS_MANAGE)
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.access_survey(actor=actor, survey_id=pk)
    status = request.POST.get("status", "")
    try:
        authoring.set_survey_status(actor=actor, survey=survey, status=status)
    except Conflict as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, STATUS_DONE.get(status, _("Saved.")))
    return redirect(org_url(request, "surveys:detail", pk=survey.pk))


STATUS_DONE: dict[str, Any] = {
    SurveyStatus.CLOSED: gettext_lazy("The survey is closed. Its responses are kept; the public link says it is "
                                      "closed."),
    SurveyStatus.OPEN: gettext_lazy("The survey is open again."),
    SurveyStatus.ARCHIVED: gettext_lazy("The survey is archived. Its responses are kept."),
}


@org_view(roles.SURVEYS_MANAGE)
@require_POST
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.access_survey(actor=actor, survey_id=pk)
    try:
        version = authoring.publish_survey(actor=actor, survey=survey)
    except InvalidInput:
        messages.error(request, _("The draft cannot be published yet: fix the problems listed below."))
        return redirect(org_url(request, "surveys:builder", pk=survey.pk) + "?check=1")
    except Conflict as exc:
        messages.warning(request, str(exc.detail))
    else:
        messages.success(request, published_message(version.number))
    return redirect(org_url(request, "surveys:detail", pk=survey.pk))


def published_message(number: int) -> str:
    return _("Version %(n)s is published. New responses answer it; earlier responses keep their version.") % {
        "n": number}
