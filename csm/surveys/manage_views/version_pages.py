"""Read-only views of a survey's questions: a published version's, question by question, and the
preview of the draft (or of a version) drawn as the respondent sees it, every page at once, with
nothing that can be sent."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.surveys import selectors, transcript
from csm.surveys.manage_views.base import actor_of, org_url, survey_language
from csm.surveys.models import Survey, SurveyVersion
from csm.surveys.respond_form import page_context
from csm.surveys.services import authoring

CONDITION_WORDS = {"eq": "=", "ne": "≠", "lte": "≤", "gte": "≥", "in": "∈", "answered": ""}


def _version(request: HttpRequest, survey: Survey, number: int) -> SurveyVersion:
    version = selectors.list_versions(actor=actor_of(request), survey=survey).select_related(
        "published_by").filter(number=number).first()
    if version is None:
        raise Http404()
    return version


@org_view(roles.SURVEYS_VIEW)
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    survey = selectors.access_survey(actor=actor_of(request), survey_id=pk)
    version = _version(request, survey, number)
    content = version.content
    language = survey_language(content, request.GET.get("lang", ""))
    return render(request, "surveys/manage/version_detail.html", {
        "survey": survey, "version": version, "language": language, "languages": content["languages"],
        "title": transcript.words(content.get("title"), language),
        "pages": [{"number": p + 1, "questions": [_summary(q, language) for q in page["questions"]]}
                  for p, page in enumerate(content["pages"])],
        "spec": version.spec,
    })


def _summary(question: dict[str, Any], language: str) -> dict[str, Any]:
    """A question as one row of the version's table."""
    kind = question["type"]
    details: list[str] = []
    if kind == "rating":
        details.append(f"{question['scale']['min']}–{question['scale']['max']}")
    if question.get("item"):
        details.append(str(question["item"]))
    choices = question.get("options") or question.get("rows") or []
    condition = question.get("condition")
    return {
        "id": question["id"], "type": kind, "text": transcript.words(question["text"], language),
        "required": bool(question.get("required")), "role": question.get("role") or "",
        "second": question.get("second") or "", "details": details,
        "choices": [transcript.words(choice["label"], language) for choice in choices],
        "condition": _condition_text(condition) if condition else "",
    }


def _condition_text(condition: dict[str, Any]) -> str:
    value = condition.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else ("" if value is None else str(value))
    return " ".join(part for part in (condition["question"], CONDITION_WORDS.get(condition["op"], ""), shown) if part)


@org_view(roles.SURVEYS_VIEW)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.access_survey(actor=actor_of(request), survey_id=pk)
    wanted = request.GET.get("version", "")
    version = _version(request, survey, int(wanted)) if wanted.isdigit() else None
    content = version.content if version is not None else survey.draft
    problems = [] if version is not None else authoring.draft_problems(survey=survey)
    language = survey_language(content, request.GET.get("lang", ""))
    back = org_url(request, "surveys:builder" if version is None and actor_of(request).can(roles.SURVEYS_MANAGE)
                   else "surveys:detail", pk=survey.pk)
    context: dict[str, Any] = {"survey": survey, "version": version, "language": language, "problems": problems,
                               "back_url": back, "visit": None, "language_links": [], "title": survey.name}
    if not problems:
        base = request.path + (f"?version={version.number}&" if version is not None else "?")
        context.update(pages=_pages(content, language), language_links=[
            (code, f"{base}lang={code}") for code in content["languages"]],
            title=transcript.words(content.get("title"), language) or survey.name,
            intro=transcript.words(content.get("intro"), language))
    with translation.override("zh-hans" if language == "zh-Hans" else language):
        return render(request, "surveys/manage/preview.html", context)


def _pages(content: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """Every page as the respondent's page draws it, with every question shown and its condition said."""
    pages = []
    for p, raw in enumerate(content["pages"]):
        page = page_context(content, p, {}, {}, language)
        for drawn, question in zip(page["questions"], raw["questions"], strict=True):
            drawn["shown"] = True
            drawn["shown_if"] = _condition_text(question["condition"]) if question.get("condition") else ""
        pages.append({"number": p + 1, **page})
    return pages
