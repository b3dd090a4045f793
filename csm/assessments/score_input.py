"""The input file of `csm assess score`: answers in the issue's JSON shape, checked before scoring.

    {"protocol": id, "standards": [...],
     "answers": [{"question", "score" (null for N/A), "na_reason", "evidence": [{"type", "note"}]}]}

Shape errors (a missing key, a string where a list belongs) are reported here with their place; the
scoring rules' own rejections (a key question N/A, a score outside 0-3) come from
`scoring.check_answers`, so the command and the application refuse the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csm.assessments.scoring import AnswerInput, Evidence, RejectedInput


@dataclass(frozen=True)
class ScoreInput:
    protocol: str
    standards: tuple[str, ...]
    answers: tuple[AnswerInput, ...]


def parse_score_input(data: Any) -> ScoreInput:
    if not isinstance(data, dict):
        raise RejectedInput(["the answers file must be a JSON object"])
    problems: list[str] = []
    protocol = data.get("protocol")
    if not isinstance(protocol, str) or not protocol:
        problems.append("protocol: must be the protocol's id")
    standards = data.get("standards")
    if not isinstance(standards, list) or not all(isinstance(s, str) for s in standards):
        problems.append("standards: must be a list of standard ids")
        standards = []
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, list):
        problems.append("answers: must be a list")
        raw_answers = []
    answers = [_answer(item, position, problems) for position, item in enumerate(raw_answers)]
    if problems:
        raise RejectedInput(problems)
    return ScoreInput(protocol=str(protocol), standards=tuple(standards),
                      answers=tuple(answer for answer in answers if answer is not None))


def _answer(item: Any, position: int, problems: list[str]) -> AnswerInput | None:
    where = f"answers[{position}]"
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        problems.append(f"{where}: must be an object with a 'question' id")
        return None
    score = item.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        problems.append(f"{where} ({item['question']}): the score must be a number from 0 to 3, or null for N/A")
        return None
    if isinstance(score, float):
        if not score.is_integer():
            problems.append(f"{where} ({item['question']}): the score must be a whole number from 0 to 3")
            return None
        score = int(score)
    reason = item.get("na_reason") or ""
    if not isinstance(reason, str):
        problems.append(f"{where} ({item['question']}): 'na_reason' must be text")
        return None
    evidence = _evidence(item.get("evidence", []), where, problems)
    return AnswerInput(question=item["question"], score=score, na_reason=reason, evidence=evidence)


def _evidence(value: Any, where: str, problems: list[str]) -> tuple[Evidence, ...]:
    if not isinstance(value, list) or not all(isinstance(e, dict) and isinstance(e.get("type"), str) for e in value):
        problems.append(f"{where}: 'evidence' must be a list of objects with a 'type'")
        return ()
    return tuple(Evidence(type=e["type"], note=str(e.get("note") or "")) for e in value)
