"""Starter surveys, in English, Polish and Chinese: a quality manager begins from one of these
and edits it. Each is content in instrument.py's format; the rated items come from the caller
(the organisation's service characteristics), so the survey is tied to its blueprint."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

STARTERS = ("post_service", "pre_service", "complaint_closure")


@dataclass(frozen=True)
class RatedItem:
    id: str  # a lower-case id for the matrix row
    label: dict[str, str]
    item: str | None = None  # the item bank's code
    characteristic: int | None = None
    touch_point: int | None = None


def words(en: str, pl: str, zh: str) -> dict[str, str]:
    return {"en": en, "pl": pl, "zh-Hans": zh}


SATISFACTION_LOW = words("Very dissatisfied", "Bardzo niezadowolony", "非常不满意")
SATISFACTION_HIGH = words("Very satisfied", "Bardzo zadowolony", "非常满意")


def post_service(items: Sequence[RatedItem], *, second: str | None = "importance", segment: bool = True,
                 contact: bool = True) -> dict[str, Any]:
    """After the service: a matrix of the characteristics (satisfaction, and importance), the
    overall rating, NPS, effort, a comment and, when asked, a request to be contacted."""
    first = [{
        "id": "chars", "type": "matrix", "required": True, "second": second,
        "text": words("How satisfied are you with each of these, and how important is it to you?",
                      "Jak bardzo jest Pan/Pani zadowolony(-a) z każdego z tych elementów i jak jest on ważny?",
                      "您对以下各项的满意程度如何？它们对您有多重要？"),
        "rows": [{"id": item.id, "label": item.label, "item": item.item, "characteristic": item.characteristic,
                  "touch_point": item.touch_point} for item in items],
    }, {
        "id": "overall", "type": "rating", "role": "overall", "required": True,
        "text": words("Overall, how satisfied are you with our service?",
                      "Ogólnie, jak bardzo jest Pan/Pani zadowolony(-a) z naszej obsługi?",
                      "总体而言，您对我们的服务满意吗？"),
        "scale": {"min": 1, "max": 5, "low": SATISFACTION_LOW, "high": SATISFACTION_HIGH},
    }]
    second_page: list[dict[str, Any]] = [{
        "id": "nps", "type": "nps", "required": True,
        "text": words("How likely are you to recommend us to a friend or colleague?",
                      "Jak bardzo prawdopodobne jest, że polecisz nas znajomemu?",
                      "您向朋友或同事推荐我们的可能性有多大？"),
    }, {
        "id": "effort", "type": "ces", "required": False,
        "text": words("We made it easy for me to get what I needed.",
                      "Łatwo było mi załatwić to, czego potrzebowałem(-am).",
                      "我很容易就办成了我需要办的事。"),
    }, {
        "id": "why_low", "type": "text", "required": False, "max_length": 2000,
        "condition": {"question": "overall", "op": "lte", "value": 3},
        "text": words("What should we have done better?", "Co powinniśmy byli zrobić lepiej?", "我们哪些方面应该做得更好？"),
    }, {
        "id": "comment", "type": "text", "required": False, "max_length": 2000,
        "text": words("Anything else you would like to tell us?", "Czy chce nam Pan/Pani coś jeszcze przekazać?",
                      "您还有什么想告诉我们的吗？"),
    }]
    if segment:
        second_page.insert(0, {
            "id": "purpose", "type": "single", "required": False, "segment": True,
            "text": words("What was the main purpose of your visit?", "Jaki był główny cel wizyty?", "您此行的主要目的是什么？"),
            "options": [{"value": "business", "label": words("Business", "Służbowy", "商务")},
                        {"value": "leisure", "label": words("Leisure", "Wypoczynek", "休闲")}],
        })
    if contact:
        second_page.append({
            "id": "contact_me", "type": "contact", "required": False,
            "text": words("Would you like us to contact you about your experience?",
                          "Czy chce Pan/Pani, abyśmy skontaktowali się w sprawie tej wizyty?",
                          "您希望我们就您的体验与您联系吗？"),
        })
    return {
        "languages": ["en", "pl", "zh-Hans"],
        "title": words("How was your experience?", "Jak oceniasz naszą obsługę?", "您对我们的服务满意吗？"),
        "intro": words("It takes two minutes. Thank you for helping us improve.",
                       "To zajmie dwie minuty. Dziękujemy za pomoc.", "只需两分钟。感谢您帮助我们改进。"),
        "thanks": words("Thank you for your answers.", "Dziękujemy za odpowiedzi.", "感谢您的回答。"),
        "scale": {"min": 1, "max": 5, "satisfied_min": 4},
        "pages": [{"id": "service", "questions": first}, {"id": "more", "questions": second_page}],
    }


def pre_service(items: Sequence[RatedItem]) -> dict[str, Any]:
    """Before the service: how much each characteristic matters (the expectation weights of
    standards.md §3.3), on the same items as the post-service survey."""
    return {
        "languages": ["en", "pl", "zh-Hans"],
        "title": words("What matters to you?", "Co jest dla Ciebie ważne?", "什么对您最重要？"),
        "scale": {"min": 1, "max": 5, "satisfied_min": 4},
        "pages": [{"id": "expectations", "questions": [{
            "id": "chars", "type": "matrix", "required": True, "second": None,
            "text": words("How important is each of these to you?", "Jak ważny jest dla Ciebie każdy z tych elementów?",
                          "以下各项对您有多重要？"),
            "rows": [{"id": item.id, "label": item.label, "item": item.item, "characteristic": item.characteristic}
                     for item in items],
        }]}],
    }


def complaint_closure() -> dict[str, Any]:
    """After a complaint is closed (ISO 10002 8.3): how it was handled."""
    items = [RatedItem("speed", words("How quickly we handled it", "Szybkość załatwienia", "处理速度"), "handling-speed"),
             RatedItem("fairness", words("How fair the outcome was", "Sprawiedliwość rozstrzygnięcia", "处理结果的公正性"),
                       "handling-fairness"),
             RatedItem("updates", words("How well we kept you informed", "Informowanie o postępach", "进展告知"),
                       "handling-updates")]
    content = post_service(items, second=None, segment=False, contact=True)
    content["title"] = words("How did we handle your complaint?", "Jak załatwiliśmy Pana/Pani reklamację?",
                             "我们对您投诉的处理如何？")
    return content


def start(kind: str, items: Sequence[RatedItem], *, anonymous: bool) -> dict[str, Any]:
    """The starter `kind` (one of STARTERS) on these items, its own copy; an anonymous survey asks
    for no contact details. The complaint closure starter has its own items."""
    if kind == "pre_service":
        return copy.deepcopy(pre_service(items))
    if kind == "complaint_closure":
        content = copy.deepcopy(complaint_closure())
        if anonymous:
            for page in content["pages"]:
                page["questions"] = [q for q in page["questions"] if q["type"] != "contact"]
        return content
    return copy.deepcopy(post_service(items, contact=not anonymous))


def row_id(name: str, taken: Collection[str] = ()) -> str:
    """A lower-case id (instrument.py's: a letter, then up to 29 letters, digits and _) made from an
    item bank code or a characteristic's name, not one of `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "item"
    if not base[0].isalpha():
        base = f"i_{base}"
    base = base[:30].rstrip("_")
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate, n = base[:30 - len(suffix)] + suffix, n + 1
    return candidate
