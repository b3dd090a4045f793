"""The protocol file format, and the shipped protocol against the issue's rules."""

from __future__ import annotations

import copy
import json

import pytest

from csm.assessments.protocol import ProtocolError, parse_protocol
from csm.assessments.protocol_store import KNOWN_METRICS, current_protocol, shipped_protocol_path
from csm.assessments.tests.protocols import EXAMPLES


@pytest.fixture
def shipped():
    return current_protocol()


def test_the_shipped_protocol_has_the_issue_s_question_counts(shipped):
    counts = {s: len(shipped.questions_of(s)) for s in shipped.standard_ids()}
    assert counts == {"ISO10001": 25, "ISO10002": 45, "ISO10003": 25, "ISO10004": 35}
    assert (shipped.id, shipped.version) == ("csm-assessment", "1.0")
    assert (shipped.levels.t1, shipped.levels.t2, shipped.levels.t3, shipped.levels.key_top_share,
            shipped.levels.result_index_min) == (0.8, 0.7, 0.6, 0.5, 67)


def test_key_questions_are_exactly_the_weight_three_process_steps(shipped):
    keys = {(q.standard, q.clause) for q in shipped.questions if q.key}
    assert all(q.weight == 3 for q in shipped.questions if q.key)
    assert all(q.key for q in shipped.questions if q.weight == 3)
    assert {("ISO10002", c) for c in ("5.3", "7.2", "7.4", "7.5", "7.8", "7.9", "8.2", "8.6")} <= keys
    assert {("ISO10004", c) for c in ("6.1", "7.3", "7.4")} <= keys
    assert {("ISO10001", c) for c in ("6.4", "6.5")} <= keys
    assert {("ISO10003", c) for c in ("7.2", "7.6")} <= keys


def test_every_text_is_in_three_languages_with_polish_and_chinese_script(shipped):
    for q in shipped.questions:
        for texts in (q.text, q.guidance, *q.levels.values()):
            assert set(texts) >= {"en", "pl", "zh-Hans"}
            assert texts["pl"] != texts["en"]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in texts["zh-Hans"])
    polish = "".join(q.text["pl"] for q in shipped.questions)
    assert set("ąęłóśżź") <= set(polish.lower())


def test_about_a_fifth_are_result_questions_and_metrics_are_ones_csm_computes(shipped):
    results = sum(1 for q in shipped.questions if q.is_result)
    assert 0.15 <= results / len(shipped.questions) <= 0.3
    assert {q.metric.name for q in shipped.questions if q.metric} <= KNOWN_METRICS
    assert sum(1 for q in shipped.questions if q.metric) >= 15


def test_the_file_is_in_the_issue_s_format():
    data = json.loads(shipped_protocol_path().read_text(encoding="utf-8"))
    assert set(data) == {"id", "version", "levels", "standards", "questions"}
    for q in data["questions"]:
        assert set(q) == {"id", "standard", "clause", "kind", "weight", "key", "text", "guidance", "levels",
                          "evidence", "metric"}


def _mini() -> dict:
    return json.loads((EXAMPLES / "mini-protocol.json").read_text())


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["levels"].pop("t3"), "levels.t3: must be a number from 0 to 1"),
    (lambda d: d["levels"].update(result_index_min=101), "levels.result_index_min: must be a number from 0 to 100"),
    (lambda d: d["questions"][1].update(id="A1"), "questions[1]: the id A1 is used twice"),
    (lambda d: d["questions"][0].update(kind="process"), "questions[0] (A1): 'kind' must be enabler or result"),
    (lambda d: d["questions"][0].update(standard="ISO9001"),
     "questions[0] (A1): 'standard' must be one of the protocol's standards"),
    (lambda d: d["questions"][0]["levels"].pop("3"), "questions[0] (A1).levels: must hold the descriptors of scores 1, 2 and 3"),
    (lambda d: d["questions"][0].update(evidence=["D", "X"]),
     "questions[0] (A1).evidence: must be a list of distinct types among D, R, M, I, O"),
    (lambda d: d["questions"][0].update(metric={"name": "m", "thresholds": {"1": 0.5, "2": 0.9, "3": 0.7}}),
     "questions[0] (A1).metric.thresholds: must rise (higher is better) or fall (lower is better)"),
    (lambda d: d["questions"].__delitem__(slice(5, 8)), "standard ISO10004: has no questions"),
])
def test_a_bad_protocol_names_each_problem(change, problem):
    data = copy.deepcopy(_mini())
    change(data)
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(data, languages=())
    assert problem in caught.value.problems


def test_the_shipped_protocol_needs_all_three_languages():
    data = _mini()
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(data)
    assert "questions[0] (A1).text: the 'pl' text is missing" in caught.value.problems


@pytest.mark.parametrize(("thresholds", "value", "suggested"), [
    ((0.85, 0.95, 0.98), 0.97, 2), ((0.85, 0.95, 0.98), 0.98, 3), ((0.85, 0.95, 0.98), 0.5, 0),
    ((0.15, 0.08, 0.04), 0.10, 1), ((0.15, 0.08, 0.04), 0.04, 3), ((0.15, 0.08, 0.04), 0.2, 0),
])
def test_a_metric_suggests_the_highest_score_whose_threshold_it_reaches(thresholds, value, suggested):
    data = _mini()
    data["questions"][0]["metric"] = {"name": "m", "thresholds": dict(zip("123", thresholds, strict=True))}
    question = parse_protocol(data, languages=()).questions[0]
    assert question.metric is not None and question.metric.suggested_score(value) == suggested
