"""The scored CSM assessment protocol: its file format, read and checked in full before use.

A protocol is one JSON document (docs/assessments.md): an id and a version, the `levels` thresholds
of the scoring rules (csm.assessments.scoring), the standards it covers and its questions in
protocol order, the order that also breaks ties in the report lists. `parse_protocol` either
returns a frozen `Protocol` or raises `ProtocolError` listing every problem with its place, so a
broken file is refused whole. The shipped protocol must carry every text in English, Polish and
Simplified Chinese; a hand-made protocol for checking the maths (`csm assess score --protocol`) may
carry none.

No Django here: the command, the start-up check and the tests all read files through this module.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "pl", "zh-Hans")
STANDARDS = ("ISO10001", "ISO10002", "ISO10003", "ISO10004")
EVIDENCE_TYPES = ("D", "R", "M", "I", "O")
KINDS = ("enabler", "result")
LEVEL_KEYS = ("t1", "t2", "t3", "key_top_share", "result_index_min")
SCORE_LEVELS = ("1", "2", "3")


class ProtocolError(ValueError):
    """The file is not a valid protocol; `problems` names each fault with its place."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Levels:
    t1: float
    t2: float
    t3: float
    key_top_share: float
    result_index_min: float


@dataclass(frozen=True)
class Metric:
    """A live figure that suggests a score: the highest k whose threshold the value reaches.

    The direction follows the thresholds: rising from 1 to 3 means higher is better, falling means
    lower is better (a reopen rate, say).
    """

    name: str
    thresholds: tuple[float, float, float]

    @property
    def is_higher_better(self) -> bool:
        return self.thresholds[0] <= self.thresholds[2]

    def suggested_score(self, value: float) -> int:
        if self.is_higher_better:
            return sum(1 for limit in self.thresholds if value >= limit)
        return sum(1 for limit in self.thresholds if value <= limit)


@dataclass(frozen=True)
class Question:
    id: str
    standard: str
    clause: str
    kind: str
    weight: int
    key: bool
    text: Mapping[str, str]
    guidance: Mapping[str, str]
    levels: Mapping[int, Mapping[str, str]]
    evidence: tuple[str, ...]
    metric: Metric | None

    @property
    def is_result(self) -> bool:
        return self.kind == "result"


@dataclass(frozen=True)
class Standard:
    id: str
    title: Mapping[str, str]


@dataclass(frozen=True)
class Protocol:
    id: str
    version: str
    levels: Levels
    standards: tuple[Standard, ...]
    questions: tuple[Question, ...]

    def question_ids(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions)

    def questions_of(self, standard: str) -> tuple[Question, ...]:
        return self._by_standard.get(standard, ())

    def standard_ids(self) -> tuple[str, ...]:
        return tuple(standard.id for standard in self.standards)

    @functools.cached_property
    def _by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @functools.cached_property
    def _by_standard(self) -> dict[str, tuple[Question, ...]]:
        return {s.id: tuple(q for q in self.questions if q.standard == s.id) for s in self.standards}

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if none."""
        return self._by_id[question_id]


def localized(texts: Mapping[str, str], language: str) -> str:
    """The text in `language` (zh, zh-hans and zh_Hans all mean zh-Hans), else English, else any."""
    wanted = {"zh": "zh-Hans", "zh-hans": "zh-Hans", "zh_hans": "zh-Hans"}.get(language.lower(), language[:2])
    return texts.get(wanted) or texts.get("en") or next(iter(texts.values()), "")


def load_protocol(path: Path, *, languages: Sequence[str] = LANGUAGES) -> Protocol:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError([f"{path}: cannot be read ({exc})"]) from exc
    except json.JSONDecodeError as exc:
        raise ProtocolError([f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]) from exc
    return parse_protocol(data, languages=languages)


def parse_protocol(data: Any, *, languages: Sequence[str] = LANGUAGES) -> Protocol:
    """Check every part of `data` and build the protocol, or raise with all the problems found."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ProtocolError(["the protocol must be a JSON object"])
    protocol_id = _text_field(data, "id", "protocol", problems)
    version = _text_field(data, "version", "protocol", problems)
    levels = _levels(data.get("levels"), problems)
    standards = _standards(data.get("standards"), languages, problems)
    known = {standard.id for standard in standards}
    questions = _questions(data.get("questions"), known, languages, problems)
    for standard in standards:
        if not any(question.standard == standard.id for question in questions):
            problems.append(f"standard {standard.id}: has no questions")
    if problems or levels is None:
        raise ProtocolError(problems)
    return Protocol(id=protocol_id, version=version, levels=levels, standards=standards, questions=questions)


def _text_field(data: Mapping[str, Any], name: str, where: str, problems: list[str]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{name}' must be a non-empty string")
        return ""
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _levels(data: Any, problems: list[str]) -> Levels | None:
    if not isinstance(data, dict):
        problems.append("levels: must be an object with " + ", ".join(LEVEL_KEYS))
        return None
    values: dict[str, float] = {}
    for key in LEVEL_KEYS:
        number = _number(data.get(key))
        upper = 100.0 if key == "result_index_min" else 1.0
        if number is None or not 0 <= number <= upper:
            problems.append(f"levels.{key}: must be a number from 0 to {upper:g}")
        else:
            values[key] = number
    unknown = sorted(set(data) - set(LEVEL_KEYS))
    if unknown:
        problems.append(f"levels: unknown keys {', '.join(unknown)}")
    return Levels(**values) if len(values) == len(LEVEL_KEYS) else None


def _translations(value: Any, where: str, languages: Sequence[str], problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        problems.append(f"{where}: must be an object of language → text")
        return {}
    for language in languages:
        if not value.get(language, "").strip():
            problems.append(f"{where}: the '{language}' text is missing")
    return dict(value)


def _standards(data: Any, languages: Sequence[str], problems: list[str]) -> tuple[Standard, ...]:
    if not isinstance(data, list) or not data:
        problems.append("standards: must be a non-empty list")
        return ()
    standards: list[Standard] = []
    for position, item in enumerate(data):
        where = f"standards[{position}]"
        if not isinstance(item, dict) or item.get("id") not in STANDARDS:
            problems.append(f"{where}: 'id' must be one of {', '.join(STANDARDS)}")
            continue
        if any(standard.id == item["id"] for standard in standards):
            problems.append(f"{where}: {item['id']} is listed twice")
            continue
        title = _translations(item.get("title", {}), f"{where}.title", languages, problems)
        standards.append(Standard(id=item["id"], title=title))
    return tuple(standards)


def _questions(data: Any, standards: set[str], languages: Sequence[str],
               problems: list[str]) -> tuple[Question, ...]:
    if not isinstance(data, list) or not data:
        problems.append("questions: must be a non-empty list")
        return ()
    questions: list[Question] = []
    seen: set[str] = set()
    for position, item in enumerate(data):
        where = f"questions[{position}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        question = _question(item, where, standards, languages, problems)
        if question is None:
            continue
        if question.id in seen:
            problems.append(f"{where}: the id {question.id} is used twice")
            continue
        seen.add(question.id)
        questions.append(question)
    return tuple(questions)


def _question(item: Mapping[str, Any], where: str, standards: set[str], languages: Sequence[str],
              problems: list[str]) -> Question | None:
    before = len(problems)
    question_id = _text_field(item, "id", where, problems)
    where = f"{where} ({question_id})" if question_id else where
    if item.get("standard") not in standards:
        problems.append(f"{where}: 'standard' must be one of the protocol's standards")
    clause = _text_field(item, "clause", where, problems)
    if item.get("kind") not in KINDS:
        problems.append(f"{where}: 'kind' must be enabler or result")
    weight = item.get("weight")
    if isinstance(weight, bool) or weight not in (1, 2, 3):
        problems.append(f"{where}: 'weight' must be 1, 2 or 3")
    if not isinstance(item.get("key"), bool):
        problems.append(f"{where}: 'key' must be true or false")
    text = _translations(item.get("text"), f"{where}.text", languages, problems)
    guidance = _translations(item.get("guidance", {}), f"{where}.guidance", languages, problems)
    levels = _descriptors(item.get("levels"), where, languages, problems)
    evidence = _evidence(item.get("evidence"), where, problems)
    metric = _metric(item.get("metric"), where, problems)
    if len(problems) > before:
        return None
    return Question(id=question_id, standard=item["standard"], clause=clause, kind=item["kind"],
                    weight=int(weight or 0),
                    key=item["key"], text=text, guidance=guidance, levels=levels, evidence=evidence, metric=metric)


def _descriptors(value: Any, where: str, languages: Sequence[str],
                 problems: list[str]) -> dict[int, dict[str, str]]:
    if not isinstance(value, dict) or sorted(value) != list(SCORE_LEVELS):
        problems.append(f"{where}.levels: must hold the descriptors of scores 1, 2 and 3")
        return {}
    return {int(level): _translations(value[level], f"{where}.levels.{level}", languages, problems)
            for level in SCORE_LEVELS}


def _evidence(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(kind in EVIDENCE_TYPES for kind in value) or len(set(value)) != len(
            value):
        problems.append(f"{where}.evidence: must be a list of distinct types among {', '.join(EVIDENCE_TYPES)}")
        return ()
    return tuple(value)


def _metric(value: Any, where: str, problems: list[str]) -> Metric | None:
    if value is None:
        return None
    thresholds = value.get("thresholds") if isinstance(value, dict) else None
    name = value.get("name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name or not isinstance(thresholds, dict):
        problems.append(f"{where}.metric: must be null or an object with 'name' and 'thresholds'")
        return None
    numbers = [_number(thresholds.get(level)) for level in SCORE_LEVELS]
    if sorted(thresholds) != list(SCORE_LEVELS) or any(number is None for number in numbers):
        problems.append(f"{where}.metric.thresholds: must give a number for each of 1, 2 and 3")
        return None
    limits = (float(numbers[0] or 0), float(numbers[1] or 0), float(numbers[2] or 0))
    if not (limits[0] <= limits[1] <= limits[2] or limits[0] >= limits[1] >= limits[2]):
        problems.append(f"{where}.metric.thresholds: must rise (higher is better) or fall (lower is better)")
        return None
    return Metric(name=name, thresholds=limits)
