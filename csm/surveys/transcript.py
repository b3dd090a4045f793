"""A response as staff read it, pure Python: each question of its version in order, in one
language, with the answer given (matrix rows by their label, a multiple choice as the labels of the
options chosen, a contact request with the details left). Questions left blank are kept, marked
unanswered, so a reader sees what was skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from csm.surveys.instrument import CONTACT_FIELDS, Value, questions


@dataclass(frozen=True)
class Row:
    label: str
    answer: str
    second: str = ""


@dataclass(frozen=True)
class Line:
    """One question and its answer as text ("" when unanswered); `flag` is a yes/no answer (yes_no,
    contact) for the reader to word; `rows` a matrix's; `details` a contact's name, e-mail, phone."""

    question_id: str
    type: str
    text: str
    answer: str = ""
    flag: bool | None = None
    rows: tuple[Row, ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    @property
    def is_answered(self) -> bool:
        return bool(self.answer) or self.flag is not None or any(row.answer or row.second for row in self.rows)


def words(value: Any, language: str) -> str:
    if not isinstance(value, Mapping) or not value:
        return ""
    return str(value.get(language) or value.get("en") or next(iter(value.values())))


def _number(value: Value | None) -> str:
    if value is None or value.number is None:
        return ""
    return f"{value.number:g}"


def lines(content: Mapping[str, Any], answers: Mapping[str, Value], language: str) -> list[Line]:
    """Every question of `content` with its answer from `answers` (keyed as instrument.py keys them)."""
    return [_line(question, answers, language) for _page, question in questions(content)]


def _line(question: Mapping[str, Any], answers: Mapping[str, Value], language: str) -> Line:
    qid, kind = question["id"], question["type"]
    base = Line(qid, kind, words(question.get("text"), language))
    given = answers.get(qid)
    match kind:
        case "matrix":
            return Line(qid, kind, base.text, rows=tuple(
                Row(words(row.get("label"), language), _number(answers.get(f"{qid}.{row['id']}")),
                    _number(answers.get(f"{qid}.{row['id']}.second"))) for row in question.get("rows", [])))
        case "multiple":
            chosen = [words(option.get("label"), language) for option in question.get("options", [])
                      if f"{qid}:{option['value']}" in answers]
            return Line(qid, kind, base.text, answer=", ".join(chosen))
        case "single":
            labels = {option["value"]: words(option.get("label"), language) for option in question.get("options", [])}
            return Line(qid, kind, base.text, answer=labels.get(given.text, given.text) if given else "")
        case "yes_no" | "contact":
            details = tuple((name, answers[f"{qid}.{name}"].text) for name in CONTACT_FIELDS
                            if f"{qid}.{name}" in answers and answers[f"{qid}.{name}"].text)
            return Line(qid, kind, base.text, flag=None if given is None or given.number is None else given.number == 1,
                        details=details)
        case "text":
            return Line(qid, kind, base.text, answer=given.text if given else "")
        case _:
            return Line(qid, kind, base.text, answer=_number(given))
