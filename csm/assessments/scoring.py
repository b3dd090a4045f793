"""Scoring a CSM assessment: effective scores, indices, attainments, levels and the report lists.

The rules are fixed (issue 5; standards.md §2.5). For each assessed standard, Q is its answered
questions that are not N/A, each with weight w and effective score s:

- effective score: the claimed score capped by its evidence — none: 0; only interview (I) or
  observation (O): min(score, 1); any document (D), record (R) or metric (M): the claimed score;
- index I = 100·Σw·s / (3·Σw); the enabler and result indices use the same formula on their subsets
  and are None when the subset is empty;
- attainment A_k = Σw·[s ≥ k] / Σw for k = 1, 2, 3;
- level 1: A_1 ≥ t1 and every key question s ≥ 1; level 2: level 1, A_2 ≥ t2 and every key s ≥ 2;
  level 3: level 2, A_3 ≥ t3, a share of at least key_top_share of the key questions at s = 3, and a
  result index of at least result_index_min (waived when the standard has no result question);
  otherwise level 0, not confirmed;
- overall level = the minimum of the standards' levels; overall index = their Σw-weighted mean index;
- with L the standard's level: strengths s = 3 or s > L; weaknesses (s ≤ L and w ≥ 2) or s ≤ 1;
  risks w·(3 − s)·(2 if key else 1), the ten highest, ties in protocol order; opportunities s ≤ L,
  by weight descending, ties in protocol order;
- the claimed level is the same computation on the claimed scores, before the cap.

The lists follow the rules to the letter, even where they read oddly: at level 3 every question of
weight 2 or more is a weakness and an opportunity (there is no level 4 descriptor; the report says
"sustain"), and the risk list fills its ten places with risks of 0 when fewer questions carry a
risk. With no key question, the key-question conditions hold trivially. docs/examples/assessment/
works every rule by hand.

Ratios are compared as single correctly rounded divisions (Σw·[s ≥ k] / Σw against t), so 7/10 meets
0.7 exactly, which `7 >= 0.7 * 10` would not. Floats are not rounded here; rounding is for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from csm.assessments.protocol import EVIDENCE_TYPES, Levels, Protocol, Question

CAPPING_EVIDENCE = frozenset({"I", "O"})
FULL_EVIDENCE = frozenset({"D", "R", "M"})
MAX_SCORE = 3
TOP_RISKS = 10


class RejectedInput(ValueError):
    """The answers cannot be scored; `problems` names each one (a key question marked N/A, ...)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Evidence:
    type: str
    note: str = ""


@dataclass(frozen=True)
class AnswerInput:
    question: str
    score: int | None  # None is N/A
    na_reason: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Scored:
    question: Question
    claimed: int
    effective: int


@dataclass(frozen=True)
class Risk:
    question: str
    risk: int


@dataclass(frozen=True)
class StandardResult:
    id: str
    index: float
    enabler_index: float | None
    result_index: float | None
    attainment: tuple[float, float, float]
    level: int
    claimed_level: int
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    risks: tuple[Risk, ...]
    opportunities: tuple[str, ...]
    weight_total: int
    weighted_score_total: int
    scored: tuple[Scored, ...]


@dataclass(frozen=True)
class AssessmentResult:
    protocol_version: str
    standards: tuple[StandardResult, ...]
    overall_level: int
    overall_index: float


def effective_score(score: int, evidence_types: Iterable[str]) -> int:
    """The claimed score capped by the strongest evidence attached."""
    types = set(evidence_types)
    if types & FULL_EVIDENCE:
        return score
    if types & CAPPING_EVIDENCE:
        return min(score, 1)
    return 0


def index(pairs: Sequence[tuple[int, int]]) -> float | None:
    """100·Σw·s / (3·Σw) over (weight, score) pairs; None for none."""
    total = sum(weight for weight, _ in pairs)
    if not total:
        return None
    return 100 * sum(weight * score for weight, score in pairs) / (MAX_SCORE * total)


def attainment(pairs: Sequence[tuple[int, int]], k: int) -> float:
    """Σw·[s ≥ k] / Σw: the weighted share of questions at score k or above."""
    return attainments(pairs)[k - 1]


def attainments(pairs: Sequence[tuple[int, int]]) -> tuple[float, float, float]:
    """(A_1, A_2, A_3) in one pass: the weight at each score, summed from the top down."""
    at_score = [0, 0, 0, 0]
    for weight, score in pairs:
        at_score[score] += weight
    total = sum(at_score)
    a3 = at_score[3]
    a2 = a3 + at_score[2]
    return ((a2 + at_score[1]) / total, a2 / total, a3 / total)


def level(scores: Sequence[tuple[Question, int]], levels: Levels) -> int:
    """The gated level 0-3 of one standard's (question, score) pairs; no compensation between levels."""
    pairs = [(question.weight, score) for question, score in scores]
    keys = [score for question, score in scores if question.key]
    results = [(question.weight, score) for question, score in scores if question.is_result]
    achieved = attainments(pairs)
    thresholds = (levels.t1, levels.t2, levels.t3)
    reached = 0
    for k in (1, 2):
        if achieved[k - 1] < thresholds[k - 1] or any(score < k for score in keys):
            return reached
        reached = k
    if achieved[2] < levels.t3:
        return reached
    if keys and sum(1 for score in keys if score == MAX_SCORE) / len(keys) < levels.key_top_share:
        return reached
    result_index = index(results)
    if result_index is not None and result_index < levels.result_index_min:
        return reached
    return 3


def score_standard(standard: str, scored: Sequence[Scored], levels: Levels) -> StandardResult:
    """One standard's indices, levels and report lists from its scored (non-N/A) answers."""
    effective = [(item.question, item.effective) for item in scored]
    pairs = [(question.weight, score) for question, score in effective]
    reached = level(effective, levels)
    return StandardResult(
        id=standard,
        index=index(pairs) or 0.0,
        enabler_index=index([(q.weight, s) for q, s in effective if not q.is_result]),
        result_index=index([(q.weight, s) for q, s in effective if q.is_result]),
        attainment=attainments(pairs),
        level=reached,
        claimed_level=level([(item.question, item.claimed) for item in scored], levels),
        strengths=tuple(q.id for q, s in effective if s == MAX_SCORE or s > reached),
        weaknesses=tuple(q.id for q, s in effective if (s <= reached and q.weight >= 2) or s <= 1),
        risks=_risks(effective),
        opportunities=_opportunities(effective, reached),
        weight_total=sum(weight for weight, _ in pairs),
        weighted_score_total=sum(weight * score for weight, score in pairs),
        scored=tuple(scored),
    )


def risk(question: Question, score: int) -> int:
    return question.weight * (MAX_SCORE - score) * (2 if question.key else 1)


def _risks(effective: Sequence[tuple[Question, int]]) -> tuple[Risk, ...]:
    ranked = sorted(((risk(q, s), position, q.id) for position, (q, s) in enumerate(effective)),
                    key=lambda row: (-row[0], row[1]))
    return tuple(Risk(question=qid, risk=value) for value, _, qid in ranked[:TOP_RISKS])


def _opportunities(effective: Sequence[tuple[Question, int]], reached: int) -> tuple[str, ...]:
    open_ = [(position, q) for position, (q, s) in enumerate(effective) if s <= reached]
    return tuple(q.id for _, q in sorted(open_, key=lambda row: (-row[1].weight, row[0])))


def score_assessment(protocol: Protocol, standards: Sequence[str], answers: Sequence[AnswerInput]) -> AssessmentResult:
    """Score the answers for the chosen standards, or raise RejectedInput naming every problem."""
    by_question = check_answers(protocol, standards, answers)
    results = []
    for standard in (s for s in protocol.standard_ids() if s in standards):
        scored = [Scored(question=q, claimed=a.score, effective=effective_score(a.score, (e.type for e in a.evidence)))
                  for q in protocol.questions_of(standard)
                  if (a := by_question.get(q.id)) is not None and a.score is not None]
        results.append(score_standard(standard, scored, protocol.levels))
    # The Σw-weighted mean of 100·Σws/(3·Σw) over the standards is the pooled 100·ΣΣws/(3·ΣΣw),
    # one correctly rounded division, so the overall index reproduces to the last digit.
    pooled = [(result.weight_total, result.weighted_score_total) for result in results]
    return AssessmentResult(
        protocol_version=protocol.version,
        standards=tuple(results),
        overall_level=min(result.level for result in results),
        overall_index=100 * sum(ws for _, ws in pooled) / (MAX_SCORE * sum(w for w, _ in pooled)),
    )


def check_answers(protocol: Protocol, standards: Sequence[str],
                  answers: Sequence[AnswerInput]) -> dict[str, AnswerInput]:
    """The answers by question, or RejectedInput with every problem (the issue's three and the obvious)."""
    problems: list[str] = []
    known = protocol.standard_ids()
    if not standards:
        problems.append("standards: choose at least one standard")
    problems += [f"standards: {s} is not in protocol {protocol.id}" for s in standards if s not in known]
    problems += [f"standards: {s} is listed twice" for s in set(standards) if list(standards).count(s) > 1]
    by_question: dict[str, AnswerInput] = {}
    for answer in answers:
        problems += _answer_problems(protocol, standards, answer, by_question)
        by_question.setdefault(answer.question, answer)
    for standard in (s for s in standards if s in known):
        if not any(by_question.get(q.id) and by_question[q.id].score is not None
                   for q in protocol.questions_of(standard)):
            problems.append(f"{standard}: no question is scored, so there is nothing to score")
    if problems:
        raise RejectedInput(problems)
    return by_question


def _answer_problems(protocol: Protocol, standards: Sequence[str], answer: AnswerInput,
                     seen: dict[str, AnswerInput]) -> list[str]:
    where = f"answer {answer.question}"
    try:
        question = protocol.question(answer.question)
    except KeyError:
        return [f"{where}: no such question in protocol {protocol.id}"]
    problems = []
    if answer.question in seen:
        problems.append(f"{where}: answered twice")
    if question.standard not in standards:
        problems.append(f"{where}: its standard {question.standard} is not assessed")
    if answer.score is None:
        if question.key:
            problems.append(f"{where}: a key question cannot be N/A")
        if not answer.na_reason.strip():
            problems.append(f"{where}: N/A needs a reason")
    elif isinstance(answer.score, bool) or not isinstance(answer.score, int) or not 0 <= answer.score <= MAX_SCORE:
        problems.append(f"{where}: the score must be a whole number from 0 to 3, or null for N/A")
    problems += [f"{where}: evidence type {e.type!r} is not one of {', '.join(EVIDENCE_TYPES)}"
                 for e in answer.evidence if e.type not in EVIDENCE_TYPES]
    return problems


def result_to_json(result: AssessmentResult) -> dict[str, object]:
    """The result in the issue's output shape; floats unrounded."""
    return {
        "protocol_version": result.protocol_version,
        "standards": [{
            "id": s.id, "index": s.index, "enabler_index": s.enabler_index, "result_index": s.result_index,
            "attainment": {"1": s.attainment[0], "2": s.attainment[1], "3": s.attainment[2]},
            "level": s.level, "claimed_level": s.claimed_level,
            "strengths": list(s.strengths), "weaknesses": list(s.weaknesses),
            "risks": [{"question": r.question, "risk": r.risk} for r in s.risks],
            "opportunities": list(s.opportunities),
        } for s in result.standards],
        "overall": {"level": result.overall_level, "index": result.overall_index},
    }
