"""The scoring rules: each rule on hand-worked tables, an independent numpy computation, and the
invariants (hypothesis): raising a score never lowers the level, A_1 ≥ A_2 ≥ A_3, 0 ≤ I ≤ 100."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csm.assessments.protocol import Levels, Question
from csm.assessments.scoring import (
    AnswerInput,
    Evidence,
    RejectedInput,
    effective_score,
    level,
    score_assessment,
)
from csm.assessments.tests.protocols import mini_protocol, synthetic_protocol

LEVELS = Levels(t1=0.8, t2=0.7, t3=0.6, key_top_share=0.5, result_index_min=67)


def answer(question: str, score: int | None, *types: str, reason: str = "") -> AnswerInput:
    return AnswerInput(question=question, score=score, na_reason=reason,
                       evidence=tuple(Evidence(type=t) for t in types))


def question(qid: str, weight: int, *, key: bool = False, kind: str = "enabler") -> Question:
    return Question(id=qid, standard="ISO10002", clause="7.1", kind=kind, weight=weight, key=key, text={"en": qid},
                    guidance={}, levels={1: {}, 2: {}, 3: {}}, evidence=("D",), metric=None)


@pytest.mark.parametrize(("score", "types", "expected"), [
    (3, (), 0), (2, (), 0), (0, ("D",), 0),
    (3, ("I",), 1), (3, ("O",), 1), (3, ("I", "O"), 1), (0, ("I",), 0), (1, ("O",), 1),
    (3, ("D",), 3), (2, ("R",), 2), (3, ("M",), 3), (3, ("I", "R"), 3), (3, ("O", "M"), 3),
])
def test_it_caps_the_claimed_score_by_the_evidence(score, types, expected):
    assert effective_score(score, types) == expected


def test_level_one_needs_every_key_question_at_one_even_with_high_attainment():
    # A_1 = 9/10 ≥ 0.8, but the key question sits at 0: level 0 regardless of the index.
    scores = [(question("K", 1, key=True), 0), (question("a", 3), 3), (question("b", 3), 3), (question("c", 3), 3)]
    assert level(scores, LEVELS) == 0
    assert level([(question("K", 1, key=True), 1), *scores[1:]], LEVELS) == 1  # level 2 needs keys at 2
    assert level([(question("K", 1, key=True), 3), *scores[1:]], LEVELS) == 3


@pytest.mark.parametrize(("scores", "expected"), [
    ([3, 3, 3, 3, 0], 3),      # A_1 = 12/15 = 0.8 exactly meets t1; A_3 = 0.8; keys at 3
    ([3, 3, 3, 0, 0], 0),      # A_1 = 9/15 = 0.6 < 0.8
    ([2, 2, 2, 2, 2], 2),      # A_3 = 0 < 0.6
    ([1, 1, 1, 1, 1], 1),
    ([3, 3, 3, 1, 1], 1),      # A_2 = 9/15 = 0.6 < t2 = 0.7: level 1, whatever A_3 would allow
    ([2, 2, 2, 2, 1], 2),      # A_2 = 12/15 = 0.8
])
def test_the_attainment_gates(scores, expected):
    qs = [question(f"q{i}", 3) for i in range(5)]
    assert level(list(zip(qs, scores, strict=True)), LEVELS) == expected


def test_level_three_needs_half_the_key_questions_at_three():
    keys = [question(f"k{i}", 3, key=True) for i in range(4)]
    others = [question(f"o{i}", 1) for i in range(4)]
    half = [*zip(keys, [3, 3, 2, 2], strict=True), *((q, 3) for q in others)]
    assert level(half, LEVELS) == 3  # 2 of 4 keys at 3 = 0.5 meets key_top_share exactly
    less = [*zip(keys, [3, 2, 2, 2], strict=True), *((q, 3) for q in others)]
    assert level(less, LEVELS) == 2


def test_level_three_needs_the_result_index_unless_there_are_no_results():
    enablers = [(question(f"e{i}", 2), 3) for i in range(4)]
    assert level(enablers, LEVELS) == 3  # no result question: the condition is waived
    low_result = [*enablers, (question("r", 1, kind="result"), 2)]  # result index 66.67 < 67
    assert level(low_result, LEVELS) == 2
    assert level([*enablers, (question("r", 1, kind="result"), 3)], LEVELS) == 3


def test_it_scores_the_whole_mini_protocol_against_numpy():
    protocol = mini_protocol()
    answers = [answer("A1", 3, "D"), answer("A2", 2, "I"), answer("A3", 2, "R"), answer("A4", 1, "M"),
               answer("A5", 3, "M"), answer("B1", 2, "D"), answer("B2", 3, "O"), answer("B3", 0, "M")]
    result = score_assessment(protocol, ["ISO10002", "ISO10004"], answers)
    w = np.array([3, 3, 2, 1, 2, 3, 2, 1])
    s = np.array([3, 1, 2, 1, 3, 2, 1, 0])
    parts = [slice(0, 5), slice(5, 8)]
    for got, part in zip(result.standards, parts, strict=True):
        assert got.index == pytest.approx(100 * np.average(s[part], weights=w[part]) / 3, abs=1e-12)
        for k in (1, 2, 3):
            assert got.attainment[k - 1] == pytest.approx(np.average(s[part] >= k, weights=w[part]), abs=1e-12)
    assert result.overall_index == pytest.approx(100 * np.average(s, weights=w) / 3, abs=1e-12)


@pytest.mark.parametrize(("answers", "problem"), [
    ([answer("A1", None, reason="no policy yet")], "answer A1: a key question cannot be N/A"),
    ([answer("A3", None)], "answer A3: N/A needs a reason"),
    ([answer("A3", None, reason="   ")], "answer A3: N/A needs a reason"),
    ([answer("A3", 4, "D")], "answer A3: the score must be a whole number from 0 to 3, or null for N/A"),
    ([answer("A3", -1, "D")], "answer A3: the score must be a whole number from 0 to 3, or null for N/A"),
    ([answer("A3", 2, "X")], "answer A3: evidence type 'X' is not one of D, R, M, I, O"),
    ([answer("Z9", 2, "D")], "answer Z9: no such question in protocol mini"),
    ([answer("B1", 2, "D")], "answer B1: its standard ISO10004 is not assessed"),
    ([answer("A2", 2, "D"), answer("A2", 3, "D")], "answer A2: answered twice"),
])
def test_it_rejects_bad_answers(answers, problem):
    with pytest.raises(RejectedInput) as caught:
        score_assessment(mini_protocol(), ["ISO10002"], [answer("A1", 3, "D"), *answers][-len(answers) - 1:])
    assert problem in caught.value.problems


def test_it_rejects_a_standard_with_nothing_scored():
    with pytest.raises(RejectedInput) as caught:
        score_assessment(mini_protocol(), ["ISO10002", "ISO10004"], [answer("A1", 3, "D")])
    assert caught.value.problems == ("ISO10004: no question is scored, so there is nothing to score",)


SCORES = st.integers(min_value=0, max_value=3)


@st.composite
def assessments(draw):
    protocol = synthetic_protocol(draw(st.integers(min_value=1, max_value=24)), draw(st.randoms()))
    answers = []
    for q in protocol.questions:
        if not q.key and draw(st.booleans()) and draw(st.integers(0, 5)) == 0:
            answers.append(answer(q.id, None, reason="outside the scope"))
        else:
            answers.append(answer(q.id, draw(SCORES), draw(st.sampled_from(["D", "R", "M", "I", "O"]))))
    if all(a.score is None for a in answers):
        answers[0] = answer(answers[0].question, 0, "D")
    return protocol, answers


@settings(max_examples=150, deadline=None)
@given(assessments(), st.data())
def test_raising_one_score_never_lowers_the_level(case, data):
    protocol, answers = case
    scored = [i for i, a in enumerate(answers) if a.score is not None and a.score < 3]
    if not scored:
        return
    i = data.draw(st.sampled_from(scored))
    before = score_assessment(protocol, ["ISO10002"], answers).standards[0]
    raised = list(answers)
    raised[i] = AnswerInput(question=answers[i].question, score=answers[i].score + 1,
                            na_reason="", evidence=answers[i].evidence)
    after = score_assessment(protocol, ["ISO10002"], raised).standards[0]
    assert after.level >= before.level
    assert after.claimed_level >= before.claimed_level
    assert after.index >= before.index


@settings(max_examples=150, deadline=None)
@given(assessments())
def test_attainments_fall_with_k_and_the_index_stays_in_range(case):
    protocol, answers = case
    result = score_assessment(protocol, ["ISO10002"], answers)
    got = result.standards[0]
    assert 1 >= got.attainment[0] >= got.attainment[1] >= got.attainment[2] >= 0
    assert 0 <= got.index <= 100
    assert 0 <= result.overall_index <= 100
    assert got.level <= got.claimed_level  # the cap only ever lowers scores
    assert len(got.risks) == min(10, sum(1 for a in answers if a.score is not None))
