"""An issued report with its certificate, made directly (the issuing service is not needed): a small
protocol in English, Polish and Chinese, and answers whose figures are worked by hand below.

ISO10002 (t1 0.8, t2 0.7, t3 0.6): C1 w3 key 3 (D), C2 w3 key 3 claimed but interview only, so 1;
C3 w2 3 (D); C4 w1 N/A; C5 w2 result 2 (M). Σw = 10, Σw·s = 9 + 3 + 6 + 4 = 22, index 73.3333 → 73.3;
enablers C1-C3 1800/24 = 75.0 (n 3); result C5 66.6667 → 66.7 (n 1); A1 100 %, A2 7/10 = 70 %,
A3 5/10 = 50 %. Level 1 (C2, a key question, is at 1); claimed level 2 (the result index 66.67 < 67
stops level 3). Risks: C2 3·2·2 = 12 (red: key at 1), C5 2, C1 0, C3 0. Opportunity: C2, to level 2.

ISO10004: M1 w3 key 3 (D), M2 w2 2 (D), M3 w1 result 3 (M). Σw = 6, Σw·s = 16, index 88.8889 → 88.9;
enablers 1300/15 = 86.6667 → 86.7 (n 2); result 100.0 (n 1); A3 4/6 → 67 %. Level 3, so every
question is an opportunity: M1 and M3 "sustain", M2 to level 3.

Overall: level 1, index 3800/48 = 79.1667 → 79.2 (n 7).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from csm.accounts.models import Unit
from csm.assessments.models import Assessment, Certificate, Report
from csm.assessments.protocol import Protocol, parse_protocol
from csm.assessments.scoring import score_assessment
from csm.assessments.snapshot import AnswerRecord, Context, EvidenceItem, Header, build_snapshot, digest

VERSION = "test-1"
CODE = "K7QP-4M2X-9TDA"
ISSUED_AT = dt.datetime(2025, 4, 15, 10, 30, tzinfo=dt.UTC)


def _texts(en: str, pl: str, zh: str) -> dict[str, str]:
    return {"en": en, "pl": pl, "zh-Hans": zh}


QUESTIONS = [
    ("C1", "ISO10002", "5.3", "enabler", 3, _texts(
        "Has top management approved the complaints policy, and does everyone know it?",
        "Czy zarząd zatwierdził politykę skarg i czy każdy pracownik ją zna?",
        "最高管理者是否批准了投诉处理方针，并让全体员工知晓？")),
    ("C2", "ISO10002", "7.2", "enabler", 3, _texts(
        "Is every complaint recorded when it is received?",
        "Czy każda skarga jest rejestrowana w chwili przyjęcia?",
        "每项投诉在接收时是否都被记录？")),
    ("C3", "ISO10002", "7.3", "enabler", 2, _texts(
        "Can complaints be tracked by the complainant?",
        "Czy skarżący może śledzić swoją skargę?",
        "投诉人能否跟踪其投诉？")),
    ("C4", "ISO10002", "8.4", "enabler", 1, _texts(
        "Is the complaints process audited?", "Czy proces skarg jest audytowany?", "投诉处理过程是否经过审核？")),
    ("C5", "ISO10002", "8.4", "result", 2, _texts(
        "Are complaints acknowledged on time?", "Czy skargi są potwierdzane na czas?", "投诉是否按时确认？")),
    ("M1", "ISO10004", "6.1", "enabler", 3, _texts(
        "Is satisfaction monitoring planned?", "Czy monitorowanie zadowolenia jest zaplanowane?",
        "是否策划了满意度监视？")),
    ("M2", "ISO10004", "7.3", "enabler", 2, _texts(
        "Are satisfaction data gathered from every touch point?",
        "Czy dane o zadowoleniu są zbierane w każdym punkcie styku?", "是否从每个接触点收集满意度数据？")),
    ("M3", "ISO10004", "8", "result", 1, _texts(
        "Is the satisfaction index at its target?", "Czy wskaźnik zadowolenia osiąga cel?", "满意度指数是否达到目标？")),
]


def descriptors(qid: str) -> dict[str, dict[str, str]]:
    return {
        "1": _texts(f"{qid}: defined and implemented", f"{qid}: określony i wdrożony", f"{qid}：已规定并实施"),
        "2": _texts(f"{qid}: managed and measured", f"{qid}: zarządzany i mierzony", f"{qid}：已管理并测量"),
        "3": _texts(f"{qid}: improving and integrated", f"{qid}: doskonalony i zintegrowany", f"{qid}：持续改进并整合"),
    }


def report_protocol() -> Protocol:
    questions = [{
        "id": qid, "standard": standard, "clause": clause, "kind": kind, "weight": weight, "key": weight == 3,
        "text": text, "guidance": text, "levels": descriptors(qid), "evidence": ["D", "R", "M", "I", "O"],
        "metric": {"name": "complaints.acknowledged_on_time", "thresholds": {"1": 80, "2": 90, "3": 95}}
        if qid == "C5" else None,
    } for qid, standard, clause, kind, weight, text in QUESTIONS]
    return parse_protocol({
        "id": "csm-test", "version": VERSION,
        "levels": {"t1": 0.8, "t2": 0.7, "t3": 0.6, "key_top_share": 0.5, "result_index_min": 67},
        "standards": [
            {"id": "ISO10002", "title": _texts("Complaints handling", "Postępowanie ze skargami", "投诉处理")},
            {"id": "ISO10004", "title": _texts("Monitoring and measuring customer satisfaction",
                                               "Monitorowanie i pomiar zadowolenia klienta", "顾客满意监视和测量")},
        ],
        "questions": questions,
    })


ANSWERS = (
    AnswerRecord("C1", 3, notes="Policy signed on 3 March.",
                 evidence=(EvidenceItem("D", note="Policy v2", filename="policy-v2.pdf"),)),
    AnswerRecord("C2", 3, evidence=(EvidenceItem("I", note="Front desk interview"),)),
    AnswerRecord("C3", 3, evidence=(EvidenceItem("D", link_kind="url", link_ref="https://acme.test/track",
                                                 link_label="Tracking page"),)),
    AnswerRecord("C4", None, na_reason="Audits are run by the group, outside the scope"),
    AnswerRecord("C5", 2, evidence=(EvidenceItem("M", metric={
        "name": "complaints.acknowledged_on_time", "value": 92.345, "n": 140, "period": "2025-Q1"}),)),
    AnswerRecord("M1", 3, evidence=(EvidenceItem("D"),)),
    AnswerRecord("M2", 2, evidence=(EvidenceItem("D"),)),
    AnswerRecord("M3", 3, evidence=(EvidenceItem("M"),)),
)

METRICS = [
    {"name": "complaints.acknowledged_on_time", "question": "C5", "value": 92.345, "n": 140, "previous": 88.0,
     "period_start": "2025-01-01", "period_end": "2025-03-31", "thresholds": [80, 90, 95],
     "higher_is_better": True, "suggested": 2},
    {"name": "complaints.reopen_rate", "question": "C3", "value": None, "n": 0, "previous": None,
     "period_start": "2025-01-01", "period_end": "2025-03-31", "thresholds": [10, 5, 2],
     "higher_is_better": False, "suggested": None},
]

PREVIOUS = {
    "number": "ACME-2024-03", "issued_at": "2024-04-02T08:00:00+00:00", "mode": "self",
    "overall": {"level": 0, "index": 61.25},
    "standards": [{"id": "ISO10002", "index": 61.25, "level": 0}],
    "clauses": [{"standard": "ISO10002", "clause": "5.3", "index": 66.66666666666667},
                {"standard": "ISO10002", "clause": "7.2", "index": 33.333333333333336}],
}

BENCHMARK = [
    {"unit": {"id": 99, "name": "Kraków branch"}, "number": "ACME-2025-02", "issued_at": "2025-02-10T09:00:00+00:00",
     "standards": [{"id": "ISO10002", "index": 55.55, "level": 0}]},
]


def header(organization: Any, *, number: str, mode: str, unit: Unit | None, revision: int = 1,
           supersedes: str | None = None) -> Header:
    return Header(
        number=number, title="Annual CSM assessment 2025",
        organization={"id": organization.pk, "name": organization.name},
        unit={"id": unit.pk, "name": unit.name} if unit else None, mode=mode,
        assessing_body="Nordic Assurance Sp. z o.o." if mode == "independent" else "",
        lead_assessor="Łucja Żak", team=("Bob Builder", "Carol Chen"), starts_on="2025-04-01",
        ends_on="2025-04-10", issued_at=ISSUED_AT.isoformat(), issued_by="Alice", revision=revision,
        supersedes=supersedes, correction_reason="Wrong evidence on C3" if supersedes else "")


def make_snapshot(organization: Any, *, protocol: Protocol, number: str = "ACME-2025-07",
                  mode: str = "independent", unit: Unit | None = None, code: str | None = CODE,
                  previous: dict | None = PREVIOUS, benchmark: list | None = None,
                  supersedes: str | None = None) -> dict:
    result = score_assessment(protocol, ["ISO10002", "ISO10004"], [answer.as_input() for answer in ANSWERS])
    certificate = {"code": code, "valid_until": "2026-04-14", "standards": [
        {"id": s.id, "level": s.level} for s in result.standards if s.level >= 1]} if code else None
    context = Context(metrics=METRICS, previous=previous,
                      benchmark=BENCHMARK if benchmark is None else benchmark, certificate=certificate)
    return build_snapshot(header=header(organization, number=number, mode=mode, unit=unit,
                                        revision=2 if supersedes else 1, supersedes=supersedes),
                          protocol=protocol, result=result, answers=ANSWERS, context=context)


def issue_report(persona: Any, *, protocol: Protocol | None = None, number: str = "ACME-2025-07",
                 mode: str = "independent", code: str | None = CODE, unit_name: str = "",
                 valid_until: dt.date = dt.date(2026, 4, 14), supersedes: Report | None = None,
                 **snapshot_options: Any) -> Report:
    """An issued report of the persona's organisation, with a certificate unless `code` is None."""
    organization = persona.organization
    protocol = protocol or report_protocol()
    unit = Unit.objects.create(organization=organization, kind="site", name=unit_name) if unit_name else None
    snapshot = make_snapshot(organization, protocol=protocol, number=number, mode=mode, unit=unit, code=code,
                             supersedes=supersedes.number if supersedes else None, **snapshot_options)
    assessment = Assessment.objects.create(
        organization=organization, title=snapshot["title"], unit=unit, standards=["ISO10002", "ISO10004"],
        mode=mode, protocol_version=protocol.version, lead_assessor=persona.user, starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2025, 4, 10), status="issued")
    report = Report.objects.create(
        organization=organization, assessment=assessment, number=number, snapshot=snapshot,
        digest=digest(snapshot), overall_level=snapshot["overall"]["level"],
        overall_index=Decimal(str(round(snapshot["overall"]["index"], 1))), issued_at=ISSUED_AT,
        issued_by=persona.user, supersedes=supersedes)
    if code:
        Certificate.objects.create(organization=organization, report=report, code=code,
                                   standards=snapshot["certificate"]["standards"], issued_on=ISSUED_AT.date(),
                                   valid_until=valid_until)
    return report
