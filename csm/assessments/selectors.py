"""Reads for assessments. Every query is scoped to the actor's organisation: a missing id and
another organisation's id both raise NotFound.

`workspace` gathers what an assessor sees for every question: the protocol text, the answer, its
evidence, and the live metric with the score it suggests, in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.accounts.roles import role_allows
from csm.assessments import live_metrics
from csm.assessments.models import Answer, Assessment, Evidence, ImprovementItem, Report
from csm.assessments.protocol import Protocol, Question
from csm.assessments.protocol_store import protocol_version
from csm.assessments.scoring import AssessmentResult, RejectedInput, score_assessment
from csm.assessments.snapshot import AnswerRecord, EvidenceItem
from csm.core.lookups import get_or_not_found


def list_assessments(*, actor: Actor) -> QuerySet[Assessment]:
    actor.require(roles.ASSESSMENTS_VIEW)
    return (Assessment.objects.filter(organization_id=actor.organization_id)
            .select_related("unit", "lead_assessor", "report", "report__certificate"))


def access_assessment(*, actor: Actor, assessment_id: int) -> Assessment:
    return get_or_not_found(list_assessments(actor=actor), assessment_id)


def protocol_of(assessment: Assessment) -> Protocol:
    return protocol_version(assessment.protocol_version)


def assessed_questions(assessment: Assessment) -> tuple[Question, ...]:
    standards = set(assessment.standards)
    return tuple(q for q in protocol_of(assessment).questions if q.standard in standards)


def answer_records(assessment: Assessment) -> list[AnswerRecord]:
    """The answers with their evidence as plain records (two queries)."""
    evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
    for item in Evidence.objects.filter(organization_id=assessment.organization_id, assessment=assessment):
        evidence[item.question_id].append(evidence_item(item))
    return [AnswerRecord(question=a.question_id, score=a.score, na_reason=a.na_reason, notes=a.notes,
                         evidence=tuple(evidence.get(a.question_id, ())))
            for a in Answer.objects.filter(organization_id=assessment.organization_id, assessment=assessment)
            if a.score is not None or a.is_na]


def evidence_item(item: Evidence) -> EvidenceItem:
    return EvidenceItem(type=item.type, note=item.note, filename=item.filename, link_kind=item.link_kind,
                        link_ref=item.link_ref, link_label=item.link_label, metric=item.metric)


def current_result(assessment: Assessment) -> AssessmentResult | None:
    """The result the answers given so far would score, or None while it cannot be scored."""
    records = answer_records(assessment)
    try:
        return score_assessment(protocol_of(assessment), assessment.standards, [r.as_input() for r in records])
    except RejectedInput:
        return None


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    answer: Answer | None
    evidence: tuple[Evidence, ...]
    metric: live_metrics.MetricValue | None
    suggested: int | None

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and (self.answer.score is not None or self.answer.is_na)


@dataclass(frozen=True)
class Workspace:
    assessment: Assessment
    protocol: Protocol
    rows: tuple[QuestionRow, ...]
    result: AssessmentResult | None

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.is_answered)

    def progress_by_standard(self) -> list[tuple[str, int, int]]:
        """(standard, answered, questions) in protocol order."""
        return [(s, sum(1 for r in self.rows if r.question.standard == s and r.is_answered),
                 sum(1 for r in self.rows if r.question.standard == s))
                for s in self.protocol.standard_ids() if s in self.assessment.standards]


def workspace(*, actor: Actor, assessment: Assessment, standard: str | None = None) -> Workspace:
    """Every assessed question (or one standard's) with its answer, evidence and live metric."""
    actor.require(roles.ASSESSMENTS_VIEW)
    questions = [q for q in assessed_questions(assessment) if standard is None or q.standard == standard]
    answers = {a.question_id: a for a in Answer.objects.filter(organization_id=actor.organization_id,
                                                              assessment=assessment)}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(organization_id=actor.organization_id, assessment=assessment):
        evidence[item.question_id].append(item)
    metrics = question_metrics(assessment, questions)
    rows = tuple(QuestionRow(question=q, answer=answers.get(q.id), evidence=tuple(evidence.get(q.id, ())),
                             metric=metrics.get(q.id), suggested=_suggested(q, metrics.get(q.id)))
                 for q in questions)
    return Workspace(assessment=assessment, protocol=protocol_of(assessment), rows=rows,
                     result=current_result(assessment))


def question_metrics(assessment: Assessment,
                     questions: list[Question] | tuple[Question, ...]) -> dict[str, live_metrics.MetricValue]:
    """The live figure of each question tied to a metric, over the 12 months to the assessment's end."""
    names = {q.metric.name for q in questions if q.metric is not None}
    if not names:
        return {}
    values = live_metrics.compute_metrics(organization_id=assessment.organization_id, unit_id=assessment.unit_id,
                                          until=assessment.ends_on, names=names)
    return {q.id: values[q.metric.name] for q in questions if q.metric is not None and q.metric.name in values}


def _suggested(question: Question, value: live_metrics.MetricValue | None) -> int | None:
    if question.metric is None or value is None or value.value is None:
        return None
    return question.metric.suggested_score(value.value)


def access_evidence(*, actor: Actor, evidence_id: int) -> Evidence:
    actor.require(roles.ASSESSMENTS_VIEW)
    return get_or_not_found(Evidence.objects.filter(organization_id=actor.organization_id)
                            .select_related("assessment"), evidence_id)


def possible_assessors(*, actor: Actor) -> QuerySet[Membership]:
    """Active members whose role may conduct an assessment: the choices of lead assessor and team."""
    actor.require(roles.ASSESSMENTS_VIEW)
    allowed = [role for role in roles.Role.values if role_allows(role, roles.ASSESSMENTS_CONDUCT)]
    return (Membership.objects.filter(organization_id=actor.organization_id, is_active=True, role__in=allowed)
            .select_related("user").order_by("user__full_name", "user__email"))


def list_improvement_items(*, actor: Actor, status: str | None = None) -> QuerySet[ImprovementItem]:
    actor.require(roles.ASSESSMENTS_VIEW)
    items = (ImprovementItem.objects.filter(organization_id=actor.organization_id)
             .select_related("owner", "report", "report__assessment"))
    return items.filter(status=status) if status else items


def access_improvement_item(*, actor: Actor, item_id: int) -> ImprovementItem:
    return get_or_not_found(list_improvement_items(actor=actor), item_id)


def issued_reports(*, organization_id: int) -> QuerySet[Report]:
    """Issued reports still in force (not superseded by a correction), newest first."""
    return (Report.objects.filter(organization_id=organization_id, superseded_by__isnull=True)
            .select_related("assessment", "assessment__unit"))
