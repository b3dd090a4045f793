"""Assessment endpoints: open an assessment, answer and attach evidence, submit and sign off, read
issued reports, score an answers file statelessly, and follow improvement items. Every read goes
through the organisation-scoped selectors (another organisation's id is a 404) and every write
through the services (a 403 for a role that may not, a 409 for the wrong state, a 422 naming the field)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.assessments import selectors
from csm.assessments.models import Assessment, ImprovementItem, Report
from csm.assessments.protocol_store import current_protocol
from csm.assessments.report_selectors import access_report
from csm.assessments.schemas import (
    AnswerIn,
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    EvidenceIn,
    EvidenceOut,
    ImprovementItemOut,
    ImprovementItemPatch,
    ReportOut,
    ScoreIn,
)
from csm.assessments.score_input import parse_score_input
from csm.assessments.scoring import RejectedInput, result_to_json, score_assessment
from csm.assessments.services import conducting, issuing
from csm.assessments.services.items import update_improvement_item
from csm.core.errors import InvalidInput
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery

router = Router(tags=["assessments"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _out(assessment: Assessment, answered: int | None = None) -> dict[str, Any]:
    questions = selectors.assessed_questions(assessment)
    if answered is None:
        answered = len(questions) - len(conducting.unanswered(assessment))
    report = getattr(assessment, "report", None)
    return {**{f: getattr(assessment, f) for f in (
        "id", "title", "unit_id", "standards", "mode", "status", "protocol_version", "lead_assessor_id",
        "assessing_body", "starts_on", "ends_on", "revision")},
        "team_ids": sorted(u.pk for u in assessment.team.all()), "report_id": report.pk if report else None,
        "answered": answered, "questions": len(questions)}


def _detail(actor: Actor, assessment: Assessment) -> dict[str, Any]:
    space = selectors.workspace(actor=actor, assessment=assessment)
    rows = [{"id": r.question.id, "standard": r.question.standard, "clause": r.question.clause,
             "kind": r.question.kind, "weight": r.question.weight, "key": r.question.key,
             "score": r.answer.score if r.answer else None, "is_na": bool(r.answer and r.answer.is_na),
             "na_reason": r.answer.na_reason if r.answer else "", "notes": r.answer.notes if r.answer else "",
             "metric_value": r.metric.value if r.metric else None, "metric_n": r.metric.n if r.metric else None,
             "suggested_score": r.suggested, "evidence": [_evidence(e) for e in r.evidence]} for r in space.rows]
    return {**_out(assessment, space.answered), "answers": rows,
            "provisional": result_to_json(space.result) if space.result else None}


def _evidence(e: Any) -> dict[str, Any]:
    return {f: getattr(e, f) for f in ("id", "type", "note", "filename", "link_kind", "link_ref", "link_label",
                                       "metric")}


@router.get("/assessments", response={200: PageOut[AssessmentOut], **ERRORS})
def list_assessments(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    page = paginate(selectors.list_assessments(actor=_actor(request)).prefetch_related("team"),
                    cursor=filters.cursor, limit=filters.limit)
    return {"items": [_out(a) for a in page.items], "next_cursor": page.next_cursor}


@router.post("/assessments", response={201: AssessmentDetailOut, **ERRORS})
def open_assessment(request: HttpRequest, payload: AssessmentIn) -> Any:
    actor = _actor(request)
    assessment = conducting.open_assessment(actor=actor, data=conducting.AssessmentData(**payload.dict()))
    return Status(201, _detail(actor, assessment))


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **ERRORS})
def get_assessment(request: HttpRequest, assessment_id: Id) -> Any:
    actor = _actor(request)
    return _detail(actor, selectors.access_assessment(actor=actor, assessment_id=assessment_id))


@router.put("/assessments/{assessment_id}/answers/{question_id}", response={200: AssessmentDetailOut, **ERRORS})
def answer_question(request: HttpRequest, assessment_id: Id, question_id: str, payload: AnswerIn) -> Any:
    actor = _actor(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=assessment_id)
    conducting.save_answer(actor=actor, assessment=assessment, question_id=question_id, score=payload.score,
                           is_na=payload.is_na, na_reason=payload.na_reason, notes=payload.notes)
    return _detail(actor, assessment)


@router.post("/assessments/{assessment_id}/answers/{question_id}/evidence",
             response={201: EvidenceOut, **ERRORS})
def add_evidence(request: HttpRequest, assessment_id: Id, question_id: str, payload: EvidenceIn) -> Any:
    actor = _actor(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=assessment_id)
    evidence = conducting.add_evidence(actor=actor, assessment=assessment, data=conducting.EvidenceData(
        question_id=question_id, **payload.dict()))
    return Status(201, _evidence(evidence))


@router.post("/assessments/{assessment_id}/submit", response={200: AssessmentDetailOut, **ERRORS})
def submit_assessment(request: HttpRequest, assessment_id: Id) -> Any:
    actor = _actor(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=assessment_id)
    return _detail(actor, conducting.submit_for_review(actor=actor, assessment=assessment))


@router.post("/assessments/{assessment_id}/sign-off", response={201: ReportOut, **ERRORS})
def sign_off_assessment(request: HttpRequest, assessment_id: Id) -> Any:
    actor = _actor(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=assessment_id)
    return Status(201, _report(issuing.sign_off(actor=actor, assessment=assessment)))


def _report(report: Report) -> dict[str, Any]:
    certificate = getattr(report, "certificate", None)
    return {"id": report.pk, "number": report.number, "assessment_id": report.assessment_id,
            "issued_at": report.issued_at, "overall_level": report.overall_level,
            "overall_index": float(report.overall_index), "digest": report.digest,
            "supersedes": report.snapshot.get("supersedes"), "snapshot": report.snapshot,
            "certificate_code": certificate.code if certificate else None}


@router.get("/assessment-reports/{report_id}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, report_id: Id) -> Any:
    return _report(access_report(actor=_actor(request), report_id=report_id))


@router.post("/assessment-scores", response={200: dict[str, Any], **ERRORS})
def score(request: HttpRequest, payload: ScoreIn) -> Any:
    """Score answers against the shipped protocol, as `csm assess score` does; nothing is stored."""
    _actor(request).require(roles.ASSESSMENTS_VIEW)
    protocol = current_protocol()
    try:
        data = parse_score_input(payload.dict())
        if data.protocol != protocol.id:
            raise RejectedInput([f"protocol: the shipped protocol is {protocol.id!r}"])
        result = score_assessment(protocol, data.standards, data.answers)
    except RejectedInput as exc:
        raise InvalidInput(errors=[{"field": "answers", "message": problem} for problem in exc.problems]) from exc
    return result_to_json(result)


def _item(item: ImprovementItem) -> dict[str, Any]:
    return {f: getattr(item, f) for f in ("id", "report_id", "question_id", "standard", "action", "owner_id",
                                          "due_on", "status", "closing_note")}


@router.get("/improvement-items", response={200: PageOut[ImprovementItemOut], **ERRORS})
def list_improvement_items(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    page = paginate(selectors.list_improvement_items(actor=_actor(request)), cursor=filters.cursor,
                    limit=filters.limit)
    return {"items": [_item(i) for i in page.items], "next_cursor": page.next_cursor}


@router.patch("/improvement-items/{item_id}", response={200: ImprovementItemOut, **ERRORS})
def update_item(request: HttpRequest, item_id: Id, payload: ImprovementItemPatch) -> Any:
    actor = _actor(request)
    item = selectors.access_improvement_item(actor=actor, item_id=item_id)
    return _item(update_improvement_item(actor=actor, item=item, owner_id=payload.owner_id, due_on=payload.due_on,
                                         status=payload.status, closing_note=payload.closing_note))
