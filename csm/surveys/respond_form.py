"""The respondent's form: a page of questions as template data, and the posted fields as answers
keyed as instrument.py keys them. Everything is built from the version's content, in one language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from csm.surveys import instrument

CES_LOW = {"en": "Strongly disagree", "pl": "Zdecydowanie się nie zgadzam", "zh-Hans": "非常不同意"}
CES_HIGH = {"en": "Strongly agree", "pl": "Zdecydowanie się zgadzam", "zh-Hans": "非常同意"}
NPS_LOW = {"en": "Not at all likely", "pl": "Zdecydowanie nie", "zh-Hans": "完全不可能"}
NPS_HIGH = {"en": "Extremely likely", "pl": "Zdecydowanie tak", "zh-Hans": "极有可能"}


def words(value: Any, language: str) -> str:
    if not isinstance(value, Mapping) or not value:
        return ""
    return str(value.get(language) or value.get("en") or next(iter(value.values())))


def _points(low: int, high: int, chosen: instrument.Value | None) -> list[dict[str, Any]]:
    picked = chosen.number if chosen is not None else None
    return [{"value": n, "checked": picked == n} for n in range(low, high + 1)]


def _scale(question: Mapping[str, Any], content: Mapping[str, Any], language: str) -> tuple[int, int, str, str]:
    kind = question["type"]
    if kind == "nps":
        return 0, 10, words(NPS_LOW, language), words(NPS_HIGH, language)
    if kind == "ces":
        return 1, 7, words(CES_LOW, language), words(CES_HIGH, language)
    scale = question.get("scale") or content["scale"]
    return (int(scale["min"]), int(scale["max"]), words(scale.get("low"), language) or words(
        (content.get("scale") or {}).get("low"), language), words(scale.get("high"), language))


def _question(question: Mapping[str, Any], content: Mapping[str, Any], answers: Mapping[str, instrument.Value],
              errors: Mapping[str, str], language: str) -> dict[str, Any]:
    qid, kind = question["id"], question["type"]
    item: dict[str, Any] = {
        "id": qid, "type": kind, "text": words(question["text"], language), "required": bool(question.get("required")),
        "error": _error_text(errors.get(qid, "")), "shown": instrument.is_shown(question, answers),
        "condition": json.dumps(question["condition"]) if question.get("condition") else "",
    }
    if kind in ("rating", "nps", "ces"):
        low, high, low_label, high_label = _scale(question, content, language)
        item.update(points=_points(low, high, answers.get(qid)), low_label=low_label, high_label=high_label)
    elif kind == "yes_no" or kind == "contact":
        given = answers.get(qid)
        item["choices"] = [{"value": 1, "label": _("Yes"), "checked": given is not None and given.number == 1},
                           {"value": 0, "label": _("No"), "checked": given is not None and given.number == 0}]
        if kind == "contact":
            item["fields"] = [{"name": f"{qid}.{name}", "label": label, "type": kind_,
                               "value": answers.get(f"{qid}.{name}", instrument.Value()).text,
                               "error": _error_text(errors.get(f"{qid}.{name}", ""))}
                              for name, label, kind_ in (("name", _("Your name"), "text"),
                                                         ("email", _("E-mail"), "email"),
                                                         ("phone", _("Phone"), "tel"))]
    elif kind in ("single", "multiple"):
        item["options"] = [{
            "value": option["value"], "label": words(option["label"], language),
            "name": qid if kind == "single" else f"{qid}:{option['value']}",
            "checked": (answers.get(qid, instrument.Value()).text == option["value"]) if kind == "single"
            else f"{qid}:{option['value']}" in answers,
        } for option in question["options"]]
    elif kind == "matrix":
        item["rows"] = _matrix_rows(question, content, answers, errors, language)
    elif kind == "text":
        item.update(value=answers.get(qid, instrument.Value()).text, max_length=question.get("max_length", 4000))
    return item


def _matrix_rows(question: Mapping[str, Any], content: Mapping[str, Any], answers: Mapping[str, instrument.Value],
                 errors: Mapping[str, str], language: str) -> list[dict[str, Any]]:
    low, high = int(content["scale"]["min"]), int(content["scale"]["max"])
    second = question.get("second")
    second_label = {"importance": _("How important is it to you?"),
                    "expectation": _("What did you expect?")}.get(second or "", "")
    rows = []
    for row in question["rows"]:
        key = f"{question['id']}.{row['id']}"
        rows.append({
            "key": key, "label": words(row["label"], language), "points": _points(low, high, answers.get(key)),
            "second_key": f"{key}.second" if second else "", "second_label": second_label,
            "second_points": _points(low, high, answers.get(f"{key}.second")) if second else [],
            "error": _error_text(errors.get(key, "") or errors.get(f"{key}.second", "")),
        })
    return rows


def _error_text(message: str) -> str:
    known = {"this question is required": _("Please answer this question."),
             "this question is hidden by its condition and cannot be answered":
                 _("This question does not apply to your earlier answer; leave it blank.")}
    return known.get(message, message)


def page_context(content: Mapping[str, Any], page: int, answers: Mapping[str, instrument.Value],
                 errors: Mapping[str, str], language: str) -> dict[str, Any]:
    raw = content["pages"][page]
    return {"title": words(raw.get("title"), language),
            "questions": [_question(q, content, answers, errors, language) for q in raw["questions"]],
            "scale_low": words((content.get("scale") or {}).get("low"), language)}


def answers_from_post(content: Mapping[str, Any], page: int, post: QueryDict) -> dict[str, Any]:
    """The page's answers as posted: every key of the page's questions, None where left blank (so a
    changed mind clears a saved answer)."""
    out: dict[str, Any] = {}
    for question in content["pages"][page]["questions"]:
        for key in instrument.answer_keys(question):
            value = post.get(key, "").strip()
            if question["type"] == "multiple":
                out[key] = 1 if value else None
            elif question["type"] in ("text", "single") or (question["type"] == "contact" and key != question["id"]):
                out[key] = value or None
            else:
                out[key] = value or None
    return out


NUMERIC = ("rating", "nps", "ces", "yes_no", "matrix", "multiple")


def posted_values(content: Mapping[str, Any], page: int, posted: Mapping[str, Any]) -> dict[str, instrument.Value]:
    """The posted answers as Values to show again on the page (numbers where the question takes
    numbers); a value that is not a number stays text, for the check to name."""
    out: dict[str, instrument.Value] = {}
    for question in content["pages"][page]["questions"]:
        numeric = question["type"] in NUMERIC or (question["type"] == "contact")
        for key in instrument.answer_keys(question):
            value = posted.get(key)
            if value in (None, ""):
                continue
            is_number = numeric and (question["type"] != "contact" or key == question["id"])
            try:
                out[key] = instrument.Value(number=float(value)) if is_number else instrument.Value(text=str(value))
            except ValueError:
                out[key] = instrument.Value(text=str(value))
    return out
