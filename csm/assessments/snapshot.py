"""The issued report's snapshot: every figure and list a report shows, frozen as JSON at sign-off.

The snapshot is built once, stored on the Report with its SHA-256, and never recomputed: the page,
the PDF, the certificate, the comparisons over time and the unit benchmark all read it. Question
texts are not copied; they are read from the shipped protocol of `protocol.version`, which is never
changed once shipped (protocol_store), so a report reads the same in every language for ever.

Schema 1 (floats unrounded; dates ISO 8601):

    {"schema": 1, "number", "title", "organization": {"id", "name"}, "unit": null | {"id", "name"},
     "mode", "assessing_body", "lead_assessor", "team": [names], "starts_on", "ends_on",
     "issued_at", "issued_by", "revision", "supersedes": null | number, "correction_reason",
     "protocol": {"id", "version"},
     "overall": {"level", "index"},
     "standards": [{"id", "index", "enabler_index", "result_index", "attainment": {"1", "2", "3"},
                    "level", "claimed_level", "strengths", "weaknesses", "risks": [{"question", "risk"}],
                    "opportunities", "n_questions", "n_scored", "n_na"}],
     "clauses": [{"standard", "clause", "index", "n"}],
     "answers": [{"question", "standard", "clause", "kind", "weight", "key", "score", "effective",
                  "na_reason", "notes", "evidence": [{"type", "note", "filename", "link_kind",
                  "link_ref", "link_label", "metric"}]}],
     "metrics": [{"name", "question", "value", "n", "previous", "period_start", "period_end",
                  "thresholds": [t1, t2, t3], "higher_is_better", "suggested"}],
     "previous": null | {"number", "issued_at", "mode", "overall", "standards": [{"id", "index", "level"}],
                         "clauses": [{"standard", "clause", "index"}]},
     "benchmark": [{"unit", "number", "issued_at", "standards": [{"id", "index", "level"}]}],
     "certificate": null | {"code", "valid_until", "standards": [{"id", "level"}]}}

No Django here: the service gathers plain values (dataclasses below) and this module assembles them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from csm.assessments.protocol import Protocol
from csm.assessments.scoring import AnswerInput, AssessmentResult, Evidence, index, result_to_json

SCHEMA = 1


@dataclass(frozen=True)
class EvidenceItem:
    type: str
    note: str = ""
    filename: str = ""
    link_kind: str = ""
    link_ref: str = ""
    link_label: str = ""
    metric: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class AnswerRecord:
    question: str
    score: int | None
    na_reason: str = ""
    notes: str = ""
    evidence: tuple[EvidenceItem, ...] = ()

    def as_input(self) -> AnswerInput:
        return AnswerInput(question=self.question, score=self.score, na_reason=self.na_reason,
                           evidence=tuple(Evidence(type=e.type, note=e.note) for e in self.evidence))


@dataclass(frozen=True)
class Header:
    number: str
    title: str
    organization: Mapping[str, Any]
    unit: Mapping[str, Any] | None
    mode: str
    assessing_body: str
    lead_assessor: str
    team: tuple[str, ...]
    starts_on: str
    ends_on: str
    issued_at: str
    issued_by: str
    revision: int = 1
    supersedes: str | None = None
    correction_reason: str = ""


@dataclass(frozen=True)
class Context:
    """What surrounds the scores: live metrics, the last report and the other units' latest reports."""

    metrics: Sequence[Mapping[str, Any]] = ()
    previous: Mapping[str, Any] | None = None
    benchmark: Sequence[Mapping[str, Any]] = ()
    certificate: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def build_snapshot(*, header: Header, protocol: Protocol, result: AssessmentResult,
                   answers: Sequence[AnswerRecord], context: Context) -> dict[str, Any]:
    scored = result_to_json(result)
    by_question = {answer.question: answer for answer in answers}
    effective = {item.question.id: item.effective for standard in result.standards for item in standard.scored}
    assessed = {standard.id for standard in result.standards}
    questions = [q for q in protocol.questions if q.standard in assessed]
    return {
        "schema": SCHEMA,
        **{name: getattr(header, name) for name in (
            "number", "title", "organization", "unit", "mode", "assessing_body", "lead_assessor", "starts_on",
            "ends_on", "issued_at", "issued_by", "revision", "supersedes", "correction_reason")},
        "team": list(header.team),
        "protocol": {"id": protocol.id, "version": protocol.version},
        "overall": scored["overall"],
        "standards": [{**standard, **_counts(protocol, standard["id"], by_question)}
                      for standard in scored["standards"]],  # type: ignore[attr-defined]
        "clauses": clause_indices(protocol, effective),
        "answers": [_answer(q, by_question.get(q.id), effective.get(q.id)) for q in questions],
        "metrics": list(context.metrics),
        "previous": context.previous,
        "benchmark": list(context.benchmark),
        "certificate": context.certificate,
    }


def _counts(protocol: Protocol, standard: str, answers: Mapping[str, AnswerRecord]) -> dict[str, int]:
    questions = protocol.questions_of(standard)
    given = [answers[q.id] for q in questions if q.id in answers]
    return {"n_questions": len(questions), "n_scored": sum(1 for a in given if a.score is not None),
            "n_na": sum(1 for a in given if a.score is None)}


def clause_indices(protocol: Protocol, effective: Mapping[str, int]) -> list[dict[str, Any]]:
    """The index of each (standard, clause) over its scored questions, in protocol order."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for question in protocol.questions:
        if question.id in effective:
            groups[(question.standard, question.clause)].append((question.weight, effective[question.id]))
    return [{"standard": standard, "clause": clause, "index": index(pairs), "n": len(pairs)}
            for (standard, clause), pairs in groups.items()]


def _answer(question: Any, answer: AnswerRecord | None, effective: int | None) -> dict[str, Any]:
    return {
        "question": question.id, "standard": question.standard, "clause": question.clause, "kind": question.kind,
        "weight": question.weight, "key": question.key,
        "score": answer.score if answer else None, "effective": effective,
        "na_reason": answer.na_reason if answer else "", "notes": answer.notes if answer else "",
        "evidence": [{"type": e.type, "note": e.note, "filename": e.filename, "link_kind": e.link_kind,
                      "link_ref": e.link_ref, "link_label": e.link_label, "metric": e.metric}
                     for e in (answer.evidence if answer else ())],
    }


def snapshot_summary(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a report that a later report quotes as its `previous`."""
    return {
        "number": snapshot["number"], "issued_at": snapshot["issued_at"], "mode": snapshot["mode"],
        "overall": snapshot["overall"],
        "standards": [{"id": s["id"], "index": s["index"], "level": s["level"]} for s in snapshot["standards"]],
        "clauses": [{"standard": c["standard"], "clause": c["clause"], "index": c["index"]}
                    for c in snapshot["clauses"]],
    }


def digest(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON: any change to a stored snapshot shows."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
