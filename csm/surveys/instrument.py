"""A survey's questions (its draft and its published versions), pure Python: the format, its
validation, display conditions, the checking of answers, and the measurement spec it implies.

The content is JSON:

    {"languages": ["en", "pl", "zh-Hans"],
     "title": {"en": ...}, "intro": {...}, "thanks": {...},
     "scale": {"min": 1, "max": 5, "satisfied_min": 4},      # the rated items' and overall's scale
     "pages": [{"id": "p1", "title": {...}, "questions": [question, ...]}]}

A question is {"id", "type", "text": {lang: words}, "required": bool, "condition"?: {"question",
"op", "value"}} plus, by type:
- `rating`: "scale" {"min", "max", "low"?, "high"?} (1-5, 1-7, 1-10 or 0-10, labelled ends) and
  "role": "item" (a rated service characteristic, counted in the index), "overall" or none;
  "item" (the item bank's code), "characteristic" and "touch_point" (ids) tie it to the blueprint.
- `single` may say "segment": true: its answer is the response's segment (quotas, comparisons).
- `nps` (0-10), `ces` (1-7, "the organisation made it easy"), `yes_no` (1 or 0), `text`
  ("max_length"), `single` and `multiple` ("options": [{"value", "label"}]).
- `matrix`: "rows" [{"id", "label", "item"?, "characteristic"?, "touch_point"?}], each rated on the
  survey's scale for satisfaction and, with "second": "importance" or "expectation", for that too.
- `contact`: "may we contact you?" (1 or 0) with name, e-mail and phone; not in anonymous surveys.

Answer keys: the question id; `<id>.<row>` and `<id>.<row>.second` for a matrix;
`<id>:<option>` for each option chosen in a multiple choice; `<id>.name`, `.email`, `.phone` for
a contact. A condition shows its question only when an earlier answer is `eq`, `ne`, `lte`,
`gte` or `in` its value, or is `answered`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "pl", "zh-Hans")
TYPES = ("rating", "nps", "ces", "single", "multiple", "yes_no", "text", "matrix", "contact")
SCALES = ((1, 5), (1, 7), (1, 10), (0, 10))
CONDITION_OPS = ("eq", "ne", "lte", "gte", "in", "answered")
ROLES = (None, "item", "overall")
SECONDS = (None, "importance", "expectation")
CONTACT_FIELDS = ("name", "email", "phone")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT_MAX = 4000


class ContentError(ValueError):
    """Survey content that cannot be published, with where (`pages[0].questions[2].scale`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


class AnswerError(ValueError):
    """Answers that cannot be accepted: {answer key or question id: message}."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Value:
    number: float | None = None
    text: str = ""


def questions(content: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(page index, question) in order."""
    for p, page in enumerate(content.get("pages", [])):
        for question in page.get("questions", []):
            yield p, question


# Validation ---------------------------------------------------------------------------------------

def validate(content: Mapping[str, Any], *, anonymous: bool) -> None:
    """Raise ContentError at the first problem that would stop `content` being published."""
    found = problems(content, anonymous=anonymous)
    if found:
        raise found[0]


def problems(content: Mapping[str, Any], *, anonymous: bool) -> list[ContentError]:
    """Every problem that would stop `content` being published, in order: the first of each page
    and question (later checks of a question depend on its earlier ones), and the survey-wide ones.
    Nothing after the languages or the scale is checked while they are wrong, since the rest is
    read through them."""
    if not isinstance(content, Mapping):
        return [ContentError("", "must be an object")]
    languages = content.get("languages")
    if not isinstance(languages, list) or not languages or any(lang not in LANGUAGES for lang in languages):
        return [ContentError("languages", f"must list some of {', '.join(LANGUAGES)}")]
    found = _collect(_text, content.get("title"), "title", languages)
    scale = content.get("scale")
    if not isinstance(scale, Mapping) or (scale.get("min"), scale.get("max")) not in SCALES:
        return [*found, ContentError("scale", "must be 1-5, 1-7, 1-10 or 0-10")]
    if not _number(scale.get("satisfied_min")) or not scale["min"] <= scale["satisfied_min"] <= scale["max"]:
        found.append(ContentError("scale.satisfied_min", "must be on the scale"))
    pages = content.get("pages")
    if not isinstance(pages, list) or not pages:
        return [*found, ContentError("pages", "must be a non-empty list")]
    questions_found = _page_problems(pages, content, anonymous=anonymous)
    if questions_found:
        return found + questions_found
    if not measured_items(content):
        found.append(ContentError("pages", "need at least one rated item (a rating with role \"item\" or a matrix)"))
    if sum(1 for _, q in questions(content) if q.get("role") == "overall") > 1:
        found.append(ContentError("pages", "may have only one overall rating"))
    return found


def _page_problems(pages: list[Any], content: Mapping[str, Any], *, anonymous: bool) -> list[ContentError]:
    found: list[ContentError] = []
    seen: dict[str, Mapping[str, Any]] = {}
    for p, page in enumerate(pages):
        where = f"pages[{p}]"
        if not isinstance(page, Mapping) or not isinstance(page.get("questions"), list) or not page["questions"]:
            found.append(ContentError(where, "needs a non-empty list of questions"))
            continue
        for q, question in enumerate(page["questions"]):
            found += _collect(_question, question, f"{where}.questions[{q}]", content, seen, anonymous=anonymous)
            # A later condition may name it once its id and type are sound, whatever else is wrong.
            if (isinstance(question, Mapping) and isinstance(question.get("id"), str) and _ID.match(question["id"])
                    and question["id"] not in seen and question.get("type") in TYPES):
                seen[question["id"]] = question
    return found


def _collect(check: Callable[..., None], *args: Any, **kwargs: Any) -> list[ContentError]:
    try:
        check(*args, **kwargs)
    except ContentError as exc:
        return [exc]
    return []


def _question(question: Any, where: str, content: Mapping[str, Any], seen: Mapping[str, Mapping[str, Any]],
              *, anonymous: bool) -> None:
    languages = content["languages"]
    if not isinstance(question, Mapping):
        raise ContentError(where, "must be an object")
    qid, kind = question.get("id"), question.get("type")
    if not isinstance(qid, str) or not _ID.match(qid):
        raise ContentError(f"{where}.id", "must be a lower-case id of up to 30 letters, digits and _")
    if qid in seen:
        raise ContentError(f"{where}.id", f"repeats {qid!r}")
    if kind not in TYPES:
        raise ContentError(f"{where}.type", f"must be one of {', '.join(TYPES)}")
    _text(question.get("text"), f"{where}.text", languages)
    if not isinstance(question.get("required", False), bool):
        raise ContentError(f"{where}.required", "must be true or false")
    if question.get("role") not in ROLES or (question.get("role") and kind != "rating"):
        raise ContentError(f"{where}.role", "must be \"item\" or \"overall\", on a rating only")
    if kind == "rating":
        _rating_scale(question, where, content)
    elif kind in ("single", "multiple"):
        _options(question.get("options"), f"{where}.options", languages)
    elif kind == "matrix":
        _rows(question, where, languages)
    elif kind == "text" and not (isinstance(question.get("max_length", TEXT_MAX), int)
                                 and 1 <= question.get("max_length", TEXT_MAX) <= TEXT_MAX):
        raise ContentError(f"{where}.max_length", f"must be from 1 to {TEXT_MAX}")
    elif kind == "contact" and anonymous:
        raise ContentError(f"{where}.type", "an anonymous survey cannot ask for contact details")
    if question.get("condition") is not None:
        _condition(question["condition"], f"{where}.condition", seen)


def _rating_scale(question: Mapping[str, Any], where: str, content: Mapping[str, Any]) -> None:
    scale = question.get("scale")
    if not isinstance(scale, Mapping) or (scale.get("min"), scale.get("max")) not in SCALES:
        raise ContentError(f"{where}.scale", "must be 1-5, 1-7, 1-10 or 0-10")
    for end in ("low", "high"):
        if scale.get(end) is not None:
            _text(scale[end], f"{where}.scale.{end}", content["languages"])
    survey_scale = content["scale"]
    if question.get("role") and (scale["min"], scale["max"]) != (survey_scale["min"], survey_scale["max"]):
        raise ContentError(f"{where}.scale", "a rated item or the overall rating must use the survey's scale")


def _options(options: Any, where: str, languages: list[str]) -> None:
    if not isinstance(options, list) or len(options) < 2:
        raise ContentError(where, "needs at least two options")
    values = set()
    for n, option in enumerate(options):
        if not isinstance(option, Mapping) or not isinstance(option.get("value"), str) or not _ID.match(option["value"]):
            raise ContentError(f"{where}[{n}].value", "must be a lower-case id")
        if option["value"] in values:
            raise ContentError(f"{where}[{n}].value", f"repeats {option['value']!r}")
        values.add(option["value"])
        _text(option.get("label"), f"{where}[{n}].label", languages)


def _rows(question: Mapping[str, Any], where: str, languages: list[str]) -> None:
    rows = question.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ContentError(f"{where}.rows", "must be a non-empty list")
    if question.get("second") not in SECONDS:
        raise ContentError(f"{where}.second", "must be \"importance\", \"expectation\" or absent")
    ids = set()
    for n, row in enumerate(rows):
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), str) or not _ID.match(row["id"]):
            raise ContentError(f"{where}.rows[{n}].id", "must be a lower-case id")
        if row["id"] in ids:
            raise ContentError(f"{where}.rows[{n}].id", f"repeats {row['id']!r}")
        ids.add(row["id"])
        _text(row.get("label"), f"{where}.rows[{n}].label", languages)


def _condition(condition: Any, where: str, seen: Mapping[str, Mapping[str, Any]]) -> None:
    if not isinstance(condition, Mapping) or condition.get("op") not in CONDITION_OPS:
        raise ContentError(where, f"needs an \"op\" of {', '.join(CONDITION_OPS)}")
    target = seen.get(condition.get("question", ""))
    if target is None:
        raise ContentError(f"{where}.question", "must name an earlier question")
    if target["type"] in ("matrix", "multiple", "contact", "text") and condition["op"] != "answered":
        raise ContentError(f"{where}.op", "only \"answered\" applies to this question's type")
    value = condition.get("value")
    if condition["op"] == "in" and not isinstance(value, list):
        raise ContentError(f"{where}.value", "must be a list for \"in\"")
    if condition["op"] in ("lte", "gte") and not _number(value):
        raise ContentError(f"{where}.value", "must be a number")


def _text(value: Any, where: str, languages: list[str]) -> None:
    if not isinstance(value, Mapping):
        raise ContentError(where, "must give the words per language")
    for lang in languages:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise ContentError(f"{where}.{lang}", "is missing")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# Conditions and answers ---------------------------------------------------------------------------

def is_shown(question: Mapping[str, Any], answers: Mapping[str, Value]) -> bool:
    """Whether the question's condition holds for the answers so far (no condition: shown)."""
    condition = question.get("condition")
    if not condition:
        return True
    given = answers.get(condition["question"])
    if condition["op"] == "answered":
        return given is not None or any(key.startswith(condition["question"] + ".") or
                                        key.startswith(condition["question"] + ":") for key in answers)
    if given is None:
        return False
    actual: Any = given.number if given.number is not None else given.text
    wanted = condition.get("value")
    match condition["op"]:
        case "eq":
            return bool(actual == wanted)
        case "ne":
            return bool(actual != wanted)
        case "lte":
            return given.number is not None and given.number <= wanted
        case "gte":
            return given.number is not None and given.number >= wanted
        case _:
            return actual in wanted


def check_answers(content: Mapping[str, Any], raw: Mapping[str, Any], *, complete: bool) -> dict[str, Value]:
    """The answers as Values, or AnswerError naming every problem: an unknown key, a value off its
    scale or not an option, an answer to a question its condition hides, and (when `complete`) a
    required shown question left blank. Blank strings and None are "not answered"."""
    given = {key: value for key, value in raw.items() if not _blank(value)}
    errors: dict[str, str] = {}
    out: dict[str, Value] = {}
    known: set[str] = set()
    for _, question in questions(content):
        keys = answer_keys(question)
        known.update(keys)
        shown = is_shown(question, out)
        mine = {key: given[key] for key in keys if key in given}
        if not shown:
            if mine:
                errors[question["id"]] = "this question is hidden by its condition and cannot be answered"
            continue
        for key, value in mine.items():
            try:
                out[key] = _value(question, key, value, content["scale"])
            except ValueError as exc:
                errors[key] = str(exc)
        if complete and question.get("required") and not _complete(question, out):
            errors.setdefault(question["id"], "this question is required")
    for key in given:
        if key not in known:
            errors[key] = "no such question"
    if errors:
        raise AnswerError(errors)
    return out


def missing_on_page(content: Mapping[str, Any], page: int, answers: Mapping[str, Value]) -> list[str]:
    """The ids of the page's shown, required questions left unanswered (for "Next")."""
    return [question["id"] for p, question in questions(content)
            if p == page and question.get("required") and is_shown(question, answers)
            and not _complete(question, answers)]


def answer_keys(question: Mapping[str, Any]) -> list[str]:
    qid = question["id"]
    match question["type"]:
        case "matrix":
            second = [f"{qid}.{row['id']}.second" for row in question["rows"]] if question.get("second") else []
            return [f"{qid}.{row['id']}" for row in question["rows"]] + second
        case "multiple":
            return [f"{qid}:{option['value']}" for option in question["options"]]
        case "contact":
            return [qid] + [f"{qid}.{name}" for name in CONTACT_FIELDS]
        case _:
            return [qid]


def _complete(question: Mapping[str, Any], answers: Mapping[str, Value]) -> bool:
    keys = answer_keys(question)
    if question["type"] == "multiple":
        return any(key in answers for key in keys)
    if question["type"] == "contact":
        return question["id"] in answers
    return all(key in answers for key in keys)


def _value(question: Mapping[str, Any], key: str, value: Any, survey_scale: Mapping[str, Any]) -> Value:
    kind = question["type"]
    if kind == "text" or (kind == "contact" and key != question["id"]):
        return _words(question, key, value)
    if kind == "single":
        if value not in {option["value"] for option in question["options"]}:
            raise ValueError(f"{value!r} is not one of the options")
        return Value(text=str(value))
    low, high = _range(question, survey_scale)
    number = _to_number(value)
    if kind == "multiple":
        low, high = 0, 1
    if number is None or not number.is_integer() or not low <= number <= high:
        raise ValueError(f"must be a whole number from {low:g} to {high:g}")
    return Value(number=number)


def _words(question: Mapping[str, Any], key: str, value: Any) -> Value:
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    limit = question.get("max_length", TEXT_MAX) if question["type"] == "text" else 200
    if len(text) > limit:
        raise ValueError(f"must be at most {limit} characters")
    if key.endswith(".email") and not _EMAIL.match(text):
        raise ValueError("is not an e-mail address")
    return Value(text=text)


def _range(question: Mapping[str, Any], survey_scale: Mapping[str, Any]) -> tuple[float, float]:
    match question["type"]:
        case "rating":
            return question["scale"]["min"], question["scale"]["max"]
        case "matrix":
            return survey_scale["min"], survey_scale["max"]
        case "nps":
            return 0, 10
        case "ces":
            return 1, 7
        case _:
            return 0, 1


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Measurement --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasuredItem:
    id: str  # the item bank code, else the answer key
    key: str
    second_key: str | None
    label: Mapping[str, str]
    characteristic: int | None
    touch_point: int | None


def measured_items(content: Mapping[str, Any]) -> list[MeasuredItem]:
    """The rated service characteristics, in order: ratings with role "item", and matrix rows."""
    items = []
    for _, question in questions(content):
        if question.get("type") == "rating" and question.get("role") == "item":
            items.append(MeasuredItem(question.get("item") or question["id"], question["id"], None,
                                      question["text"], question.get("characteristic"), question.get("touch_point")))
        elif question.get("type") == "matrix":
            for row in question.get("rows", []):
                key = f"{question['id']}.{row['id']}"
                items.append(MeasuredItem(row.get("item") or key, key,
                                          f"{key}.second" if question.get("second") == "importance" else None,
                                          row["label"], row.get("characteristic"), row.get("touch_point")))
    return items


def matrix_scale(content: Mapping[str, Any]) -> dict[str, Any]:
    return {"min": content["scale"]["min"], "max": content["scale"]["max"]}


def measurement_spec(content: Mapping[str, Any]) -> dict[str, Any]:
    """The spec (measure.parse_spec's format) whose columns are the answer keys; item ids repeat
    across versions when they come from the item bank, so versions can be compared."""
    items, seen = [], set()
    for item in measured_items(content):
        if item.id in seen:
            raise ContentError("pages", f"the item {item.id!r} is asked twice")
        seen.add(item.id)
        entry: dict[str, Any] = {"id": item.id, "satisfaction": item.key}
        if item.second_key:
            entry["importance"] = item.second_key
        items.append(entry)
    spec: dict[str, Any] = {"scale": matrix_scale(content), "satisfied_min": content["scale"]["satisfied_min"],
                            "items": items}
    for _, question in questions(content):
        if question.get("role") == "overall":
            spec["overall"] = question["id"]
        elif question["type"] in ("nps", "ces") and question["type"] not in spec:
            spec[question["type"]] = question["id"]
    return spec


def segment_of(content: Mapping[str, Any], answers: Mapping[str, Value]) -> str:
    """The answer to the first single choice marked "segment", or ""."""
    for _, question in questions(content):
        if question["type"] == "single" and question.get("segment"):
            given = answers.get(question["id"])
            return given.text if given else ""
    return ""
