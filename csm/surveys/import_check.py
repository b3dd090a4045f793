"""Checking a file of responses against a survey version, column by column, pure (no Django).

The header names answer keys (instrument.py: `overall`, `chars.room`, `chars.room.second`,
`visit:spa`, `comment`, ...) and the optional meta columns `completed_at` (required: YYYY-MM-DD or an
ISO date-time), `touch_point` (id or code), `language` and `segment`. A blank cell is "not
answered". Every cell is checked as the respondent's form checks it: whole numbers on the
question's scale, options of a choice, text lengths, display conditions (an answer to a hidden
question is refused) and required questions. Work is per column: a column's distinct cells are
parsed once each and the column becomes one numpy array, so a million rows take seconds.

Rows are numbered from 1 (the first data row; the header is row 0). At most `MAX_ERRORS` problems
are reported, each with its row and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from csm.surveys import instrument

META = ("completed_at", "touch_point", "language", "segment")
MAX_ERRORS = 20


@dataclass
class Problems:
    items: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append((row, column, message))

    def add_rows(self, rows: NDArray[np.bool_], first_row: int, column: str, message: str) -> None:
        for position in np.flatnonzero(rows)[: MAX_ERRORS - len(self.items)]:
            self.add(first_row + int(position), column, message)

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS


@dataclass(frozen=True)
class Column:
    """One answer key's values in a block: numbers (NaN: blank) or texts ("" : blank)."""

    key: str
    numbers: NDArray[np.float64] | None = None
    texts: list[str] | None = None

    @property
    def answered(self) -> NDArray[np.bool_]:
        if self.numbers is not None:
            return ~np.isnan(self.numbers)
        return np.array([bool(text) for text in self.texts or []], dtype=bool)


@dataclass(frozen=True)
class Block:
    first_row: int
    rows: int
    columns: dict[str, Column]
    completed_at: list[dt.datetime]
    touch_points: list[int | None]
    languages: list[str]
    segments: list[str]


def check_header(content: Mapping[str, Any], header: Sequence[str]) -> list[str]:
    """The problems of the header itself (unknown or repeated columns, no completed_at)."""
    known = {key for _, question in instrument.questions(content) for key in instrument.answer_keys(question)}
    problems = [f"column {name!r}: no such question in this survey" for name in header
                if name not in known and name not in META]
    problems += [f"column {name!r} appears twice" for name in sorted({n for n in header if header.count(n) > 1})]
    if "completed_at" not in header:
        problems.append("the column 'completed_at' is missing")
    return problems


def _lookup(cells: Sequence[str], parse: Callable[[str], Any], column: str, first_row: int,
            problems: Problems) -> list[Any]:
    """Each distinct cell parsed once; a cell that fails becomes None and a problem."""
    table: dict[str, Any] = {}
    bad: set[str] = set()
    for cell in set(cells):
        try:
            table[cell] = parse(cell)
        except ValueError as exc:
            bad.add(cell)
            table[cell] = None
            message = str(exc)
            for n, value in enumerate(cells):
                if value == cell:
                    problems.add(first_row + n, column, message)
                    break
    return [table[cell] for cell in cells]


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(cell: str) -> float:
        text = cell.strip()
        if not text:
            return float("nan")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if not value.is_integer() or not low <= value <= high:
            raise ValueError(f"{text} is not a whole number from {low:g} to {high:g}")
        return value
    return parse


def check_block(content: Mapping[str, Any], header: Sequence[str], cells: Sequence[Sequence[str]], *,
                first_row: int, zone: dt.tzinfo, touch_points: Mapping[str, int], problems: Problems) -> Block:
    """The block's columns (`cells` is one sequence of cells per header column), with every
    problem added to `problems`."""
    by_name = dict(zip(header, cells, strict=True))
    rows = len(cells[0]) if cells else 0
    columns: dict[str, Column] = {}
    for _, question in instrument.questions(content):
        for key in instrument.answer_keys(question):
            if key in by_name:
                columns[key] = _column(content, question, key, by_name[key], first_row, problems)
    _check_conditions(content, columns, rows, first_row, problems)
    languages = content["languages"]
    return Block(
        first_row, rows, columns,
        _lookup(by_name["completed_at"], _moment(zone), "completed_at", first_row, problems),
        _lookup(by_name["touch_point"], _place(touch_points), "touch_point", first_row, problems)
        if "touch_point" in by_name else [None] * rows,
        _lookup(by_name["language"], _language(languages), "language", first_row, problems)
        if "language" in by_name else [languages[0]] * rows,
        _segments(content, columns, by_name.get("segment"), rows),
    )


def _column(content: Mapping[str, Any], question: Mapping[str, Any], key: str, cells: Sequence[str],
            first_row: int, problems: Problems) -> Column:
    kind = question["type"]
    if kind == "text" or (kind == "contact" and key != question["id"]):
        limit = question.get("max_length", instrument.TEXT_MAX) if kind == "text" else 200
        texts = [cell.strip() for cell in cells]
        problems.add_rows(np.array([len(text) > limit for text in texts]), first_row, key,
                          f"is longer than {limit} characters")
        return Column(key, texts=texts)
    if kind == "single":
        options = {option["value"] for option in question["options"]}

        def choice(cell: str) -> str:
            text = cell.strip()
            if text and text not in options:
                raise ValueError(f"{text!r} is not one of the options ({', '.join(sorted(options))})")
            return text
        return Column(key, texts=_lookup(cells, choice, key, first_row, problems))
    low, high = instrument._range(question, content["scale"]) if kind != "multiple" else (0, 1)
    values = _lookup(cells, _number(low, high), key, first_row, problems)
    return Column(key, numbers=np.array([np.nan if v is None else v for v in values], dtype=np.float64))


def _shown(question: Mapping[str, Any], columns: Mapping[str, Column], rows: int) -> NDArray[np.bool_]:
    condition = question.get("condition")
    if not condition:
        return np.ones(rows, dtype=bool)
    target = condition["question"]
    if condition["op"] == "answered":
        related = [column.answered for key, column in columns.items()
                   if key == target or key.startswith(target + ".") or key.startswith(target + ":")]
        return np.logical_or.reduce(related) if related else np.zeros(rows, dtype=bool)
    column = columns.get(target)
    if column is None:
        return np.zeros(rows, dtype=bool)
    wanted = condition.get("value")
    values: Any = column.numbers if column.numbers is not None else np.array(column.texts, dtype=object)
    answered = column.answered
    with np.errstate(invalid="ignore"):
        match condition["op"]:
            case "eq":
                return answered & (values == wanted)
            case "ne":
                return answered & (values != wanted)
            case "lte":
                return answered & (values <= wanted) if column.numbers is not None else np.zeros(rows, bool)
            case "gte":
                return answered & (values >= wanted) if column.numbers is not None else np.zeros(rows, bool)
            case _:
                return answered & np.isin(values, list(wanted))


def _check_conditions(content: Mapping[str, Any], columns: Mapping[str, Column], rows: int, first_row: int,
                      problems: Problems) -> None:
    for _, question in instrument.questions(content):
        keys = [key for key in instrument.answer_keys(question) if key in columns]
        shown = _shown(question, columns, rows)
        for key in keys:
            problems.add_rows(columns[key].answered & ~shown, first_row, key,
                              "answers a question hidden by its condition")
        if question.get("required"):
            needed = instrument.answer_keys(question)
            if question["type"] in ("multiple", "contact"):
                answered = np.logical_or.reduce([columns[k].answered for k in needed if k in columns]) \
                    if any(k in columns for k in needed) else np.zeros(rows, dtype=bool)
                if question["type"] == "contact":
                    answered = columns[question["id"]].answered if question["id"] in columns \
                        else np.zeros(rows, dtype=bool)
            else:
                answered = np.logical_and.reduce([columns[k].answered if k in columns
                                                  else np.zeros(rows, dtype=bool) for k in needed])
            problems.add_rows(shown & ~answered, first_row, question["id"], "this question is required")


def _moment(zone: dt.tzinfo) -> Callable[[str], dt.datetime]:
    def parse(cell: str) -> dt.datetime:
        text = cell.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
                return dt.datetime.combine(day, dt.time(12), zone)
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return parse


def _place(touch_points: Mapping[str, int]) -> Callable[[str], int | None]:
    def parse(cell: str) -> int | None:
        text = cell.strip()
        if not text:
            return None
        if text not in touch_points:
            raise ValueError(f"{text!r} is not a touch point of this organisation (its id or code)")
        return touch_points[text]
    return parse


def _language(languages: Sequence[str]) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        text = cell.strip() or languages[0]
        if text not in languages:
            raise ValueError(f"{text!r} is not a language of this survey ({', '.join(languages)})")
        return text
    return parse


def _segments(content: Mapping[str, Any], columns: Mapping[str, Column], given: Sequence[str] | None,
              rows: int) -> list[str]:
    for _, question in instrument.questions(content):
        if question["type"] == "single" and question.get("segment") and question["id"] in columns:
            return list(columns[question["id"]].texts or [])
    return [cell.strip()[:60] for cell in given] if given is not None else [""] * rows
