"""Conducting an assessment: the list, opening one, the question workspace (htmx: each question's
card saves its answer and evidence in place), submitting, signing off, corrections and revocation.
Views are thin: forms check shapes, services check the rules, DomainErrors become messages."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.accounts.selectors import unit_tree
from csm.assessments import selectors
from csm.assessments.forms import AnswerForm, AssessmentForm, EvidenceForm, ReasonForm
from csm.assessments.models import Assessment, EvidenceType, LinkKind, Mode, Status
from csm.assessments.protocol_store import current_protocol
from csm.assessments.report_selectors import access_report
from csm.assessments.services import conducting, issuing
from csm.core import clock
from csm.core.downloads import file_download
from csm.core.errors import DomainError
from csm.core.forms import add_domain_errors


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def org_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": actor_of(request).organization.slug, **kwargs})


def page_language() -> str:
    return translation.get_language() or "en"


@org_view(roles.ASSESSMENTS_VIEW)
def assessment_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "assessments/list.html", {
        "assessments": selectors.list_assessments(actor=actor),
        "can_conduct": actor.can(roles.ASSESSMENTS_CONDUCT)})


@org_view(roles.ASSESSMENTS_CONDUCT)
def assessment_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    assessors = [(m.user_id, m.user.full_name or m.user.email) for m in selectors.possible_assessors(actor=actor)]
    units = [(unit.pk, "· " * depth + unit.name) for unit, depth in unit_tree(actor=actor)]
    today = clock.now().date()
    form = AssessmentForm(request.POST or None, protocol=current_protocol(), units=units, assessors=assessors,
                          language=page_language(),
                          initial={"mode": Mode.SELF, "lead_assessor": actor.user.pk, "starts_on": today,
                                   "ends_on": today, "standards": ["ISO10002"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = conducting.open_assessment(actor=actor, data=conducting.AssessmentData(
                title=data["title"], standards=data["standards"], mode=data["mode"], unit_id=data["unit"],
                lead_assessor_id=data["lead_assessor"], team_ids=data["team"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], assessing_body=data["assessing_body"]))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The assessment is open. Score each question and attach its evidence."))
            return redirect(org_url(request, "assessments:detail", pk=assessment.pk))
    return render(request, "assessments/create.html", {"form": form}, status=422 if form.errors else 200)


def _workspace_context(request: HttpRequest, assessment: Assessment, *, standard: str | None = None) -> dict[str, Any]:
    """Everything the workspace shows, from one read of the whole assessment (selectors.workspace);
    the cards are those of one standard, the progress panel covers them all."""
    actor = actor_of(request)
    standard = standard or request.GET.get("standard") or ""
    if standard not in assessment.standards:
        standard = assessment.standards[0]
    whole = selectors.workspace(actor=actor, assessment=assessment)
    space = dataclasses.replace(whole, rows=tuple(r for r in whole.rows if r.question.standard == standard))
    is_team = assessment.lead_assessor_id == actor.user.pk or assessment.team.filter(pk=actor.user.pk).exists()
    return {
        "assessment": assessment, "space": space, "standard": standard, "language": page_language(),
        "progress": whole.progress_by_standard(), "result": whole.result,
        "can_edit": actor.can(roles.ASSESSMENTS_CONDUCT) and is_team and assessment.status == Status.IN_PROGRESS,
        "is_lead": assessment.lead_assessor_id == actor.user.pk and actor.can(roles.ASSESSMENTS_CONDUCT),
        "evidence_form": EvidenceForm(), "reason_form": ReasonForm(),
        "evidence_types": EvidenceType.choices,
        "link_kinds": LinkKind.choices,
        "titles": {s.id: s for s in space.protocol.standards},
    }


@org_view(roles.ASSESSMENTS_VIEW)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.access_assessment(actor=actor_of(request), assessment_id=pk)
    if assessment.status == Status.ISSUED and hasattr(assessment, "report"):
        return redirect(org_url(request, "assessments:report", report_id=assessment.report.pk))
    return render(request, "assessments/workspace.html", _workspace_context(request, assessment))


def _card(request: HttpRequest, assessment: Assessment, question_id: str, *,
          answer_form: AnswerForm | None = None, evidence_form: EvidenceForm | None = None,
          status: int = 200) -> HttpResponse:
    standard = next((q.standard for q in selectors.assessed_questions(assessment) if q.id == question_id), None)
    context = _workspace_context(request, assessment, standard=standard)
    row = next(r for r in context["space"].rows if r.question.id == question_id)
    context.update(row=row, answer_form=answer_form, evidence_form=evidence_form or EvidenceForm(), swap_progress=True)
    if request.headers.get("HX-Request"):
        return render(request, "assessments/_card_response.html", context, status=status)
    if status >= 400:
        messages.error(request, _("The change was not saved; see the question %(id)s.") % {"id": question_id})
    return redirect(org_url(request, "assessments:detail", pk=assessment.pk) + f"?standard={row.question.standard}"
                    f"#q-{question_id}")


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def answer_question(request: HttpRequest, pk: int, question_id: str) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        score, is_na = form.score_value()
        try:
            conducting.save_answer(actor=actor, assessment=assessment, question_id=question_id, score=score,
                                   is_na=is_na, na_reason=form.cleaned_data["na_reason"],
                                   notes=form.cleaned_data["notes"])
        except DomainError as exc:
            add_domain_errors(form, exc)
    return _card(request, assessment, question_id, answer_form=form if form.errors else None,
                 status=422 if form.errors else 200)


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def add_evidence(request: HttpRequest, pk: int, question_id: str) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            conducting.add_evidence(actor=actor, assessment=assessment, data=conducting.EvidenceData(
                question_id=question_id, type=data["type"], note=data["note"], file=data["file"],
                link_kind=data["link_kind"], link_ref=data["link_ref"]))
        except DomainError as exc:
            add_domain_errors(form, exc)
    return _card(request, assessment, question_id, evidence_form=form if form.errors else None,
                 status=422 if form.errors else 200)


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def attach_metric(request: HttpRequest, pk: int, question_id: str) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=pk)
    try:
        conducting.attach_metric(actor=actor, assessment=assessment, question_id=question_id)
    except DomainError as exc:
        messages.error(request, exc.as_text())
    return _card(request, assessment, question_id)


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def remove_evidence(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    actor = actor_of(request)
    evidence = selectors.access_evidence(actor=actor, evidence_id=evidence_id)
    if evidence.assessment_id != pk:
        return HttpResponse(status=404)
    conducting.remove_evidence(actor=actor, evidence=evidence)
    return _card(request, evidence.assessment, evidence.question_id)


@org_view(roles.ASSESSMENTS_VIEW)
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """An evidence file as a download, never inline: it may have come from outside."""
    evidence = selectors.access_evidence(actor=actor_of(request), evidence_id=evidence_id)
    if evidence.assessment_id != pk:
        raise Http404()
    return file_download(evidence.file, evidence.filename)  # type: ignore[return-value]


def _act(request: HttpRequest, pk: int, action: Any, success: str, **kwargs: Any) -> HttpResponse:
    actor = actor_of(request)
    assessment = selectors.access_assessment(actor=actor, assessment_id=pk)
    try:
        outcome = action(actor=actor, assessment=assessment, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.as_text())
        return redirect(org_url(request, "assessments:detail", pk=pk))
    messages.success(request, success)
    if isinstance(outcome, Assessment):
        return redirect(org_url(request, "assessments:detail", pk=pk))
    return redirect(org_url(request, "assessments:report", report_id=outcome.pk))


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, conducting.submit_for_review, _("Submitted to the lead assessor for sign-off."))


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def return_for_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, conducting.return_for_changes, _("Returned to the team."),
                note=request.POST.get("reason", ""))


@org_view(roles.ASSESSMENTS_CONDUCT)
@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the report may be issued."))
        return redirect(org_url(request, "assessments:detail", pk=pk))
    return _act(request, pk, issuing.sign_off, _("Signed off: the report is issued and can no longer change."))


@org_view(roles.ASSESSMENTS_MANAGE)
@require_POST
def correct_report(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = access_report(actor=actor, report_id=report_id)
    try:
        assessment = issuing.start_correction(actor=actor, report=report, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.as_text())
        return redirect(org_url(request, "assessments:report", report_id=report_id))
    messages.success(request, _("A new revision is open; the issued report stays as it is until it is replaced."))
    return redirect(org_url(request, "assessments:detail", pk=assessment.pk))


@org_view(roles.ASSESSMENTS_MANAGE)
@require_POST
def revoke_certificate(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = access_report(actor=actor, report_id=report_id)
    certificate = getattr(report, "certificate", None)
    if certificate is None:
        return HttpResponse(status=404)
    try:
        issuing.revoke_certificate(actor=actor, certificate=certificate, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.as_text())
    else:
        messages.success(request, _("The certificate is revoked; its verification page says so."))
    return redirect(org_url(request, "assessments:report", report_id=report_id))
