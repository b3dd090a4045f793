"""A full report snapshot for the report benchmark: all four standards of a protocol, every answer
with evidence, live metrics, a previous report and a five-unit benchmark, built by the same
`snapshot.build_snapshot` the sign-off uses."""

from __future__ import annotations

import random
from typing import Any

from csm.assessments.protocol import Protocol
from csm.assessments.scoring import AnswerInput, score_assessment
from csm.assessments.snapshot import (
    AnswerRecord,
    Context,
    EvidenceItem,
    Header,
    build_snapshot,
    snapshot_summary,
)

NOTES = ("Procedura reklamacyjna v4, zatwierdzona 2026-03", "投诉处理记录抽样 30 份，全部在时限内确认",
         "Interview with the complaints manager", "Management review minutes, Q2 and Q3")


def _records(protocol: Protocol, rng: random.Random) -> list[AnswerRecord]:
    records = []
    for q in protocol.questions:
        score = rng.choice((1, 2, 2, 3)) if q.key else rng.choice((0, 1, 2, 2, 3))
        evidence = tuple(EvidenceItem(type=rng.choice("DRMIO"), note=rng.choice(NOTES), filename="evidence.pdf")
                         for _ in range(rng.randint(1, 3)))
        records.append(AnswerRecord(question=q.id, score=score, notes="Seen on site.", evidence=evidence))
    return records


def _metrics(protocol: Protocol, rng: random.Random) -> list[dict[str, Any]]:
    return [{"name": q.metric.name, "question": q.id, "value": rng.random(), "n": rng.randint(40, 900),
             "previous": rng.random(), "previous_n": rng.randint(40, 900), "unit": "share",
             "period_start": "2025-11-01", "period_end": "2026-10-31", "thresholds": list(q.metric.thresholds),
             "higher_is_better": q.metric.is_higher_better, "suggested": 2}
            for q in protocol.questions if q.metric is not None]


def full_snapshot(protocol: Protocol, rng: random.Random) -> dict[str, Any]:
    standards = protocol.standard_ids()
    records = _records(protocol, rng)
    result = score_assessment(protocol, standards, [r.as_input() for r in records])
    header = Header(number="CSM-2026-0042", title="Annual CSM assessment", organization={"id": 1, "name": "Acme"},
                    unit=None, mode="independent", assessing_body="DNV", lead_assessor="Dora Assessor",
                    team=("Alice Admin", "Dora Assessor"), starts_on="2026-10-26", ends_on="2026-10-30",
                    issued_at="2026-11-02T10:00:00+00:00", issued_by="Dora Assessor")
    earlier = build_snapshot(header=header, protocol=protocol, result=result, answers=records, context=Context())
    benchmark = [{"unit": f"Hotel {i}", "number": f"CSM-2026-00{i}", "issued_at": "2026-09-01T10:00:00+00:00",
                  "standards": [{"id": s, "index": rng.uniform(40, 90), "level": rng.randint(0, 3)}
                                for s in standards]} for i in range(1, 6)]
    return build_snapshot(header=header, protocol=protocol, result=result, answers=records, context=Context(
        metrics=_metrics(protocol, rng), previous=snapshot_summary(earlier), benchmark=benchmark,
        certificate={"code": "7KQ2-M9XH-4RTA", "valid_until": "2027-11-02",
                     "standards": [{"id": s.id, "level": s.level} for s in result.standards if s.level]}))


__all__ = ["AnswerInput", "full_snapshot"]
