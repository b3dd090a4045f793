"""The builder's form (pure): posted fields read back into a draft, keeping what the form does not
show, and every edit of its buttons; and the draft drawn as the form (builder_editor)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from csm.surveys import builder, builder_editor
from csm.surveys.builder import BankItem
from csm.surveys.starter import RatedItem, post_service, words

BANK = {"wifi-speed": BankItem("wifi-speed", words("Wi-Fi", "Wi-Fi", "无线网络"), 5, 6),
        "room-clean": BankItem("room-clean", words("Room", "Pokój", "客房"), 7, None)}
W = words("Word", "Słowo", "词")


def content() -> dict[str, Any]:
    return copy.deepcopy(post_service([RatedItem("room", words("Room", "Pokój", "客房"), "room-clean", 7, 3)]))


def form_of(data: dict[str, Any]) -> dict[str, list[str]]:
    """The fields a browser posts for `data`, as the builder's template names them (from the drawn
    editor): inputs with their values, ticked boxes only."""
    editor = builder_editor.draw(data, BANK)
    form: dict[str, list[str]] = {"languages": list(editor.languages), "scale": [editor.scale],
                                  "satisfied_min": [editor.satisfied_min], "pages": [str(len(editor.pages))]}
    for text in (editor.title, editor.intro, editor.thanks):
        form.update(_words(text))
    for page in editor.pages:
        form.update({f"{page.prefix}.id": [page.id], f"{page.prefix}.questions": [str(len(page.questions))],
                     **_words(page.title)})
        for q in page.questions:
            form.update(_question(q))
    return form


def _words(text: builder_editor.Words | None) -> dict[str, list[str]]:
    return {f"{text.name}.{lang}": [value] for lang, value in text.values} if text else {}


def _question(q: builder_editor.QuestionView) -> dict[str, list[str]]:
    fields = {f"{q.prefix}.json": [q.json], f"{q.prefix}.id": [q.id], **_words(q.text),
              f"{q.prefix}.if.question": [q.condition[0]], f"{q.prefix}.if.op": [q.condition[1] or "eq"],
              f"{q.prefix}.if.value": [q.condition[2]]}
    if q.required:
        fields[f"{q.prefix}.required"] = ["on"]
    if q.type == "rating":
        fields.update({f"{q.prefix}.scale": [q.scale], f"{q.prefix}.role": [q.role], f"{q.prefix}.item": [q.item],
                       **_words(q.low), **_words(q.high)})
    if q.type in ("single", "multiple"):
        fields[f"{q.prefix}.options"] = [str(len(q.options))]
        for option in q.options:
            fields.update({f"{option.prefix}.value": [option.value], **_words(option.label)})
        if q.segment:
            fields[f"{q.prefix}.segment"] = ["on"]
    if q.type == "matrix":
        fields.update({f"{q.prefix}.second": [q.second], f"{q.prefix}.rows": [str(len(q.rows))]})
        for row in q.rows:
            fields.update({f"{row.prefix}.id": [row.value], **_words(row.label)})
    if q.type == "text":
        fields[f"{q.prefix}.max_length"] = [q.max_length]
    return fields


def read(form: dict[str, list[str]], base: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    return builder.read(form, base=base if base is not None else content(), bank=BANK, **kwargs)


# Reading -------------------------------------------------------------------------------------------

def test_an_untouched_form_reads_back_to_the_same_draft():
    data = content()
    data["pages"][1]["questions"].append({"id": "tags", "type": "multiple", "text": W, "custom": {"kept": True},
                                          "options": [{"value": "a", "label": W}, {"value": "b", "label": W}],
                                          "condition": {"question": "purpose", "op": "in", "value": ["business", 3]}})
    assert read(form_of(data), data) == data


def test_the_edited_fields_change_and_the_rest_is_kept():
    data = content()
    form = form_of(data)
    form.update({"title.en": ["  Tell us  "], "p0.q1.text.pl": [""], "p0.q1.required": [], "p0.q1.role": [""],
                 "p0.q0.second": [""], "p0.q0.r0.label.en": ["Bedroom"], "p1.q4.max_length": ["500"],
                 "p1.q3.if.op": ["gte"], "p1.q3.if.value": ["4.5"], "intro.en": [""], "intro.pl": [""],
                 "intro.zh-Hans": [""], "languages": ["en", "zh-Hans"]})
    del form["p0.q1.required"]
    got = read(form, data)
    assert got["title"]["en"] == "Tell us" and got["languages"] == ["en", "zh-Hans"] and "intro" not in got
    overall = got["pages"][0]["questions"][1]
    assert "pl" not in overall["text"] and "role" not in overall and not overall.get("required")
    matrix = got["pages"][0]["questions"][0]
    assert "second" not in matrix
    assert matrix["rows"][0] == {"id": "room", "label": words("Bedroom", "Pokój", "客房"), "item": "room-clean",
                                 "characteristic": 7, "touch_point": 3}
    assert got["pages"][1]["questions"][4]["max_length"] == 500
    assert got["pages"][1]["questions"][3]["condition"] == {"question": "overall", "op": "gte", "value": 4.5}


@pytest.mark.parametrize(("op", "typed", "value"), [
    ("eq", "3", 3), ("eq", "business", "business"), ("in", "a, b ,3", ["a", "b", 3]), ("lte", "x", "x"),
    ("ne", "", None),
])
def test_a_condition_value_is_read_as_a_number_where_it_is_one(op, typed, value):
    form = form_of(content())
    form.update({"p1.q1.if.question": ["overall"], "p1.q1.if.op": [op], "p1.q1.if.value": [typed]})
    assert read(form)["pages"][1]["questions"][1]["condition"] == {"question": "overall", "op": op, "value": value}


def test_answered_takes_no_value_and_no_question_means_no_condition():
    form = form_of(content())
    form.update({"p1.q1.if.question": ["overall"], "p1.q1.if.op": ["answered"], "p1.q1.if.value": ["9"]})
    assert read(form)["pages"][1]["questions"][1]["condition"] == {"question": "overall", "op": "answered"}
    form.update({"p1.q3.if.question": [""]})
    assert "condition" not in read(form)["pages"][1]["questions"][3]


def test_choosing_a_bank_item_ties_a_rating_to_the_blueprint_and_clearing_it_unties():
    data = content()
    data["pages"][1]["questions"].append({"id": "wifi", "type": "rating", "text": W, "scale": {"min": 1, "max": 5}})
    form = form_of(data)
    form["p1.q6.item"] = ["wifi-speed"]
    tied = read(form, data)["pages"][1]["questions"][6]
    assert (tied["item"], tied["characteristic"], tied["touch_point"]) == ("wifi-speed", 5, 6)
    form = form_of(read(form, data))
    form["p1.q6.item"] = [""]
    assert not {"item", "characteristic", "touch_point"} & set(read(form)["pages"][1]["questions"][6])


def test_a_published_scale_is_kept_whatever_is_posted():
    form = form_of(content())
    form["scale"] = ["0-10"]
    form["satisfied_min"] = ["5"]
    assert read(form, scale_locked=True)["scale"] == {"min": 1, "max": 5, "satisfied_min": 5}
    assert read(form)["scale"] == {"min": 0, "max": 10, "satisfied_min": 5}
    form["scale"] = ["2-9"]
    assert read(form)["scale"] == {"min": None, "max": None, "satisfied_min": 5}


def test_counts_are_capped_and_broken_json_is_ignored():
    form = form_of(content())
    form["pages"] = ["999999"]
    assert len(read(form)["pages"]) == builder.MAX_PAGES
    form = form_of(content())
    form["p1.q1.json"] = ["{not json"]
    assert read(form)["pages"][1]["questions"][1] == {"id": "nps", "text": content()["pages"][1]["questions"][1]["text"],
                                                      "required": True}


# Edits ---------------------------------------------------------------------------------------------

def edit(op: str, data: dict[str, Any] | None = None, **fields: list[str]) -> tuple[dict[str, Any], str]:
    data = data or content()
    return builder.apply(copy.deepcopy(data), op, {**form_of(data), **fields}, BANK)


def ids(data: dict[str, Any]) -> list[list[str]]:
    return [[q["id"] for q in page["questions"]] for page in data["pages"]]


@pytest.mark.parametrize(("kind", "extra"), [
    ("rating", {"scale": {"min": 1, "max": 5}}), ("nps", {}), ("ces", {}), ("yes_no", {}), ("contact", {}),
    ("single", {"options": [{"value": "option_1", "label": {}}, {"value": "option_2", "label": {}}]}),
    ("multiple", {"options": [{"value": "option_1", "label": {}}, {"value": "option_2", "label": {}}]}),
    ("matrix", {"second": "importance", "rows": []}), ("text", {"max_length": 2000}),
])
def test_add_question_appends_a_blank_question_of_the_chosen_type(kind, extra):
    got, focus = edit("add_question:0", **{"p0.new_type": [kind]})
    question = got["pages"][0]["questions"][2]
    expected_id = "nps_2" if kind == "nps" else kind
    assert question == {"id": expected_id, "type": kind, "required": False, "text": {}, **extra}
    assert focus == "q-0-2"


def test_an_unknown_type_adds_nothing():
    got, focus = edit("add_question:0", **{"p0.new_type": ["slider"]})
    assert ids(got) == ids(content()) and focus == "page-0"


@pytest.mark.parametrize(("op", "expected", "focus"), [
    ("up:1:1", [["chars", "overall"], ["nps", "purpose", "effort", "why_low", "comment", "contact_me"]], "q-1-0"),
    ("down:0:0", [["overall", "chars"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], "q-0-1"),
    ("up:1:0", [["chars", "overall", "purpose"], ["nps", "effort", "why_low", "comment", "contact_me"]], "q-0-2"),
    ("down:0:1", [["chars"], ["overall", "purpose", "nps", "effort", "why_low", "comment", "contact_me"]], "q-1-0"),
    ("up:0:0", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], "q-0-0"),
    ("down:1:5", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], "q-1-5"),
    ("remove_question:1:2", [["chars", "overall"], ["purpose", "nps", "why_low", "comment", "contact_me"]], "page-1"),
    ("page_down:0", [["purpose", "nps", "effort", "why_low", "comment", "contact_me"], ["chars", "overall"]], "page-1"),
    ("page_up:1", [["purpose", "nps", "effort", "why_low", "comment", "contact_me"], ["chars", "overall"]], "page-0"),
    ("remove_page:0", [["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], "page-0"),
    ("add_page", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"], []],
     "page-2"),
    ("up:7:0", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], ""),
    ("explode:0", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], ""),
    ("up:-1:0", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], ""),
    ("up:0", [["chars", "overall"], ["purpose", "nps", "effort", "why_low", "comment", "contact_me"]], ""),
])
def test_questions_and_pages_move_and_go(op, expected, focus):
    got, anchor = edit(op)
    assert (ids(got), anchor) == (expected, focus)


def test_the_last_page_is_never_removed():
    one_page = content()
    one_page["pages"] = one_page["pages"][:1]
    got, _ = edit("remove_page:0", one_page)
    assert ids(got) == [["chars", "overall"]]


def test_options_are_added_and_removed():
    got, focus = edit("add_option:1:0")
    assert [o["value"] for o in got["pages"][1]["questions"][0]["options"]] == ["business", "leisure", "option_3"]
    got, _ = edit("remove_option:1:0:0")
    assert [o["value"] for o in got["pages"][1]["questions"][0]["options"]] == ["leisure"]
    assert focus == "q-1-0"


def test_rows_come_from_the_bank_tied_to_it_once_each_or_blank():
    got, focus = edit("add_bank_rows:0:0", **{"p0.q0.bank": ["wifi-speed", "room-clean", "nope"]})
    rows = got["pages"][0]["questions"][0]["rows"]
    assert rows[1] == {"id": "wifi_speed", "label": words("Wi-Fi", "Wi-Fi", "无线网络"), "item": "wifi-speed",
                       "characteristic": 5, "touch_point": 6}
    assert len(rows) == 2 and focus == "q-0-0"
    got, _ = edit("add_row:0:0")
    assert got["pages"][0]["questions"][0]["rows"][1] == {"id": "row_2", "label": {}}
    got, _ = edit("remove_row:0:0:0")
    assert got["pages"][0]["questions"][0]["rows"] == []


# Drawing -------------------------------------------------------------------------------------------

def test_a_broken_draft_still_draws():
    editor = builder_editor.draw({"pages": [{"questions": ["x", {"type": "rating", "scale": "big"}]}, 5],
                                  "title": "Hello", "languages": "en"}, BANK)
    assert editor.languages == () and editor.title.values == (("en", ""), ("pl", ""), ("zh-Hans", ""))
    (page,) = editor.pages
    (question,) = page.questions
    assert (question.type, question.scale, question.id, question.is_first, question.is_last) == (
        "rating", "-", "", True, True)


def test_the_editor_offers_earlier_questions_for_conditions_and_the_bank_items_left():
    editor = builder_editor.draw(content(), BANK)
    why_low = editor.pages[1].questions[3]
    assert why_low.earlier == ("chars", "overall", "purpose", "nps", "effort")
    assert why_low.condition == ("overall", "lte", "3")
    assert editor.pages[0].questions[0].bank_left == (("wifi-speed", "wifi-speed: Wi-Fi"),)
    assert json.loads(why_low.json)["id"] == "why_low"


def test_a_rating_keeps_its_item_as_a_choice_when_the_bank_no_longer_has_it():
    data = content()
    data["pages"][1]["questions"].append({"id": "old", "type": "rating", "item": "gone", "text": W})
    rating = builder_editor.draw(data, BANK).pages[1].questions[6]
    assert rating.item_choices[0] == ("gone", "gone") and len(rating.item_choices) == 3


@pytest.mark.parametrize(("where", "page", "question", "qid", "rest", "anchor"), [
    ("draft.pages[1].questions[2].text.pl", 2, 3, "effort", "text.pl", "q-1-2"),
    ("pages[0].questions[0].rows[1].id", 1, 1, "chars", "rows[1].id", "q-0-0"),
    ("draft.pages[1]", 2, None, "", "", "page-1"),
    ("draft.pages", None, None, "", "pages", "survey-settings"),
    ("draft.title.en", None, None, "", "title.en", "survey-settings"),
    ("draft", None, None, "", "", "survey-settings"),
    ("draft.pages[9].questions[9].id", 10, 10, "", "id", "q-9-9"),
])
def test_a_problem_is_placed_on_its_page_and_question(where, page, question, qid, rest, anchor):
    assert builder_editor.place(where, content()) == builder_editor.Place(page, question, qid, rest, anchor)
