"""Keying in paper guest-opinion forms (SURVEYS_KEY_IN): the batches, a new batch, and the keying
page, which shows every question of the survey at once as a compact form, saves one paper form per
post (services/paper.py) and comes back empty with the batch's running count. Errors are shown next
to their questions and nothing is saved; a form whose respondent skipped required questions can be
kept as incomplete."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core import clock
from csm.core.errors import DomainError, InvalidInput
from csm.core.forms import add_domain_errors
from csm.surveys import distribution_selectors as selectors
from csm.surveys import instrument
from csm.surveys.distribution_forms import BatchForm
from csm.surveys.models import PaperBatch, ResponseStatus
from csm.surveys.respond_form import answers_from_post, page_context, words
from csm.surveys.services import paper

TEMPLATES = "surveys/paper/"
REQUIRED = "this question is required"
CONDITION_WORDS = {"eq": "=", "ne": "≠", "lte": "≤", "gte": "≥", "in": "∈"}


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _batch_url(request: HttpRequest, batch: PaperBatch) -> str:
    return reverse("surveys:paper_batch", kwargs={"org_slug": _actor(request).organization.slug, "batch_id": batch.pk})


@org_view(roles.SURVEYS_KEY_IN)
def batches(request: HttpRequest) -> HttpResponse:
    """The batches, and the form for a new one (which opens its keying page)."""
    actor = _actor(request)
    today = clock.now().astimezone(ZoneInfo(actor.organization.timezone)).date()
    form = BatchForm(request.POST or None, actor=actor, initial={"collected_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            batch = paper.create_batch(actor=actor, **form.cleaned_data)
        except InvalidInput as exc:
            add_domain_errors(form, exc)
        else:
            return HttpResponseRedirect(_batch_url(request, batch))
    return render(request, TEMPLATES + "batches.html", {"batches": selectors.list_batches(actor=actor)[:200],
                                                        "form": form}, status=422 if form.errors else 200)


def _values(raw: dict[str, Any]) -> dict[str, instrument.Value]:
    """What was posted, to show again after an error (numbers and words both kept)."""
    values = {}
    for key, value in raw.items():
        if value is None:
            continue
        try:
            number: float | None = float(value)
        except (TypeError, ValueError):
            number = None
        values[key] = instrument.Value(number=number, text=str(value))
    return values


def _condition_note(question: dict[str, Any], content: dict[str, Any], language: str) -> str:
    condition = question.get("condition")
    if not condition:
        return ""
    target = next((q for _p, q in instrument.questions(content) if q["id"] == condition["question"]), None)
    label = words(target["text"], language)[:60] if target else condition["question"]
    if condition["op"] == "answered":
        return _("Only when “%(question)s” is answered.") % {"question": label}
    value = condition.get("value")
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return _("Only when “%(question)s” %(op)s %(value)s.") % {
        "question": label, "op": CONDITION_WORDS.get(condition["op"], condition["op"]), "value": shown}


def _sections(content: dict[str, Any], raw: dict[str, Any], errors: dict[str, str], language: str) -> list[Any]:
    values = _values(raw)
    sections = []
    for number, page in enumerate(content["pages"]):
        section = page_context(content, number, values, errors, language)
        for question, item in zip(page["questions"], section["questions"], strict=True):
            item["note"] = _condition_note(question, content, language)
            _mark_blanks(item)
        sections.append(section)
    return sections


def _none_checked(choices: list[dict[str, Any]]) -> bool:
    return not any(choice.get("checked") for choice in choices)


def _mark_blanks(item: dict[str, Any]) -> None:
    """Which radio groups have nothing chosen: their "no answer" radio is checked, so a wrong
    click can be undone without JavaScript."""
    for name in ("points", "choices", "options"):
        if name in item:
            item["blank"] = _none_checked(item[name])
    for row in item.get("rows", []):
        row["blank"], row["second_blank"] = _none_checked(row["points"]), _none_checked(row["second_points"])


def _posted_answers(content: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for number in range(len(content["pages"])):
        answers.update(answers_from_post(content, number, request.POST))
    return answers


def _keying_page(request: HttpRequest, batch: PaperBatch, *, language: str, raw: dict[str, Any] | None = None,
                 errors: dict[str, str] | None = None, problem: str = "", status: int = 200) -> HttpResponse:
    content = batch.survey.current_version.content  # type: ignore[union-attr]
    errors = errors or {}
    counts = {"forms": batch.form_count, "complete": batch.complete_count}  # type: ignore[attr-defined]
    return render(request, TEMPLATES + "keying.html", {
        "batch": batch, "sections": _sections(content, raw or {}, errors, language), "language": language,
        "languages": content.get("languages") or ["en"], "form_key": paper.new_form_key(batch)
        if not raw else request.POST.get("form_key", ""), "counts": counts, "problem": problem,
        "error_count": len(errors), "count_text": count_words(counts["forms"]), "only_required_missing": bool(errors) and set(errors.values()) == {REQUIRED},
        "title": words(content.get("title"), language) or batch.survey.name,
    }, status=status)


def _language(request: HttpRequest, batch: PaperBatch) -> str:
    languages = (batch.survey.current_version.content.get("languages")  # type: ignore[union-attr]
                 if batch.survey.current_version else None) or ["en"]
    chosen = request.POST.get("language") or request.GET.get("language") or ""
    return chosen if chosen in languages else languages[0]


@org_view(roles.SURVEYS_KEY_IN)
def key_in(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.access_batch(actor=_actor(request), batch_id=batch_id)
    language = _language(request, batch)
    if request.method != "POST":
        return _keying_page(request, batch, language=language)
    content = batch.survey.current_version.content  # type: ignore[union-attr]
    raw = _posted_answers(content, request)
    try:
        outcome = paper.key_in_form(actor=_actor(request), batch=batch, answers=raw, language=language,
                                    form_key=request.POST.get("form_key", ""), complete="incomplete" not in request.POST)
    except InvalidInput as exc:
        return _keying_page(request, batch, language=language, raw=raw, errors=_by_answer(exc), status=422)
    except DomainError as exc:
        return _keying_page(request, batch, language=language, raw=raw, problem=str(exc.detail), status=exc.status)
    _saved_message(request, outcome.created, outcome.response.status)
    return HttpResponseRedirect(f"{_batch_url(request, batch)}?language={language}")


def _by_answer(exc: InvalidInput) -> dict[str, str]:
    items = exc.detail if isinstance(exc.detail, list) else []
    return {str(item.get("field", "")): str(item.get("message", "")) for item in items}


def _saved_message(request: HttpRequest, created: bool, status: str) -> None:
    if not created:
        messages.info(request, _("This form was already saved; it was not counted again."))
    elif status == ResponseStatus.COMPLETE:
        messages.success(request, _("Form saved."))
    else:
        messages.success(request, _("Form saved as incomplete: it is kept, but not counted in the results."))


def count_words(forms: int) -> str:
    return ngettext("%(n)d form keyed in this batch", "%(n)d forms keyed in this batch", forms) % {"n": forms}
