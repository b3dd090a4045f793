"""The report's view-model: what the report page and its PDF show, built from the frozen snapshot
and the protocol it was scored on, in one language.

Every figure is rounded here, once, for display: Decimal with ROUND_HALF_UP from the shortest text
of the stored float (so 60.65 shows as 60.7 on SQLite and PostgreSQL alike), indices to one decimal,
attainments to whole percent. Each figure travels with its n, the scored questions it rests on.
Question texts, clauses and level descriptors come from the protocol in the report's language
(`protocol.localized`); labels are gettext'ed, so build inside `translation.override(language)`
(report_render does). The Effectiveness, Change and Benchmark sections are built in report_trends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from csm.assessments import live_metrics
from csm.assessments.models import EvidenceType, Mode
from csm.assessments.protocol import Protocol, localized
from csm.assessments.rounding import percent, rounded

INDEX_STEP = Decimal("0.1")
WHOLE = Decimal("1")
MAX_SCORE = 3

# The certificate and the verification page have no protocol at hand; the standards' short names.
STANDARD_NAMES = {
    "ISO10001": _("Codes of conduct for organizations"),
    "ISO10002": _("Complaints handling in organizations"),
    "ISO10003": _("Dispute resolution external to organizations"),
    "ISO10004": _("Monitoring and measuring customer satisfaction"),
}

# The live figures, named for a reader: one table, kept by live_metrics.
METRIC_LABELS = live_metrics.METRIC_LABELS


def level_label(level: int | None) -> str:
    if level is None:
        return "—"
    if level == 0:
        return gettext("Not confirmed")
    return gettext("Level %(level)d") % {"level": level}


def standard_number(standard: str) -> str:
    """ISO10002 → ISO 10002."""
    return standard.replace("ISO", "ISO ", 1) if standard.startswith("ISO") else standard


def standard_title(protocol: Protocol | None, standard: str, language: str) -> str:
    if protocol is not None:
        for item in protocol.standards:
            if item.id == standard and item.title:
                return localized(item.title, language)
    return str(STANDARD_NAMES.get(standard, ""))


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return None


def parse_datetime(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class QuestionView:
    id: str
    standard: str
    clause: str
    text: str
    kind: str
    weight: int
    is_key: bool
    descriptors: Mapping[int, str]

    def descriptor(self, score: int | None) -> str:
        return self.descriptors.get(score, "") if score else ""


def question_view(protocol: Protocol, question_id: str, language: str) -> QuestionView:
    try:
        question = protocol.question(question_id)
    except KeyError:  # not in the protocol: show the id rather than fail the whole report
        return QuestionView(id=question_id, standard="", clause="", text=question_id, kind="", weight=0,
                            is_key=False, descriptors={})
    return QuestionView(
        id=question.id, standard=question.standard, clause=question.clause,
        text=localized(question.text, language), kind=question.kind, weight=question.weight, is_key=question.key,
        descriptors={level: localized(texts, language) for level, texts in question.levels.items()})


@dataclass(frozen=True)
class StandardRef:
    id: str
    number: str
    title: str


@dataclass(frozen=True)
class Cover:
    title: str
    organization: str
    unit: str
    standards: tuple[StandardRef, ...]
    mode: str
    mode_label: str
    assessing_body: str
    lead_assessor: str
    team: tuple[str, ...]
    starts_on: dt.date | None
    ends_on: dt.date | None
    issued_at: dt.datetime | None
    issued_by: str
    protocol_id: str
    protocol_version: str
    number: str
    revision: int
    supersedes: str
    correction_reason: str
    certificate_code: str
    certificate_valid_until: dt.date | None


def cover(snapshot: Mapping[str, Any], protocol: Protocol, language: str) -> Cover:
    unit = snapshot.get("unit") or {}
    certificate = snapshot.get("certificate") or {}
    mode = snapshot.get("mode", "")
    return Cover(
        title=snapshot.get("title", ""), organization=snapshot["organization"]["name"],
        unit=unit.get("name", ""),
        standards=tuple(StandardRef(id=s["id"], number=standard_number(s["id"]),
                                    title=standard_title(protocol, s["id"], language))
                        for s in snapshot["standards"]),
        mode=mode, mode_label=str(Mode(mode).label) if mode in Mode.values else mode,
        assessing_body=snapshot.get("assessing_body", ""), lead_assessor=snapshot.get("lead_assessor", ""),
        team=tuple(snapshot.get("team", ())), starts_on=parse_date(snapshot.get("starts_on")),
        ends_on=parse_date(snapshot.get("ends_on")), issued_at=parse_datetime(snapshot.get("issued_at")),
        issued_by=snapshot.get("issued_by", ""), protocol_id=snapshot["protocol"]["id"],
        protocol_version=snapshot["protocol"]["version"], number=snapshot["number"],
        revision=snapshot.get("revision", 1), supersedes=snapshot.get("supersedes") or "",
        correction_reason=snapshot.get("correction_reason", ""), certificate_code=certificate.get("code", ""),
        certificate_valid_until=parse_date(certificate.get("valid_until")))


@dataclass(frozen=True)
class Figure:
    """A rounded figure and the number of scored questions it rests on."""

    value: Decimal | None
    n: int


@dataclass(frozen=True)
class SummaryRow:
    standard: StandardRef
    level: int
    level_label: str
    claimed_level: int
    claimed_label: str
    index: Figure
    enabler_index: Figure
    result_index: Figure
    attainments: tuple[Figure, Figure, Figure]
    n_questions: int
    n_scored: int
    n_na: int

    @property
    def is_claim_above(self) -> bool:
        return self.claimed_level > self.level


@dataclass(frozen=True)
class Overall:
    level: int
    level_label: str
    index: Figure


def scored_count(snapshot: Mapping[str, Any], standard: str, kind: str | None = None) -> int:
    return sum(1 for answer in snapshot["answers"] if answer["standard"] == standard
               and answer["effective"] is not None and (kind is None or answer["kind"] == kind))


def summary_row(snapshot: Mapping[str, Any], standard: Mapping[str, Any], ref: StandardRef) -> SummaryRow:
    n = scored_count(snapshot, standard["id"])
    return SummaryRow(
        standard=ref, level=standard["level"], level_label=level_label(standard["level"]),
        claimed_level=standard["claimed_level"], claimed_label=level_label(standard["claimed_level"]),
        index=Figure(rounded(standard["index"]), n),
        enabler_index=Figure(rounded(standard["enabler_index"]), scored_count(snapshot, standard["id"], "enabler")),
        result_index=Figure(rounded(standard["result_index"]), scored_count(snapshot, standard["id"], "result")),
        attainments=(Figure(percent(standard["attainment"]["1"]), n), Figure(percent(standard["attainment"]["2"]), n),
                     Figure(percent(standard["attainment"]["3"]), n)),
        n_questions=standard.get("n_questions", n), n_scored=standard.get("n_scored", n),
        n_na=standard.get("n_na", 0))


def summary(snapshot: Mapping[str, Any], refs: Sequence[StandardRef]) -> tuple[tuple[SummaryRow, ...], Overall]:
    rows = tuple(summary_row(snapshot, standard, ref) for standard, ref in zip(snapshot["standards"], refs,
                                                                               strict=True))
    overall = snapshot["overall"]
    return rows, Overall(level=overall["level"], level_label=level_label(overall["level"]),
                         index=Figure(rounded(overall["index"]), sum(row.index.n for row in rows)))


@dataclass(frozen=True)
class Finding:
    question: QuestionView
    score: int | None


@dataclass(frozen=True)
class RiskRow:
    question: QuestionView
    score: int | None
    risk: int

    @property
    def is_red(self) -> bool:
        """A key question at s ≤ 1 (standards.md §2.5: flagged red)."""
        return self.question.is_key and self.score is not None and self.score <= 1


@dataclass(frozen=True)
class Opportunity:
    question: QuestionView
    score: int | None
    target_level: int | None  # None: already at 3, sustain
    action: str


@dataclass(frozen=True)
class Findings:
    standard: StandardRef
    level_label: str
    strengths: tuple[Finding, ...]
    weaknesses: tuple[Finding, ...]
    risks: tuple[RiskRow, ...]
    opportunities: tuple[Opportunity, ...]


def recommended_action(question: QuestionView, score: int | None) -> Opportunity:
    """The level-(s+1) descriptor; at s = 3 there is none above, so the action is to sustain."""
    current = score or 0
    if current >= MAX_SCORE:
        action = gettext("Sustain: keep the level-3 practice")
        descriptor = question.descriptor(MAX_SCORE)
        return Opportunity(question=question, score=score, target_level=None,
                           action=f"{action} ({descriptor})" if descriptor else action)
    return Opportunity(question=question, score=score, target_level=current + 1,
                       action=question.descriptor(current + 1))


def findings(snapshot: Mapping[str, Any], protocol: Protocol, language: str,
             refs: Sequence[StandardRef]) -> tuple[Findings, ...]:
    effective = {answer["question"]: answer["effective"] for answer in snapshot["answers"]}

    def view(question_id: str) -> QuestionView:
        return question_view(protocol, question_id, language)

    return tuple(Findings(
        standard=ref, level_label=level_label(standard["level"]),
        strengths=tuple(Finding(view(q), effective.get(q)) for q in standard["strengths"]),
        weaknesses=tuple(Finding(view(q), effective.get(q)) for q in standard["weaknesses"]),
        risks=tuple(RiskRow(view(r["question"]), effective.get(r["question"]), r["risk"]) for r in standard["risks"]),
        opportunities=tuple(recommended_action(view(q), effective.get(q)) for q in standard["opportunities"]),
    ) for standard, ref in zip(snapshot["standards"], refs, strict=True))


@dataclass(frozen=True)
class EvidenceView:
    type: str
    type_label: str
    note: str
    filename: str
    link_label: str
    metric: str


@dataclass(frozen=True)
class AnswerView:
    question: QuestionView
    score: int | None
    effective: int | None
    na_reason: str
    notes: str
    evidence: tuple[EvidenceView, ...]

    @property
    def is_na(self) -> bool:
        return self.score is None

    @property
    def standard_number(self) -> str:
        return standard_number(self.question.standard)

    @property
    def effective_descriptor(self) -> str:
        return self.question.descriptor(self.effective)

    @property
    def is_capped(self) -> bool:
        return self.score is not None and self.effective is not None and self.effective < self.score


def metric_text(metric: Mapping[str, Any] | None) -> str:
    """A frozen metric of an evidence item on one line: name = value (n = …, period)."""
    if not metric:
        return ""
    value = display_number(metric.get("value"))
    name = str(metric.get("name", ""))
    text = f"{METRIC_LABELS.get(name, name)} = {formats.localize(value) if value is not None else '—'}"
    extras = [f"n = {metric['n']}"] if metric.get("n") is not None else []
    extras += [str(metric["period"])] if metric.get("period") else []
    return f"{text} ({'; '.join(extras)})" if extras else text


def display_number(value: Any) -> Decimal | None:
    """A figure that is neither an index nor an attainment: at most two decimals, trailing zeros cut."""
    if value is None or isinstance(value, bool):
        return None
    text = format(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    return Decimal(text.rstrip("0").rstrip(".") if "." in text else text)


def _evidence(item: Mapping[str, Any]) -> EvidenceView:
    kind = item.get("type", "")
    return EvidenceView(
        type=kind, type_label=str(EvidenceType(kind).label) if kind in EvidenceType.values else kind,
        note=item.get("note", ""), filename=item.get("filename", ""), link_label=item.get("link_label", ""),
        metric=metric_text(item.get("metric")))


def answers(snapshot: Mapping[str, Any], protocol: Protocol, language: str) -> tuple[AnswerView, ...]:
    return tuple(AnswerView(
        question=question_view(protocol, answer["question"], language), score=answer["score"],
        effective=answer["effective"], na_reason=answer.get("na_reason", ""), notes=answer.get("notes", ""),
        evidence=tuple(_evidence(item) for item in answer.get("evidence", ())),
    ) for answer in snapshot["answers"])
