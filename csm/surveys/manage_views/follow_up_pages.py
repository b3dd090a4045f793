"""The closed loop: the follow-up tasks that low scores, detractors and requests to be contacted
raise, one follow-up with its response's answers and the form that closes it, and one response's
answers. The answers are personal data: these pages need SURVEYS_FOLLOW_UP."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.core import clock
from csm.core.errors import Conflict
from csm.surveys import instrument, selectors, transcript
from csm.surveys.forms import FollowUpCloseForm, FollowUpFilterForm
from csm.surveys.manage_views.base import actor_of, org_url, survey_language
from csm.surveys.models import FollowUpStatus, Response
from csm.surveys.services.follow_ups import close_follow_up

PER_PAGE = 50


@org_view(roles.SURVEYS_FOLLOW_UP)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    filters = FollowUpFilterForm(request.GET)
    follow_ups = selectors.list_follow_ups(actor=actor_of(request), status=filters.status_value()).defer(
        "survey__draft")
    return render(request, "surveys/manage/follow_up_list.html", {
        "filters": filters, "page": Paginator(follow_ups, PER_PAGE).get_page(request.GET.get("page")),
        "now": clock.now()})


@org_view(roles.SURVEYS_FOLLOW_UP)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    follow_up = selectors.access_follow_up(actor=actor, follow_up_id=pk)
    form = FollowUpCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            close_follow_up(actor=actor, follow_up=follow_up, note=form.cleaned_data["note"])
        except Conflict as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("The follow-up is done."))
        return redirect(org_url(request, "surveys:follow_ups"))
    response = selectors.access_response(actor=actor, response_id=follow_up.response_id)
    return render(request, "surveys/manage/follow_up_detail.html", {
        "follow_up": follow_up, "form": form, "is_open": follow_up.status == FollowUpStatus.OPEN,
        "now": clock.now(), **answers_context(request, response)}, status=422 if form.errors else 200)


@org_view(roles.SURVEYS_FOLLOW_UP)
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    response = selectors.access_response(actor=actor, response_id=pk)
    follow_up = selectors.list_follow_ups(actor=actor, status=None).filter(response=response).first()
    return render(request, "surveys/manage/response_detail.html", {
        "follow_up": follow_up, **answers_context(request, response)})


def answers_context(request: HttpRequest, response: Response) -> dict[str, Any]:
    """The response and its answers, question by question, in the page's language when the survey
    has it."""
    content = response.version.content
    language = survey_language(content, request.GET.get("lang", ""))
    values = {answer.key: instrument.Value(answer.number, answer.text) for answer in response.answers.all()}
    return {"response": response, "lines": transcript.lines(content, values, language), "language": language}
