"""The question format (pure): every validation error with its place, all of a draft's problems at
once, display conditions, the checking of every type of answer, the measurement spec, and the
required questions left on a page."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from csm.surveys import instrument
from csm.surveys.instrument import AnswerError, ContentError, Value
from csm.surveys.starter import RatedItem, post_service, words

W = words("Word", "Słowo", "词")
ITEMS = [RatedItem("room", words("Room", "Pokój", "客房"), "room-clean", 7, 3),
         RatedItem("staff", words("Staff", "Personel", "员工"), "staff-friendly", 8, None)]


def content() -> dict[str, Any]:
    """The post-service starter on two items: pages "service" (chars, overall) and "more"
    (purpose, nps, effort, why_low, comment, contact_me). A copy: the starter shares its labels."""
    return copy.deepcopy(post_service(ITEMS))


def question(data: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for _p, q in instrument.questions(data) if q["id"] == qid)


def extra(**fields: Any) -> Callable[[dict[str, Any]], None]:
    """Append a question to the second page."""
    def change(data: dict[str, Any]) -> None:
        data["pages"][1]["questions"].append({"id": "extra", "type": "yes_no", "text": W, **fields})
    return change


def set_in(qid: str, **fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        question(data, qid).update(fields)
    return change


EXTRA = "pages[1].questions[6]"  # where `extra` lands

# (change, where, message part)
INVALID: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (lambda d: d.pop("languages"), "languages", "must list some of"),
    (lambda d: d.update(languages=["en", "de"]), "languages", "must list some of"),
    (lambda d: d["title"].pop("pl"), "title.pl", "is missing"),
    (lambda d: d.update(title="Hello"), "title", "must give the words per language"),
    (lambda d: d.update(scale={"min": 2, "max": 6, "satisfied_min": 4}), "scale", "1-5, 1-7, 1-10 or 0-10"),
    (lambda d: d["scale"].update(satisfied_min=6), "scale.satisfied_min", "must be on the scale"),
    (lambda d: d["scale"].update(satisfied_min=True), "scale.satisfied_min", "must be on the scale"),
    (lambda d: d.update(pages=[]), "pages", "must be a non-empty list"),
    (lambda d: d["pages"][1].update(questions=[]), "pages[1]", "needs a non-empty list of questions"),
    (lambda d: d["pages"][1]["questions"].append("nps"), EXTRA, "must be an object"),
    (set_in("nps", id="NPS"), "pages[1].questions[1].id", "lower-case id"),
    (set_in("nps", id="overall"), "pages[1].questions[1].id", "repeats 'overall'"),
    (set_in("nps", type="slider"), "pages[1].questions[1].type", "must be one of"),
    (lambda d: question(d, "nps")["text"].pop("zh-Hans"), "pages[1].questions[1].text.zh-Hans", "is missing"),
    (set_in("nps", required="yes"), "pages[1].questions[1].required", "true or false"),
    (set_in("nps", role="item"), "pages[1].questions[1].role", "on a rating only"),
    (set_in("overall", role="best"), "pages[0].questions[1].role", "on a rating only"),
    (set_in("overall", scale={"min": 1, "max": 4}), "pages[0].questions[1].scale", "1-5, 1-7, 1-10 or 0-10"),
    (set_in("overall", scale={"min": 0, "max": 10}), "pages[0].questions[1].scale", "must use the survey's scale"),
    (lambda d: question(d, "overall")["scale"]["low"].pop("pl"), "pages[0].questions[1].scale.low.pl", "is missing"),
    (set_in("purpose", options=[{"value": "a", "label": W}]), "pages[1].questions[0].options", "at least two"),
    (set_in("purpose", options=[{"value": "A", "label": W}, {"value": "b", "label": W}]),
     "pages[1].questions[0].options[0].value", "lower-case id"),
    (set_in("purpose", options=[{"value": "a", "label": W}, {"value": "a", "label": W}]),
     "pages[1].questions[0].options[1].value", "repeats 'a'"),
    (set_in("purpose", options=[{"value": "a", "label": {"pl": "A", "zh-Hans": "A"}}, {"value": "b", "label": W}]),
     "pages[1].questions[0].options[0].label.en", "is missing"),
    (extra(type="multiple", options="a,b"), f"{EXTRA}.options", "at least two"),
    (set_in("chars", rows=[]), "pages[0].questions[0].rows", "non-empty list"),
    (set_in("chars", second="weight"), "pages[0].questions[0].second", "\"importance\", \"expectation\" or absent"),
    (lambda d: question(d, "chars")["rows"][0].update(id="Room"), "pages[0].questions[0].rows[0].id", "lower-case id"),
    (lambda d: question(d, "chars")["rows"][1].update(id="room"), "pages[0].questions[0].rows[1].id", "repeats 'room'"),
    (lambda d: question(d, "chars")["rows"][0]["label"].pop("pl"), "pages[0].questions[0].rows[0].label.pl",
     "is missing"),
    (set_in("comment", max_length=0), "pages[1].questions[4].max_length", "from 1 to 4000"),
    (set_in("comment", max_length=5000), "pages[1].questions[4].max_length", "from 1 to 4000"),
    (set_in("nps", condition={"question": "overall", "op": "like"}), "pages[1].questions[1].condition",
     "needs an \"op\""),
    (set_in("nps", condition={"question": "effort", "op": "eq", "value": 1}),
     "pages[1].questions[1].condition.question", "earlier question"),
    (set_in("nps", condition={"question": "chars", "op": "eq", "value": 1}), "pages[1].questions[1].condition.op",
     "only \"answered\""),
    (set_in("nps", condition={"question": "purpose", "op": "in", "value": "business"}),
     "pages[1].questions[1].condition.value", "must be a list"),
    (set_in("nps", condition={"question": "overall", "op": "gte", "value": "4"}),
     "pages[1].questions[1].condition.value", "must be a number"),
    (lambda d: d["pages"][0]["questions"].pop(0), "pages", "at least one rated item"),
    (extra(type="rating", role="overall", scale={"min": 1, "max": 5}), "pages", "only one overall"),
]


@pytest.mark.parametrize(("change", "where", "message"), INVALID, ids=[f"{n}-{case[1]}" for n, case in enumerate(INVALID)])
def test_each_problem_is_named_with_its_place(change, where, message):
    data = content()
    change(data)
    with pytest.raises(ContentError) as caught:
        instrument.validate(data, anonymous=False)
    assert caught.value.where == where
    assert message in caught.value.message
    assert str(caught.value) == f"{where}: {caught.value.message}"


def test_a_content_that_is_not_an_object_is_refused_at_the_root():
    with pytest.raises(ContentError) as caught:
        instrument.validate(["pages"], anonymous=False)  # type: ignore[arg-type]
    assert (caught.value.where, str(caught.value)) == ("", "must be an object")


def test_the_starter_is_valid_and_an_anonymous_survey_may_not_ask_for_contact_details():
    instrument.validate(content(), anonymous=False)
    with pytest.raises(ContentError) as caught:
        instrument.validate(content(), anonymous=True)
    assert caught.value.where == "pages[1].questions[5].type"
    instrument.validate(copy.deepcopy(post_service(ITEMS, contact=False)), anonymous=True)


def test_problems_lists_every_question_at_fault_in_order():
    data = content()
    question(data, "chars")["rows"][0]["label"].pop("pl")
    question(data, "overall")["scale"] = {"min": 1, "max": 4}
    question(data, "nps")["text"] = {}
    question(data, "comment")["max_length"] = 0
    data["title"].pop("en")
    found = instrument.problems(data, anonymous=False)
    assert [p.where for p in found] == ["title.en", "pages[0].questions[0].rows[0].label.pl",
                                        "pages[0].questions[1].scale", "pages[1].questions[1].text.en",
                                        "pages[1].questions[4].max_length"]
    with pytest.raises(ContentError) as caught:
        instrument.validate(data, anonymous=False)
    assert caught.value.where == "title.en"


def test_a_condition_on_an_earlier_question_with_other_problems_is_not_a_second_problem():
    data = content()
    question(data, "overall")["text"] = {}
    found = instrument.problems(data, anonymous=False)
    assert [p.where for p in found] == ["pages[0].questions[1].text.en"]  # why_low's condition still names it


def test_problems_stop_at_the_languages_and_the_scale():
    data = content()
    data["languages"] = []
    question(data, "nps")["text"] = {}
    assert [p.where for p in instrument.problems(data, anonymous=False)] == ["languages"]
    data = content()
    data["scale"] = {"min": 1, "max": 9}
    question(data, "nps")["text"] = {}
    assert [p.where for p in instrument.problems(data, anonymous=False)] == ["scale"]
    assert instrument.problems(content(), anonymous=False) == []


# Conditions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("op", "value", "answers", "shown"), [
    ("eq", 3, {"q": Value(3)}, True), ("eq", 3, {"q": Value(4)}, False), ("eq", "business", {"q": Value(text="business")}, True),
    ("ne", 3, {"q": Value(4)}, True), ("ne", 3, {"q": Value(3)}, False), ("ne", 3, {}, False),
    ("lte", 3, {"q": Value(3)}, True), ("lte", 3, {"q": Value(4)}, False), ("lte", 3, {"q": Value(text="2")}, False),
    ("gte", 9, {"q": Value(10)}, True), ("gte", 9, {"q": Value(8)}, False),
    ("in", ["a", "b"], {"q": Value(text="b")}, True), ("in", [1, 2], {"q": Value(2)}, True),
    ("in", ["a", "b"], {"q": Value(text="c")}, False),
    ("answered", None, {"q": Value(text="x")}, True), ("answered", None, {}, False),
    ("answered", None, {"q.row": Value(2)}, True), ("answered", None, {"q:opt": Value(1)}, True),
    ("answered", None, {"qq": Value(1)}, False), ("eq", 3, {}, False),
])
def test_a_condition_shows_its_question_only_when_it_holds(op, value, answers, shown):
    condition = {"question": "q", "op": op, **({} if value is None else {"value": value})}
    assert instrument.is_shown({"id": "x", "condition": condition}, answers) is shown


def test_a_question_without_a_condition_is_always_shown():
    assert instrument.is_shown({"id": "x"}, {}) is True


# Answers -------------------------------------------------------------------------------------------

def answerable() -> dict[str, Any]:
    data = content()
    data["pages"][1]["questions"] += [
        {"id": "tags", "type": "multiple", "text": W, "options": [{"value": "wifi", "label": W},
                                                                   {"value": "spa", "label": W}]},
        {"id": "again", "type": "yes_no", "text": W, "required": True},
        {"id": "ten", "type": "rating", "text": W, "scale": {"min": 0, "max": 10}},
    ]
    return data


FULL = {"chars.room": 4, "chars.staff": "5", "chars.room.second": 5, "chars.staff.second": 3, "overall": 4, "nps": 9,
        "again": 1}


def test_a_complete_set_of_answers_comes_back_as_values():
    answers = instrument.check_answers(answerable(), {**FULL, "effort": 7, "purpose": "leisure", "comment": "  Nice  ",
                                                      "tags:spa": 1, "ten": 0, "contact_me": "1",
                                                      "contact_me.name": "Ann", "contact_me.email": "ann@example.pl",
                                                      "contact_me.phone": ""}, complete=True)
    assert answers == {"chars.room": Value(4), "chars.staff": Value(5), "chars.room.second": Value(5),
                       "chars.staff.second": Value(3), "overall": Value(4), "nps": Value(9), "effort": Value(7),
                       "purpose": Value(text="leisure"), "comment": Value(text="Nice"), "tags:spa": Value(1),
                       "again": Value(1), "ten": Value(0), "contact_me": Value(1),
                       "contact_me.name": Value(text="Ann"), "contact_me.email": Value(text="ann@example.pl")}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("chars.room", 6, "must be a whole number from 1 to 5"), ("chars.room.second", 0, "must be a whole number from 1 to 5"),
    ("overall", 3.5, "must be a whole number from 1 to 5"), ("overall", "good", "must be a whole number from 1 to 5"),
    ("overall", float("nan"), "must be a whole number from 1 to 5"),
    ("ten", 11, "must be a whole number from 0 to 10"), ("nps", -1, "must be a whole number from 0 to 10"),
    ("effort", 0, "must be a whole number from 1 to 7"), ("again", 2, "must be a whole number from 0 to 1"),
    ("tags:wifi", 2, "must be a whole number from 0 to 1"), ("purpose", "space", "'space' is not one of the options"),
    ("comment", "x" * 2001, "must be at most 2000 characters"), ("comment", 5, "must be text"),
    ("contact_me", 3, "must be a whole number from 0 to 1"), ("contact_me.email", "ann@", "is not an e-mail address"),
    ("contact_me.name", "x" * 201, "must be at most 200 characters"),
    ("tags:golf", 1, "no such question"), ("nope", 1, "no such question"),
])
def test_each_bad_answer_is_named_by_its_key(key, value, message):
    with pytest.raises(AnswerError) as caught:
        instrument.check_answers(answerable(), {**FULL, key: value}, complete=False)
    assert caught.value.errors == {key: message}


def test_a_required_question_left_blank_is_refused_only_when_completing():
    partial = {key: value for key, value in FULL.items() if key != "nps"}
    assert "nps" not in instrument.check_answers(answerable(), {**partial, "nps": "  "}, complete=False)
    with pytest.raises(AnswerError) as caught:
        instrument.check_answers(answerable(), partial, complete=True)
    assert caught.value.errors == {"nps": "this question is required"}


def test_a_matrix_is_complete_only_with_every_row_and_its_second_rating():
    without = {key: value for key, value in FULL.items() if key != "chars.staff.second"}
    with pytest.raises(AnswerError) as caught:
        instrument.check_answers(answerable(), without, complete=True)
    assert caught.value.errors == {"chars": "this question is required"}


def test_an_answer_to_a_hidden_question_is_refused():
    with pytest.raises(AnswerError) as caught:
        instrument.check_answers(answerable(), {**FULL, "overall": 5, "why_low": "Cold"}, complete=False)
    assert caught.value.errors == {"why_low": "this question is hidden by its condition and cannot be answered"}
    shown = instrument.check_answers(answerable(), {**FULL, "overall": 2, "why_low": "Cold"}, complete=False)
    assert shown["why_low"] == Value(text="Cold")


def test_a_required_multiple_choice_is_answered_by_any_option():
    data = answerable()
    question(data, "tags")["required"] = True
    assert instrument.check_answers(data, {**FULL, "tags:wifi": 1}, complete=True)["tags:wifi"] == Value(1)
    with pytest.raises(AnswerError):
        instrument.check_answers(data, FULL, complete=True)


def test_a_required_contact_question_is_answered_by_yes_or_no_alone():
    data = answerable()
    question(data, "contact_me")["required"] = True
    assert instrument.check_answers(data, {**FULL, "contact_me": 0}, complete=True)["contact_me"] == Value(0)


# Measurement ---------------------------------------------------------------------------------------

def test_the_spec_takes_the_matrix_rows_and_the_overall_nps_and_effort():
    assert instrument.measurement_spec(content()) == {
        "scale": {"min": 1, "max": 5}, "satisfied_min": 4,
        "items": [{"id": "room-clean", "satisfaction": "chars.room", "importance": "chars.room.second"},
                  {"id": "staff-friendly", "satisfaction": "chars.staff", "importance": "chars.staff.second"}],
        "overall": "overall", "nps": "nps", "ces": "effort"}


def test_rated_items_come_from_ratings_with_the_item_role_and_expectations_are_not_importance():
    data = content()
    question(data, "chars")["second"] = "expectation"
    question(data, "chars")["rows"][1].pop("item")
    data["pages"][1]["questions"].append({"id": "wifi", "type": "rating", "role": "item", "item": "wifi-speed",
                                          "characteristic": 9, "text": W, "scale": {"min": 1, "max": 5}})
    data["pages"][1]["questions"].append({"id": "plain", "type": "rating", "text": W, "scale": {"min": 1, "max": 5}})
    assert instrument.measurement_spec(data)["items"] == [
        {"id": "room-clean", "satisfaction": "chars.room"}, {"id": "chars.staff", "satisfaction": "chars.staff"},
        {"id": "wifi-speed", "satisfaction": "wifi"}]
    wifi = instrument.measured_items(data)[2]
    assert (wifi.characteristic, wifi.touch_point, wifi.label) == (9, None, W)
    assert instrument.measured_items(data)[0].touch_point == 3


def test_an_item_asked_twice_is_a_problem_of_the_pages():
    data = content()
    question(data, "chars")["rows"][1]["item"] = "room-clean"
    with pytest.raises(ContentError) as caught:
        instrument.measurement_spec(data)
    assert (caught.value.where, caught.value.message) == ("pages", "the item 'room-clean' is asked twice")


def test_the_segment_is_the_answer_to_the_single_choice_marked_so():
    assert instrument.segment_of(content(), {"purpose": Value(text="business")}) == "business"
    assert instrument.segment_of(content(), {}) == ""


# Pages ---------------------------------------------------------------------------------------------

def test_missing_on_page_names_the_shown_required_questions_left_blank():
    data = content()
    question(data, "why_low")["required"] = True
    assert instrument.missing_on_page(data, 0, {}) == ["chars", "overall"]
    assert instrument.missing_on_page(data, 0, {"overall": Value(2)}) == ["chars"]
    assert instrument.missing_on_page(data, 1, {"overall": Value(5)}) == ["nps"]
    assert instrument.missing_on_page(data, 1, {"overall": Value(2), "nps": Value(3)}) == ["why_low"]
