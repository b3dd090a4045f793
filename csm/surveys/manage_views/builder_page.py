"""The draft editor. One form holds the whole draft (builder.py names its fields); each of its
buttons posts it: the draft is read back, the button's edit made (add, move or remove a question,
page, option or row), and the result kept with `save_draft`, so what the page shows is always what
is saved. With htmx the form is swapped in place; without, the page reloads at the edited part.

"Check" lists every problem of the draft (authoring.draft_problems) with its place; "Publish" runs
the same checks in `publish_survey`, which writes nothing while any remains. The advanced JSON
editor replaces the whole draft, or shows why it cannot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core.errors import Conflict, InvalidInput
from csm.surveys import builder, builder_editor, instrument, selectors
from csm.surveys.manage_views.base import actor_of, org_url, public_links
from csm.surveys.manage_views.survey_pages import published_message
from csm.surveys.models import Survey
from csm.surveys.services import authoring

ANCHOR = re.compile(r"(page|q)-\d+(-\d+)?")
FULL_PAGE, FORM = "surveys/manage/builder.html", "surveys/manage/_builder_form.html"
CONDITION_OPS = (("eq", gettext_lazy("is")), ("ne", gettext_lazy("is not")), ("lte", gettext_lazy("is at most")),
                 ("gte", gettext_lazy("is at least")), ("in", gettext_lazy("is one of")),
                 ("answered", gettext_lazy("is answered")))


@org_view(roles.SURVEYS_MANAGE)
def builder_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.access_survey(actor=actor, survey_id=pk)
    bank = _bank(actor)
    if request.method != "POST":
        problems = _problems(survey.draft, authoring.draft_problems(survey=survey)) if request.GET.get("check") else None
        focus = request.GET.get("focus", "")
        return _render(request, survey, bank, problems=problems, focus=focus if ANCHOR.fullmatch(focus) else "")
    if request.POST.get("op") == "save_json":
        return _save_json(request, survey, bank)
    return _edit(request, survey, bank)


def _bank(actor: Actor) -> dict[str, builder.BankItem]:
    items = selectors.list_items(actor=actor).filter(is_active=True)
    return {item.code: builder.BankItem(item.code, item.text if isinstance(item.text, dict) else {},
                                        item.characteristic_id, item.touch_point_id) for item in items}


def _edit(request: HttpRequest, survey: Survey, bank: dict[str, builder.BankItem]) -> HttpResponse:
    actor, op = actor_of(request), request.POST.get("op", "save")
    form = dict(request.POST.lists())
    base = survey.draft if isinstance(survey.draft, dict) else {}
    content = builder.read(form, base=base, bank=bank, scale_locked=survey.current_version_id is not None)
    content, focus = builder.apply(content, op, form, bank)
    if content != survey.draft:
        authoring.save_draft(actor=actor, survey=survey, draft=content)
    if op == "publish":
        return _publish(request, survey, bank)
    if op == "check":
        problems = _problems(content, authoring.draft_problems(survey=survey))
        return _render(request, survey, bank, problems=problems, focus="problems")
    if request.htmx:  # type: ignore[attr-defined]
        return _render(request, survey, bank, focus=focus, notice=_("Saved.") if op == "save" else "", partial=True)
    if op == "save":
        messages.success(request, _("Saved."))
    return redirect(org_url(request, "surveys:builder", pk=survey.pk) + (f"?focus={focus}#{focus}" if focus else ""))


def _publish(request: HttpRequest, survey: Survey, bank: dict[str, builder.BankItem]) -> HttpResponse:
    try:
        version = authoring.publish_survey(actor=actor_of(request), survey=survey)
    except InvalidInput as exc:
        return _render(request, survey, bank, problems=_problems(survey.draft, exc.detail), focus="problems",
                       status=422)
    except Conflict as exc:
        return _render(request, survey, bank, notice=str(exc.detail), focus="builder-actions")
    messages.success(request, published_message(version.number))
    detail = org_url(request, "surveys:detail", pk=survey.pk)
    return HttpResponseClientRedirect(detail) if request.htmx else redirect(detail)  # type: ignore[attr-defined]


def _save_json(request: HttpRequest, survey: Survey, bank: dict[str, builder.BankItem]) -> HttpResponse:
    text = request.POST.get("json", "")
    try:
        draft = json.loads(text)
        authoring.save_draft(actor=actor_of(request), survey=survey, draft=draft)
    except ValueError as exc:
        return _render(request, survey, bank, json_text=text, json_error=_("This is not valid JSON: %(error)s") % {
            "error": exc}, status=422)
    except InvalidInput as exc:
        return _render(request, survey, bank, json_text=text, json_error=str(exc.as_text()), status=422)
    messages.success(request, _("The draft is replaced by the JSON."))
    return redirect(org_url(request, "surveys:builder", pk=survey.pk))


def _problems(content: Any, found: Any) -> list[dict[str, Any]]:
    """Each problem with its place in the builder (builder_editor.place)."""
    content = content if isinstance(content, Mapping) else {}
    return [{"place": builder_editor.place(str(item.get("field", "")), content), "message": item.get("message", "")}
            for item in found or []]


def _render(request: HttpRequest, survey: Survey, bank: dict[str, builder.BankItem], *, problems: Any = None,
            focus: str = "", notice: str = "", json_text: str | None = None, json_error: str = "",
            partial: bool = False, status: int = 200) -> HttpResponse:
    draft = survey.draft if isinstance(survey.draft, dict) else {}
    current = survey.current_version
    context = {
        "survey": survey, "editor": builder_editor.draw(draft, bank), "bank_choices": builder_editor.bank_choices(bank),
        "problems": problems, "focus": focus, "notice": notice, "scale_locked": current is not None,
        "open_anchors": {focus, *(problem["place"].anchor for problem in problems or [])},
        "draft_changed": current is None or current.content != draft,
        "next_number": (current.number + 1) if current is not None else 1,
        "json_text": json.dumps(draft, ensure_ascii=False, indent=2) if json_text is None else json_text,
        "json_error": json_error, "builder_url": org_url(request, "surveys:builder", pk=survey.pk),
        "all_languages": instrument.LANGUAGES, "scales": list(builder.SCALE_NAMES), "condition_ops": CONDITION_OPS,
        **public_links(request, survey),
    }
    if request.htmx and not json_error:  # type: ignore[attr-defined]
        # htmx swaps only a 2xx response: the problems come back with 200 and say what is wrong.
        return render(request, FORM, context)
    return render(request, FORM if partial else FULL_PAGE, context, status=status)
