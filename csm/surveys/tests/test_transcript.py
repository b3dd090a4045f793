"""A response as staff read it (pure): every question in order with its answer, in one language."""

from __future__ import annotations

import copy

from csm.surveys import transcript
from csm.surveys.instrument import Value
from csm.surveys.starter import RatedItem, post_service, words
from csm.surveys.transcript import Line, Row


def content():
    data = copy.deepcopy(post_service([RatedItem("room", words("Room", "Pokój", "客房")),
                                       RatedItem("staff", words("Staff", "Personel", "员工"))]))
    data["pages"][1]["questions"] += [
        {"id": "tags", "type": "multiple", "text": words("Used", "Używane", "使用"),
         "options": [{"value": "wifi", "label": words("Wi-Fi", "Wi-Fi", "无线")},
                     {"value": "spa", "label": words("Spa", "Spa", "水疗")}]},
        {"id": "again", "type": "yes_no", "text": words("Again?", "Znowu?", "再来?")},
    ]
    return data


def test_each_question_reads_with_its_answer_in_the_chosen_language():
    answers = {"chars.room": Value(4), "chars.room.second": Value(5), "chars.staff": Value(2), "overall": Value(3),
               "purpose": Value(text="leisure"), "nps": Value(6), "comment": Value(text="Cold\nroom"),
               "tags:spa": Value(1), "again": Value(0), "contact_me": Value(1),
               "contact_me.name": Value(text="Ann"), "contact_me.phone": Value(text="+48 600")}
    lines = {line.question_id: line for line in transcript.lines(content(), answers, "pl")}
    assert lines["chars"].rows == (Row("Pokój", "4", "5"), Row("Personel", "2", ""))
    assert (lines["overall"].answer, lines["nps"].answer, lines["effort"].answer) == ("3", "6", "")
    assert lines["purpose"].answer == "Wypoczynek"
    assert (lines["tags"].answer, lines["again"].flag, lines["comment"].answer) == ("Spa", False, "Cold\nroom")
    assert lines["contact_me"] == Line("contact_me", "contact", lines["contact_me"].text, flag=True,
                                       details=(("name", "Ann"), ("phone", "+48 600")))
    assert not lines["effort"].is_answered and not lines["why_low"].is_answered and lines["again"].is_answered
    assert list(lines) == ["chars", "overall", "purpose", "nps", "effort", "why_low", "comment", "contact_me", "tags",
                           "again"]


def test_a_language_the_survey_lacks_falls_back_to_english():
    (first, *_rest) = transcript.lines(content(), {}, "de")
    assert first.text.startswith("How satisfied are you")
    assert first.rows[0] == Row("Room", "", "")
