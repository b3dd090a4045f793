"""Conducting an assessment: opening it, answering, attaching evidence, submitting for sign-off.

Only members on the assessment's team (or its lead assessor) with the conduct permission may change
it, and only while it is in progress. Every write is one transaction with its audit event; bad input
raises InvalidInput naming the field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Membership, Unit, User
from csm.assessments.models import Answer, Assessment, Evidence, EvidenceType, LinkKind, Mode, Report, Status
from csm.assessments.protocol_store import current_protocol
from csm.assessments.scoring import MAX_SCORE, RejectedInput, score_assessment
from csm.assessments.selectors import answer_records, assessed_questions, protocol_of, question_metrics
from csm.complaints.attachments import validate_uploads
from csm.complaints.models import Complaint
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.surveys.models import Survey

MAX_EVIDENCE_MB = 20


@dataclass(frozen=True)
class AssessmentData:
    title: str
    standards: Sequence[str]
    mode: str
    lead_assessor_id: int
    team_ids: Sequence[int]
    starts_on: dt.date
    ends_on: dt.date
    unit_id: int | None = None
    assessing_body: str = ""


@transaction.atomic
def open_assessment(*, actor: Actor, data: AssessmentData) -> Assessment:
    """Open an assessment on the current protocol for the organisation or one unit."""
    actor.require(roles.ASSESSMENTS_CONDUCT)
    protocol = current_protocol()
    _check_header(actor, data, protocol.standard_ids())
    assessment = Assessment.objects.create(
        organization_id=actor.organization_id, title=data.title.strip(), unit_id=data.unit_id,
        standards=[s for s in protocol.standard_ids() if s in data.standards], mode=data.mode,
        protocol_version=protocol.version, lead_assessor_id=data.lead_assessor_id,
        assessing_body=data.assessing_body.strip(), starts_on=data.starts_on, ends_on=data.ends_on,
        created_by=actor.user)
    assessment.team.set(_team_users(actor, data))
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.opened",
                 obj=assessment, changes={"standards": [None, assessment.standards], "mode": [None, data.mode]})
    return assessment


def _check_header(actor: Actor, data: AssessmentData, standards: Sequence[str]) -> None:
    errors = []
    if not data.title.strip():
        errors.append({"field": "title", "message": _("Give the assessment a title.")})
    if not data.standards or any(s not in standards for s in data.standards):
        errors.append({"field": "standards", "message": _("Choose one or more of the protocol's standards.")})
    if data.mode not in Mode.values:
        errors.append({"field": "mode", "message": _("Choose self-assessment or independent.")})
    if data.ends_on < data.starts_on:
        errors.append({"field": "ends_on", "message": _("The end date cannot be before the start date.")})
    if data.unit_id is not None and not Unit.objects.filter(organization_id=actor.organization_id,
                                                            pk=data.unit_id).exists():
        errors.append({"field": "unit", "message": _("No such unit in this organisation.")})
    assessors = _assessor_ids(actor, [data.lead_assessor_id, *data.team_ids])
    if data.lead_assessor_id not in assessors:
        errors.append({"field": "lead_assessor", "message": _("The lead assessor must be a member who may assess.")})
    if any(member not in assessors for member in data.team_ids):
        errors.append({"field": "team", "message": _("Every team member must be a member who may assess.")})
    if errors:
        raise InvalidInput(errors=errors)


def _assessor_ids(actor: Actor, user_ids: Sequence[int]) -> set[int]:
    memberships = Membership.objects.filter(organization_id=actor.organization_id, is_active=True,
                                            user_id__in=user_ids)
    return {m.user_id for m in memberships if roles.role_allows(m.role, roles.ASSESSMENTS_CONDUCT)}


def _team_users(actor: Actor, data: AssessmentData) -> list[User]:
    ids = {data.lead_assessor_id, *data.team_ids}
    return list(User.objects.filter(pk__in=ids))


def require_assessor(actor: Actor, assessment: Assessment) -> None:
    """The actor may change this assessment: conduct permission, on its team, and still in progress."""
    actor.require(roles.ASSESSMENTS_CONDUCT)
    if assessment.lead_assessor_id != actor.user.pk and not assessment.team.filter(pk=actor.user.pk).exists():
        raise PermissionDenied(_("Only the assessment's team can change it."))
    if assessment.status != Status.IN_PROGRESS:
        raise Conflict(_("This assessment is no longer in progress."))


def _question(assessment: Assessment, question_id: str) -> Any:
    for question in assessed_questions(assessment):
        if question.id == question_id:
            return question
    raise InvalidInput("question", _("No such question in this assessment."))


@transaction.atomic
def save_answer(*, actor: Actor, assessment: Assessment, question_id: str, score: int | None, is_na: bool = False,
                na_reason: str = "", notes: str = "") -> Answer:
    """Record a score 0-3, or N/A with a reason (never for a key question); blank both to clear it."""
    require_assessor(actor, assessment)
    question = _question(assessment, question_id)
    if is_na and question.key:
        raise InvalidInput("score", _("A key question cannot be marked N/A."))
    if is_na and not na_reason.strip():
        raise InvalidInput("na_reason", _("Say why the question does not apply."))
    if not is_na and score is not None and not 0 <= score <= MAX_SCORE:
        raise InvalidInput("score", _("The score must be 0, 1, 2 or 3."))
    answer, _created = Answer.objects.update_or_create(
        organization_id=actor.organization_id, assessment=assessment, question_id=question_id,
        defaults={"score": None if is_na else score, "is_na": is_na, "na_reason": na_reason.strip() if is_na else "",
                  "notes": notes.strip(), "answered_by": actor.user})
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.answered",
                 obj=assessment, changes={question_id: [None, "N/A" if is_na else score]})
    return answer


@dataclass(frozen=True)
class EvidenceData:
    question_id: str
    type: str
    note: str = ""
    file: UploadedFile | None = None
    link_kind: str = ""
    link_ref: str = ""


@transaction.atomic
def add_evidence(*, actor: Actor, assessment: Assessment, data: EvidenceData) -> Evidence:
    """Attach one piece of evidence: a note, a file, or a link to a CSM record or a web page."""
    require_assessor(actor, assessment)
    _question(assessment, data.question_id)
    if data.type not in EvidenceType.values:
        raise InvalidInput("type", _("Choose a type of evidence."))
    label = _link_label(actor, data.link_kind, data.link_ref.strip())
    if not data.note.strip() and data.file is None and not label:
        raise InvalidInput("note", _("Describe the evidence, attach a file or link a record."))
    # The same checks as a complainant's attachment: size, and a type proven by the content.
    uploads = validate_uploads([data.file], max_mb=MAX_EVIDENCE_MB, max_files=1) if data.file is not None else []
    evidence = Evidence(organization_id=actor.organization_id, assessment=assessment, question_id=data.question_id,
                        type=data.type, note=data.note.strip(), link_kind=data.link_kind if label else "",
                        link_ref=data.link_ref.strip() if label else "", link_label=label, added_by=actor.user)
    for upload in uploads:  # stored under a random name; the file's own name is for display only
        evidence.filename = upload.filename[-200:]
        evidence.file.save(f"{uuid.uuid4().hex}.{upload.kind}", upload.file, save=False)
    evidence.save()
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.evidence_added",
                 obj=assessment, changes={data.question_id: [None, data.type]})
    return evidence


def _link_label(actor: Actor, kind: str, ref: str) -> str:
    """A readable label of the linked record, checked to exist in this organisation."""
    if not kind or not ref:
        return ""
    org = actor.organization_id
    if kind == LinkKind.COMPLAINT:
        complaint = Complaint.objects.filter(organization_id=org, reference=ref).first()
        if complaint is None:
            raise InvalidInput("link_ref", _("No complaint with this reference."))
        return _("Complaint %(ref)s") % {"ref": complaint.reference}
    if kind == LinkKind.SURVEY:
        survey = Survey.objects.filter(organization_id=org, pk=int(ref) if ref.isdigit() else -1).first()
        if survey is None:
            raise InvalidInput("link_ref", _("No survey with this number."))
        return _("Survey: %(name)s") % {"name": survey.name}
    if kind == LinkKind.REPORT:
        report = Report.objects.filter(organization_id=org, number=ref).first()
        if report is None:
            raise InvalidInput("link_ref", _("No issued report with this number."))
        return _("Assessment report %(number)s") % {"number": report.number}
    if kind == LinkKind.URL:
        parsed = urlparse(ref)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise InvalidInput("link_ref", _("Give a full web address starting with https://."))
        return ref[:300]
    raise InvalidInput("link_kind", _("Choose what the link points to."))


@transaction.atomic
def attach_metric(*, actor: Actor, assessment: Assessment, question_id: str) -> Evidence:
    """Freeze the question's live figure (value, n, period, previous period) as metric evidence."""
    require_assessor(actor, assessment)
    question = _question(assessment, question_id)
    value = question_metrics(assessment, [question]).get(question_id)
    if value is None or value.value is None:
        raise InvalidInput("metric", _("CSM has no figure for this question yet."))
    frozen = {"name": value.name, "value": value.value, "n": value.n, "previous": value.previous,
              "previous_n": value.previous_n, "period_start": value.period_start.isoformat(),
              "period_end": value.period_end.isoformat(), "unit": value.unit}
    evidence = Evidence.objects.create(
        organization_id=actor.organization_id, assessment=assessment, question_id=question_id,
        type=EvidenceType.METRIC, metric=frozen, added_by=actor.user)  # shown in the reader's language
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.metric_attached",
                 obj=assessment, changes={question_id: [None, value.value]})
    return evidence


@transaction.atomic
def remove_evidence(*, actor: Actor, evidence: Evidence) -> None:
    require_assessor(actor, evidence.assessment)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.evidence_removed",
                 obj=evidence.assessment, changes={evidence.question_id: [evidence.type, None]})
    evidence.delete()


def unanswered(assessment: Assessment) -> list[str]:
    given = {a.question_id for a in Answer.objects.filter(organization_id=assessment.organization_id,
                                                          assessment=assessment)
             if a.score is not None or a.is_na}
    return [q.id for q in assessed_questions(assessment) if q.id not in given]


@transaction.atomic
def submit_for_review(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Hand a complete assessment to its lead assessor for sign-off."""
    require_assessor(actor, assessment)
    missing = unanswered(assessment)
    if missing:
        raise Conflict(_("%(n)s questions are not answered yet, first %(first)s.")
                       % {"n": len(missing), "first": missing[0]})
    try:
        score_assessment(protocol_of(assessment), assessment.standards,
                         [r.as_input() for r in answer_records(assessment)])
    except RejectedInput as exc:
        raise Conflict("; ".join(exc.problems)) from exc
    assessment.status = Status.IN_REVIEW
    assessment.submitted_at = clock.now()
    assessment.save(update_fields=["status", "submitted_at"])
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.submitted",
                 obj=assessment, changes={"status": [Status.IN_PROGRESS, Status.IN_REVIEW]})
    return assessment


@transaction.atomic
def return_for_changes(*, actor: Actor, assessment: Assessment, note: str) -> Assessment:
    """The lead assessor sends the assessment back to the team with a note."""
    require_lead(actor, assessment)
    if not note.strip():
        raise InvalidInput("review_note", _("Say what needs to change."))
    assessment.status = Status.IN_PROGRESS
    assessment.review_note = note.strip()
    assessment.save(update_fields=["status", "review_note"])
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.returned",
                 obj=assessment, changes={"status": [Status.IN_REVIEW, Status.IN_PROGRESS]})
    return assessment


def require_lead(actor: Actor, assessment: Assessment) -> None:
    actor.require(roles.ASSESSMENTS_CONDUCT)
    if assessment.lead_assessor_id != actor.user.pk:
        raise PermissionDenied(_("Only the lead assessor can review and sign off."))
    if assessment.status != Status.IN_REVIEW:
        raise Conflict(_("The assessment is not awaiting sign-off."))
