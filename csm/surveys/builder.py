"""The survey builder's form, pure Python: the posted fields of the builder page read back into a
draft (instrument.py's format), and the edits its buttons make. `builder_editor.py` draws a draft
as those fields.

Field names are positional: `p1.q0.text.en` is the English text of the first question of the
second page, `p1.q0.o2.label.pl` the Polish label of its third option, `p1.q0.r0.id` the id of its
first matrix row; `pages`, `p1.questions`, `p1.q0.options` and `p1.q0.rows` are the counts. Each
question also posts the JSON it was drawn from (`p1.q0.json`), so the keys the form does not show
(a row's characteristic, anything set in the JSON editor) survive a save, and a draft read back
unchanged is equal to the one drawn: saving an untouched builder never makes a new version.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from csm.surveys.instrument import CONDITION_OPS, LANGUAGES, SCALES, TYPES
from csm.surveys.starter import row_id

Form = Mapping[str, Sequence[str]]
MAX_PAGES, MAX_QUESTIONS, MAX_CHOICES = 50, 200, 100
SCALE_NAMES = {f"{low}-{high}": (low, high) for low, high in SCALES}


@dataclass(frozen=True)
class BankItem:
    """An item bank entry as the builder uses it: a matrix row or a rating tied to the blueprint."""

    code: str
    label: Mapping[str, str]
    characteristic: int | None = None
    touch_point: int | None = None


def one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return str(values[-1])


def words(form: Form, prefix: str) -> dict[str, str]:
    """{language: text} from `<prefix>.<language>`, leaving out the blank ones."""
    found = {lang: one(form, f"{prefix}.{lang}").strip() for lang in LANGUAGES}
    return {lang: text for lang, text in found.items() if text}


def number(text: str) -> int | float | str | None:
    """A posted number as JSON keeps it: whole numbers as int; what is not a number stays text (the
    check names it); blank is None."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or drop it when `value` is empty; an empty value that was already empty (or
    absent) is left as it was, so a draft read back unchanged stays equal."""
    if value in (None, False, "", {}, []):
        if target.get(key) not in (None, False, "", {}, []):
            del target[key]
        return
    target[key] = value


def _count(form: Form, name: str, limit: int) -> int:
    text = one(form, name)
    return min(int(text), limit) if text.isdigit() else 0


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _scale(text: str) -> dict[str, Any]:
    low, high = SCALE_NAMES.get(text, (None, None))
    return {"min": low, "max": high}


# Reading the form ----------------------------------------------------------------------------------

def read(form: Form, *, base: Mapping[str, Any], bank: Mapping[str, BankItem],
         scale_locked: bool = False) -> dict[str, Any]:
    """The draft the posted builder form describes. `base` is the draft it was drawn from: its other
    top-level keys are kept, and its scale when `scale_locked` (a published survey's scale cannot
    change)."""
    content = copy.deepcopy({key: value for key, value in base.items() if key != "pages"})
    content["languages"] = [lang for lang in LANGUAGES if lang in (form.get("languages") or ())]
    content["title"] = words(form, "title")
    for name in ("intro", "thanks"):
        put(content, name, words(form, name))
    scale = dict(content.get("scale") or {}) if scale_locked else _scale(one(form, "scale"))
    content["scale"] = {**scale, "satisfied_min": number(one(form, "satisfied_min"))}
    content["pages"] = [_read_page(form, p, bank) for p in range(_count(form, "pages", MAX_PAGES))]
    return content


def _read_page(form: Form, p: int, bank: Mapping[str, BankItem]) -> dict[str, Any]:
    prefix = f"p{p}"
    page: dict[str, Any] = {"id": one(form, f"{prefix}.id").strip() or f"page_{p + 1}"}
    put(page, "title", words(form, f"{prefix}.title"))
    count = _count(form, f"{prefix}.questions", MAX_QUESTIONS)
    page["questions"] = [_read_question(form, f"{prefix}.q{q}", bank) for q in range(count)]
    return page


def _read_question(form: Form, prefix: str, bank: Mapping[str, BankItem]) -> dict[str, Any]:
    question = _json_object(one(form, f"{prefix}.json"))
    question["id"] = one(form, f"{prefix}.id").strip()
    put(question, "text", words(form, f"{prefix}.text"))
    put(question, "required", f"{prefix}.required" in form)
    _read_condition(question, form, prefix)
    reader = _READERS.get(str(question.get("type")))
    if reader is not None:
        reader(question, form, prefix, bank)
    return question


def _read_condition(question: dict[str, Any], form: Form, prefix: str) -> None:
    target = one(form, f"{prefix}.if.question").strip()
    if not target:
        put(question, "condition", None)
        return
    op = one(form, f"{prefix}.if.op")
    condition: dict[str, Any] = {"question": target, "op": op if op in CONDITION_OPS else "eq"}
    if condition["op"] != "answered":
        text = one(form, f"{prefix}.if.value")
        condition["value"] = ([number(part) for part in text.split(",") if part.strip()]
                              if condition["op"] == "in" else number(text))
    question["condition"] = condition


def _read_rating(question: dict[str, Any], form: Form, prefix: str, bank: Mapping[str, BankItem]) -> None:
    scale = _scale(one(form, f"{prefix}.scale"))
    for end in ("low", "high"):
        put(scale, end, words(form, f"{prefix}.{end}"))
    question["scale"] = scale
    role = one(form, f"{prefix}.role")
    put(question, "role", role or None)
    code = one(form, f"{prefix}.item")
    if code != (question.get("item") or ""):
        _tie(question, bank.get(code))


def _tie(target: dict[str, Any], item: BankItem | None) -> None:
    """Tie a rating or matrix row to an item of the bank (and so to the blueprint), or untie it."""
    put(target, "item", item.code if item else None)
    put(target, "characteristic", item.characteristic if item else None)
    put(target, "touch_point", item.touch_point if item else None)


def _read_options(question: dict[str, Any], form: Form, prefix: str, bank: Mapping[str, BankItem]) -> None:
    count = _count(form, f"{prefix}.options", MAX_CHOICES)
    question["options"] = [{"value": one(form, f"{prefix}.o{k}.value").strip(),
                            "label": words(form, f"{prefix}.o{k}.label")} for k in range(count)]
    if question.get("type") == "single":
        put(question, "segment", f"{prefix}.segment" in form)


def _read_matrix(question: dict[str, Any], form: Form, prefix: str, bank: Mapping[str, BankItem]) -> None:
    put(question, "second", one(form, f"{prefix}.second") or None)
    given = question.get("rows")
    before: list[Any] = given if isinstance(given, list) else []
    rows = []
    for k in range(_count(form, f"{prefix}.rows", MAX_CHOICES)):
        old = before[k] if k < len(before) and isinstance(before[k], dict) else {}
        row = {**old, "id": one(form, f"{prefix}.r{k}.id").strip()}
        put(row, "label", words(form, f"{prefix}.r{k}.label"))
        rows.append(row)
    question["rows"] = rows


def _read_text(question: dict[str, Any], form: Form, prefix: str, bank: Mapping[str, BankItem]) -> None:
    put(question, "max_length", number(one(form, f"{prefix}.max_length")))


_READERS: dict[str, Callable[[dict[str, Any], Form, str, Mapping[str, BankItem]], None]] = {
    "rating": _read_rating, "single": _read_options, "multiple": _read_options, "matrix": _read_matrix,
    "text": _read_text,
}


# Edits ---------------------------------------------------------------------------------------------

def question_ids(content: Mapping[str, Any]) -> set[str]:
    return {str(q.get("id")) for page in content.get("pages", []) for q in page.get("questions", [])
            if isinstance(q, Mapping)}


def unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def new_question(kind: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """A blank question of `kind` with an id not used yet: its text is for the manager to write."""
    question: dict[str, Any] = {"id": unique(kind, question_ids(content)), "type": kind, "required": False,
                                "text": {}}
    if kind == "rating":
        scale = content.get("scale") or {}
        question["scale"] = {"min": scale.get("min", 1), "max": scale.get("max", 5)}
    elif kind in ("single", "multiple"):
        question["options"] = [{"value": "option_1", "label": {}}, {"value": "option_2", "label": {}}]
    elif kind == "matrix":
        question.update(second="importance", rows=[])
    elif kind == "text":
        question["max_length"] = 2000
    return question


def anchor(p: int, q: int | None = None) -> str:
    return f"page-{p}" if q is None else f"q-{p}-{q}"


def apply(content: dict[str, Any], op: str, form: Form, bank: Mapping[str, BankItem]) -> tuple[dict[str, Any], str]:
    """Make the edit `op` names (`add_question:1`, `down:0:2`, `remove_row:0:0:3`, ...) on the
    content read from the form; returns it with the anchor of what the edit touched. An unknown
    edit or a position that does not exist changes nothing."""
    name, _, rest = op.partition(":")
    parts = rest.split(":") if rest else []
    edit = _EDITS.get(name)
    if edit is None or not all(part.isdigit() for part in parts):
        return content, ""
    try:
        return content, edit(content, form, bank, *(int(part) for part in parts))
    except (IndexError, KeyError, TypeError):
        return content, ""


def _questions(content: dict[str, Any], p: int) -> list[Any]:
    questions: list[Any] = content["pages"][p]["questions"]
    return questions


def _question(content: dict[str, Any], p: int, q: int) -> dict[str, Any]:
    question: dict[str, Any] = _questions(content, p)[q]
    return question


def _add_question(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int) -> str:
    kind = one(form, f"p{p}.new_type")
    if kind not in TYPES:
        return anchor(p)
    _questions(content, p).append(new_question(kind, content))
    return anchor(p, len(_questions(content, p)) - 1)


def _remove_question(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    _questions(content, p).pop(q)
    return anchor(p)


def _move_up(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    """One place up; the first of a page goes to the end of the page before."""
    questions = _questions(content, p)
    question = questions[q]
    if q > 0:
        questions[q - 1], questions[q] = question, questions[q - 1]
        return anchor(p, q - 1)
    if p == 0:
        return anchor(p, q)
    questions.pop(0)
    _questions(content, p - 1).append(question)
    return anchor(p - 1, len(_questions(content, p - 1)) - 1)


def _move_down(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    """One place down; the last of a page goes to the start of the page after."""
    questions = _questions(content, p)
    question = questions[q]
    if q < len(questions) - 1:
        questions[q + 1], questions[q] = question, questions[q + 1]
        return anchor(p, q + 1)
    if p == len(content["pages"]) - 1:
        return anchor(p, q)
    questions.pop()
    _questions(content, p + 1).insert(0, question)
    return anchor(p + 1, 0)


def _add_page(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem]) -> str:
    taken = {str(page.get("id")) for page in content["pages"]}
    content["pages"].append({"id": unique(f"page_{len(content['pages']) + 1}", taken), "questions": []})
    return anchor(len(content["pages"]) - 1)


def _remove_page(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int) -> str:
    if len(content["pages"]) > 1:
        content["pages"].pop(p)
    return anchor(max(p - 1, 0))


def _page_up(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int) -> str:
    pages = content["pages"]
    if p == 0:
        return anchor(0)
    pages[p - 1], pages[p] = pages[p], pages[p - 1]
    return anchor(p - 1)


def _page_down(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int) -> str:
    pages = content["pages"]
    if p >= len(pages) - 1:
        return anchor(p)
    pages[p + 1], pages[p] = pages[p], pages[p + 1]
    return anchor(p + 1)


def _add_option(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    options = _question(content, p, q).setdefault("options", [])
    taken = {str(option.get("value")) for option in options if isinstance(option, Mapping)}
    options.append({"value": unique(f"option_{len(options) + 1}", taken), "label": {}})
    return anchor(p, q)


def _remove_option(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int,
                   k: int) -> str:
    _question(content, p, q)["options"].pop(k)
    return anchor(p, q)


def _add_row(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    rows = _question(content, p, q).setdefault("rows", [])
    rows.append({"id": row_id(f"row_{len(rows) + 1}", _row_ids(rows)), "label": {}})
    return anchor(p, q)


def _add_bank_rows(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int) -> str:
    """A row for each item ticked in the bank, tied to it; an item the matrix has already is skipped."""
    rows = _question(content, p, q).setdefault("rows", [])
    present = {row.get("item") for row in rows if isinstance(row, Mapping)}
    for code in form.get(f"p{p}.q{q}.bank") or ():
        item = bank.get(code)
        if item is None or code in present:
            continue
        row: dict[str, Any] = {"id": row_id(code, _row_ids(rows)), "label": dict(item.label)}
        _tie(row, item)
        rows.append(row)
        present.add(code)
    return anchor(p, q)


def _row_ids(rows: list[Any]) -> set[str]:
    return {str(row.get("id")) for row in rows if isinstance(row, Mapping)}


def _remove_row(content: dict[str, Any], form: Form, bank: Mapping[str, BankItem], p: int, q: int, k: int) -> str:
    _question(content, p, q)["rows"].pop(k)
    return anchor(p, q)


_EDITS: dict[str, Callable[..., str]] = {
    "add_question": _add_question, "remove_question": _remove_question, "up": _move_up, "down": _move_down,
    "add_page": _add_page, "remove_page": _remove_page, "page_up": _page_up, "page_down": _page_down,
    "add_option": _add_option, "remove_option": _remove_option, "add_row": _add_row,
    "add_bank_rows": _add_bank_rows, "remove_row": _remove_row,
}
