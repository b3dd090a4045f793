"""A draft drawn as the builder's form, pure Python: the values and field names (builder.py's) of
every input, for the template. It draws whatever the draft holds, however broken (a draft is saved
unchecked), so the manager can always open and mend it; and the place of each problem the check
finds (ContentError.where), as the page and question it belongs to and the anchor that shows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from csm.surveys.builder import BankItem, anchor
from csm.surveys.instrument import LANGUAGES


@dataclass(frozen=True)
class Words:
    """One text as an input per language: `<name>.<language>`."""

    name: str
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Choice:
    """An option of a choice or a row of a matrix; `position` is what its buttons' edits name."""

    prefix: str
    position: str
    value: str
    label: Words
    item: str = ""


@dataclass(frozen=True)
class QuestionView:
    prefix: str
    position: str  # "<page>:<question>", as builder.apply's edits name it
    anchor: str
    number: str
    id: str
    type: str
    json: str
    text: Words
    required: bool
    is_first: bool
    is_last: bool
    earlier: tuple[str, ...]
    condition: tuple[str, str, str]  # question, op, value as typed
    preview: str = ""  # its text in the first language that has it, for the collapsed view
    scale: str = ""
    low: Words | None = None
    high: Words | None = None
    role: str = ""
    item: str = ""
    item_choices: tuple[tuple[str, str], ...] = ()
    options: tuple[Choice, ...] = ()
    segment: bool = False
    rows: tuple[Choice, ...] = ()
    second: str = ""
    max_length: str = ""
    bank_left: tuple[tuple[str, str], ...] = ()  # the bank's items a matrix does not ask yet


@dataclass(frozen=True)
class PageView:
    prefix: str
    anchor: str
    index: int
    number: int
    id: str
    title: Words
    is_first: bool
    is_last: bool
    questions: tuple[QuestionView, ...] = field(default_factory=tuple)

    @property
    def has_title(self) -> bool:
        return any(text for _lang, text in self.title.values)


@dataclass(frozen=True)
class Editor:
    languages: tuple[str, ...]
    title: Words
    intro: Words
    thanks: Words
    scale: str
    satisfied_min: str
    pages: tuple[PageView, ...]


def show(value: Any) -> str:
    """A JSON value as the input shows it: whole floats without ".0", lists joined by commas."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(show(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _words(name: str, value: Any) -> Words:
    given = _dict(value)
    return Words(name, tuple((lang, show(given.get(lang))) for lang in LANGUAGES))


def _scale_name(scale: Any) -> str:
    given = _dict(scale)
    return f"{show(given.get('min'))}-{show(given.get('max'))}"


def draw(content: Mapping[str, Any], bank: Mapping[str, BankItem]) -> Editor:
    """The builder form's view of `content`."""
    content = _dict(content)
    scale = _dict(content.get("scale"))
    pages = [page for page in _list(content.get("pages")) if isinstance(page, Mapping)]
    earlier: list[str] = []
    drawn = []
    for p, page in enumerate(pages):
        questions = [q for q in _list(page.get("questions")) if isinstance(q, Mapping)]
        views = []
        for q, question in enumerate(questions):
            first, last = p == 0 and q == 0, p == len(pages) - 1 and q == len(questions) - 1
            views.append(_question(question, (p, q), tuple(earlier), bank, first, last))
            earlier.append(show(question.get("id")))
        drawn.append(PageView(f"p{p}", anchor(p), p, p + 1, show(page.get("id")), _words(f"p{p}.title", page.get("title")),
                              p == 0, p == len(pages) - 1, tuple(views)))
    return Editor(tuple(lang for lang in LANGUAGES if lang in _list(content.get("languages"))),
                  _words("title", content.get("title")), _words("intro", content.get("intro")),
                  _words("thanks", content.get("thanks")), _scale_name(scale), show(scale.get("satisfied_min")),
                  tuple(drawn))


def _question(question: Mapping[str, Any], at: tuple[int, int], earlier: tuple[str, ...],
              bank: Mapping[str, BankItem], is_first: bool, is_last: bool) -> QuestionView:
    kind = show(question.get("type"))
    condition = _dict(question.get("condition"))
    p, q = at
    prefix, position = f"p{p}.q{q}", f"{p}:{q}"
    common: dict[str, Any] = {
        "prefix": prefix, "position": position, "anchor": anchor(p, q), "number": f"{p + 1}.{q + 1}",
        "id": show(question.get("id")), "type": kind,
        "json": json.dumps(question, ensure_ascii=False), "text": _words(f"{prefix}.text", question.get("text")),
        "required": bool(question.get("required")), "is_first": is_first, "is_last": is_last, "earlier": earlier,
        "condition": (show(condition.get("question")), show(condition.get("op")), show(condition.get("value"))),
        "preview": _first_words(_dict(question.get("text"))),
    }
    if kind == "rating":
        scale = _dict(question.get("scale"))
        item = show(question.get("item"))
        return QuestionView(**common, scale=_scale_name(scale), low=_words(f"{prefix}.low", scale.get("low")),
                            high=_words(f"{prefix}.high", scale.get("high")), role=show(question.get("role")),
                            item=item, item_choices=_item_choices(item, bank))
    if kind in ("single", "multiple"):
        options = tuple(Choice(f"{prefix}.o{k}", f"{position}:{k}", show(option.get("value")),
                               _words(f"{prefix}.o{k}.label", option.get("label")))
                        for k, option in enumerate(_list(question.get("options"))) if isinstance(option, Mapping))
        return QuestionView(**common, options=options, segment=bool(question.get("segment")))
    if kind == "matrix":
        rows = tuple(Choice(f"{prefix}.r{k}", f"{position}:{k}", show(row.get("id")),
                            _words(f"{prefix}.r{k}.label", row.get("label")), show(row.get("item")))
                     for k, row in enumerate(_list(question.get("rows"))) if isinstance(row, Mapping))
        asked = {row.item for row in rows}
        return QuestionView(**common, rows=rows, second=show(question.get("second")),
                            bank_left=tuple(choice for choice in bank_choices(bank) if choice[0] not in asked))
    if kind == "text":
        return QuestionView(**common, max_length=show(question.get("max_length")))
    return QuestionView(**common)


def bank_choices(bank: Mapping[str, BankItem]) -> tuple[tuple[str, str], ...]:
    """(code, "code: wording") of each item of the bank, by code."""
    return tuple((code, f"{code}: {_first_words(bank[code].label)}") for code in sorted(bank))


def _first_words(label: Mapping[str, Any]) -> str:
    return next((show(label[lang]) for lang in LANGUAGES if label.get(lang)), "")


def _item_choices(item: str, bank: Mapping[str, BankItem]) -> tuple[tuple[str, str], ...]:
    """The bank's items, and the question's own even when the bank no longer has it."""
    choices = bank_choices(bank)
    return choices if not item or item in bank else ((item, item), *choices)


# Where a problem is ---------------------------------------------------------------------------------

_WHERE = re.compile(r"^(?:draft\.?)?pages\[(\d+)\](?:\.questions\[(\d+)\])?\.?(.*)$")


@dataclass(frozen=True)
class Place:
    """Where a problem is: its page and question (numbered from 1; None for the survey's own
    settings), the question's id, the rest of the path, and the anchor of the builder that shows it."""

    page: int | None
    question: int | None
    question_id: str
    rest: str
    anchor: str


def place(where: str, content: Mapping[str, Any]) -> Place:
    found = _WHERE.match(where)
    if found is None:
        rest = where.removeprefix("draft").lstrip(".")
        return Place(None, None, "", rest, "survey-settings")
    p, q, rest = int(found[1]), found[2], found[3]
    if q is None:
        return Place(p + 1, None, "", rest, anchor(p))
    question = _question_at(content, p, int(q))
    return Place(p + 1, int(q) + 1, show(question.get("id")), rest, anchor(p, int(q)))


def _question_at(content: Mapping[str, Any], p: int, q: int) -> Mapping[str, Any]:
    pages = _list(_dict(content).get("pages"))
    questions = _list(_dict(pages[p]).get("questions")) if p < len(pages) else []
    return _dict(questions[q]) if q < len(questions) else {}
