"""Issuing: the lead assessor's sign-off freezes the report, the confirmation and the improvement items.

`sign_off` scores the answers (scoring.py), gathers the live metrics, the last report of the same
scope and every unit's latest report, and stores it all as one immutable snapshot (snapshot.py) with
its SHA-256. A standard at level 1 or higher earns a confirmation certificate, valid for
CSM_CERTIFICATE_VALID_MONTHS, with a random verification code. Each improvement opportunity below
level 3 becomes an improvement item, owned by whoever opened the assessment and due after
CSM_IMPROVEMENT_DUE_DAYS, both editable afterwards.

An issued report never changes. `start_correction` opens a new revision of the assessment with the
same answers and evidence; when it is signed off its report supersedes the old one, whose
certificate then verifies as superseded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.assessments.models import (
    Answer,
    Assessment,
    Certificate,
    Evidence,
    ImprovementItem,
    Report,
    Status,
)
from csm.assessments.protocol import localized
from csm.assessments.rounding import rounded
from csm.assessments.scoring import MAX_SCORE, AssessmentResult, score_assessment
from csm.assessments.selectors import (
    answer_records,
    assessed_questions,
    issued_reports,
    protocol_of,
    question_metrics,
)
from csm.assessments.services.conducting import require_lead
from csm.assessments.snapshot import Context, Header, build_snapshot, digest, snapshot_summary
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # Crockford-like: no 0/O, 1/I


@transaction.atomic
def sign_off(*, actor: Actor, assessment: Assessment) -> Report:
    """Issue the report of an assessment awaiting sign-off; only its lead assessor may."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk, organization_id=actor.organization_id)
    require_lead(actor, assessment)
    protocol = protocol_of(assessment)
    records = answer_records(assessment)
    result = score_assessment(protocol, assessment.standards, [r.as_input() for r in records])
    now = clock.now()
    superseded = assessment.revision_of.report if assessment.revision_of_id else None  # type: ignore[union-attr]
    number = _report_number(assessment, superseded, now)
    certificate = _certificate_data(result, now, actor.organization.timezone)
    snapshot = build_snapshot(header=_header(actor, assessment, number, now, superseded), protocol=protocol,
                              result=result, answers=records,
                              context=_context(assessment, result, number, now, certificate, superseded))
    report = Report.objects.create(
        organization_id=actor.organization_id, assessment=assessment, number=number, snapshot=snapshot,
        digest=digest(snapshot), overall_level=result.overall_level,
        overall_index=rounded(result.overall_index) or Decimal(0), issued_at=now, issued_by=actor.user, supersedes=superseded)
    if certificate is not None:
        Certificate.objects.create(organization_id=actor.organization_id, report=report, **certificate)
    _raise_improvement_items(assessment, report, result, now)
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.ISSUED, updated_at=now)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.issued", obj=report,
                 changes={"level": [None, result.overall_level], "index": [None, str(rounded(result.overall_index))]})
    return report


def _report_number(assessment: Assessment, superseded: Report | None, now: dt.datetime) -> str:
    if superseded is not None:
        return f"{superseded.number.split('-R')[0]}-R{assessment.revision}"
    year = now.year
    taken = Report.objects.filter(organization_id=assessment.organization_id, number__startswith=f"CSM-{year}-",
                                  supersedes__isnull=True).count()
    return f"CSM-{year}-{taken + 1:04d}"


def _name(user: Any) -> str:
    return (user.full_name or user.email) if user is not None else ""


def _header(actor: Actor, assessment: Assessment, number: str, now: dt.datetime,
            superseded: Report | None) -> Header:
    unit = assessment.unit
    return Header(
        number=number, title=assessment.title,
        organization={"id": actor.organization_id, "name": actor.organization.name},
        unit={"id": unit.pk, "name": unit.name} if unit is not None else None,
        mode=assessment.mode, assessing_body=assessment.assessing_body,
        lead_assessor=_name(assessment.lead_assessor),
        team=tuple(sorted(_name(user) for user in assessment.team.all())),
        starts_on=assessment.starts_on.isoformat(), ends_on=assessment.ends_on.isoformat(),
        issued_at=now.isoformat(), issued_by=_name(actor.user), revision=assessment.revision,
        supersedes=superseded.number if superseded else None, correction_reason=assessment.correction_reason)


def _context(assessment: Assessment, result: AssessmentResult, number: str, now: dt.datetime,
             certificate: dict[str, Any] | None, superseded: Report | None) -> Context:
    return Context(
        metrics=_metrics(assessment),
        previous=_previous(assessment, superseded),
        benchmark=_benchmark(assessment, result, number, now, superseded),
        certificate=None if certificate is None else {
            "code": certificate["code"], "valid_until": certificate["valid_until"].isoformat(),
            "standards": certificate["standards"]},
    )


def _metrics(assessment: Assessment) -> list[dict[str, Any]]:
    questions = [q for q in assessed_questions(assessment) if q.metric is not None]
    values = question_metrics(assessment, questions)
    rows = []
    for question in questions:
        value = values.get(question.id)
        if value is None or question.metric is None:
            continue
        rows.append({
            "name": value.name, "question": question.id, "value": value.value, "n": value.n,
            "previous": value.previous, "previous_n": value.previous_n, "unit": value.unit,
            "period_start": value.period_start.isoformat(), "period_end": value.period_end.isoformat(),
            "thresholds": list(question.metric.thresholds), "higher_is_better": question.metric.is_higher_better,
            "suggested": None if value.value is None else question.metric.suggested_score(value.value)})
    return rows


def _previous(assessment: Assessment, superseded: Report | None) -> dict[str, Any] | None:
    """The latest report in force of the same scope (organisation, or the same unit) before this one."""
    earlier = issued_reports(organization_id=assessment.organization_id)
    if assessment.unit_id is None:
        earlier = earlier.filter(assessment__unit__isnull=True)
    else:
        earlier = earlier.filter(assessment__unit_id=assessment.unit_id)
    if superseded is not None:
        earlier = earlier.exclude(pk=superseded.pk).filter(issued_at__lt=superseded.issued_at)
    latest = earlier.order_by("-issued_at", "-id").first()
    return snapshot_summary(latest.snapshot) if latest is not None else None


def _benchmark(assessment: Assessment, result: AssessmentResult, number: str, now: dt.datetime,
               superseded: Report | None) -> list[dict[str, Any]]:
    """Every scope's latest report in force, this one in place of its own scope's."""
    latest: dict[int | None, Report] = {}
    for report in issued_reports(organization_id=assessment.organization_id).order_by("issued_at", "id"):
        latest[report.assessment.unit_id] = report
    rows = [{"unit": r.snapshot["unit"]["name"] if r.snapshot.get("unit") else None, "number": r.number,
             "issued_at": r.snapshot["issued_at"],
             "standards": [{"id": s["id"], "index": s["index"], "level": s["level"]} for s in r.snapshot["standards"]]}
            for unit_id, r in latest.items() if unit_id != assessment.unit_id]
    own = {"unit": assessment.unit.name if assessment.unit else None, "number": number, "issued_at": now.isoformat(),
           "standards": [{"id": s.id, "index": s.index, "level": s.level} for s in result.standards]}
    return sorted([*rows, own], key=lambda row: (row["unit"] is not None, row["unit"] or ""))


def local_day(now: dt.datetime, timezone_name: str) -> dt.date:
    """The organisation's calendar day at `now`: the day printed on its certificate."""
    return now.astimezone(ZoneInfo(timezone_name)).date()


def _certificate_data(result: AssessmentResult, now: dt.datetime, timezone_name: str) -> dict[str, Any] | None:
    confirmed = [{"id": s.id, "level": s.level} for s in result.standards if s.level >= 1]
    if not confirmed:
        return None
    issued_on = local_day(now, timezone_name)
    return {"code": new_code(), "standards": confirmed, "issued_on": issued_on,
            "valid_until": add_months(issued_on, settings.CSM_CERTIFICATE_VALID_MONTHS)}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def new_code() -> str:
    """12 random characters (60 bits) in three groups, e.g. 7KQ2-M9XH-4RTA; unique by constraint."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _raise_improvement_items(assessment: Assessment, report: Report, result: AssessmentResult,
                             now: dt.datetime) -> None:
    protocol = protocol_of(assessment)
    due = local_day(now, assessment.organization.timezone) + dt.timedelta(days=settings.CSM_IMPROVEMENT_DUE_DAYS)
    language = assessment.organization.default_language
    items = []
    for standard in result.standards:
        effective = {item.question.id: item.effective for item in standard.scored}
        for question_id in standard.opportunities:
            score = effective[question_id]
            if score >= MAX_SCORE:
                continue  # at level 3 the rules list top scores as opportunities: nothing to act on
            question = protocol.question(question_id)
            items.append(ImprovementItem(
                organization_id=assessment.organization_id, report=report, question_id=question_id,
                standard=standard.id, action=localized(question.levels[score + 1], language),
                owner_id=assessment.created_by_id, due_on=due))
    ImprovementItem.objects.bulk_create(items)


@transaction.atomic
def start_correction(*, actor: Actor, report: Report, reason: str) -> Assessment:
    """Open a new revision of an issued assessment, with its answers and evidence, to correct it."""
    actor.require(roles.ASSESSMENTS_MANAGE)
    if not reason.strip():
        raise InvalidInput("reason", _("Say what the correction is for."))
    old = report.assessment
    if Assessment.objects.filter(organization_id=actor.organization_id, revision_of=old).exists():
        raise Conflict(_("A correction of this report is already open."))
    new = Assessment.objects.create(
        organization_id=actor.organization_id, title=old.title, unit_id=old.unit_id, standards=old.standards,
        mode=old.mode, protocol_version=old.protocol_version, lead_assessor_id=old.lead_assessor_id,
        assessing_body=old.assessing_body, starts_on=old.starts_on, ends_on=old.ends_on,
        revision=old.revision + 1, revision_of=old, correction_reason=reason.strip(), created_by=actor.user)
    new.team.set(old.team.all())
    _copy_answers(old, new)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.correction_opened",
                 obj=new, changes={"revision_of": [None, report.number]})
    return new


def _copy_answers(old: Assessment, new: Assessment) -> None:
    fields = ("question_id", "score", "is_na", "na_reason", "notes", "answered_by_id")
    Answer.objects.bulk_create([Answer(organization_id=new.organization_id, assessment=new,
                                       **{f: getattr(a, f) for f in fields})
                                for a in Answer.objects.filter(organization_id=old.organization_id, assessment=old)])
    evidence_fields = ("question_id", "type", "note", "file", "filename", "link_kind", "link_ref", "link_label",
                       "metric", "added_by_id")
    Evidence.objects.bulk_create([Evidence(organization_id=new.organization_id, assessment=new,
                                           **{f: getattr(e, f) for f in evidence_fields})
                                  for e in Evidence.objects.filter(organization_id=old.organization_id,
                                                                   assessment=old)])


@transaction.atomic
def revoke_certificate(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    actor.require(roles.ASSESSMENTS_MANAGE)
    if certificate.organization_id != actor.organization_id:
        raise InvalidInput("certificate", _("No such certificate in this organisation."))
    if certificate.revoked_at is not None:
        raise Conflict(_("This certificate is already revoked."))
    if not reason.strip():
        raise InvalidInput("reason", _("Say why the certificate is revoked."))
    certificate.revoked_at = clock.now()
    certificate.revoked_reason = reason.strip()
    certificate.revoked_by = actor.user
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.certificate_revoked",
                 obj=certificate, changes={"revoked": [False, True]})
    return certificate
