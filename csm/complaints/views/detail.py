"""The complaint workspace: header, the four clocks and how their due dates were worked out, the
complainant (masked for roles without access to personal data), what the complaint concerns, the
timeline, the actions valid for the current status and role, attachments and the audit history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.complaints import deadlines, selectors, services, sla
from csm.complaints import forms as f
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint
from csm.complaints.views.actions import ACTION_LIST, Action
from csm.complaints.views.base import actor_of, in_org_timezone, org_url
from csm.complaints.views.clocks import ClockBoard, StepClock
from csm.complaints.views.explanations import ExplainedStep, explain
from csm.core.audit import history_for
from csm.core.downloads import file_download

DETAIL_TEMPLATE = "complaints/staff/detail.html"


@dataclass(frozen=True)
class ClockRow:
    clock: StepClock
    explained: list[ExplainedStep]
    calculator_url: str


@dataclass(frozen=True)
class Panel:
    action: Action
    form: f.ActionForm


def _local(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def calculator_url(request: HttpRequest, complaint: Complaint, step: sla.Step,
                   pauses: list[sla.Pause]) -> str:
    """The SLA calculator prefilled with this complaint's policy, step, receipt and pauses."""
    policy = complaint.sla_policy
    if policy is None:
        return org_url(request, "sla_calculator")
    zone = ZoneInfo(policy.calendar.timezone)
    lines = [f"{_local(p.start, zone)}, {_local(p.end, zone)}" if p.end else _local(p.start, zone)
             for p in pauses]
    query = {"policy": policy.pk, "step": step.value, "start": _local(complaint.received_at, zone),
             "pauses": "\n".join(lines)}
    return f"{org_url(request, 'sla_calculator')}?{urlencode(query)}"


def _clock_rows(request: HttpRequest, actor: Actor, complaint: Complaint) -> list[ClockRow]:
    pauses = deadlines.pauses_by_complaint([complaint])[complaint.pk]
    clocks = ClockBoard(organization_id=actor.organization_id).clocks(complaint, pauses)
    return [ClockRow(clock, explain(clock.explanation) if clock.explanation else [],
                     calculator_url(request, complaint, clock.step, pauses)) for clock in clocks]


def _panels(actor: Actor, complaint: Complaint, failed: tuple[Action, f.ActionForm] | None) -> list[Panel]:
    """A form for every action the actor may take now; a refused one keeps its bound form."""
    panels = []
    for action in ACTION_LIST:
        if not action.allows(actor, complaint):
            continue
        if failed is not None and failed[0].name == action.name:
            panels.append(Panel(action, failed[1]))
        else:
            panels.append(Panel(action, action.form(complaint=complaint, actor=actor, prefix=action.name)))
    return panels


def _duplicate_candidates(actor: Actor, complaint: Complaint, panels: list[Panel]) -> list[Complaint]:
    if not any(panel.action.name == "duplicate" for panel in panels):
        return []
    days = get_settings(organization_id=actor.organization_id).duplicate_window_days
    return selectors.duplicate_candidates(actor=actor, complaint=complaint, days=days)


def detail_context(request: HttpRequest, complaint: Complaint, *,
                   failed: tuple[Action, f.ActionForm] | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    panels = _panels(actor, complaint, failed)
    return {
        "complaint": selectors.for_display(actor=actor, complaint=complaint),
        "clock_rows": _clock_rows(request, actor, complaint),
        "timeline": selectors.timeline(actor=actor, complaint=complaint),
        "attachments": complaint.attachments.order_by("created_at", "id"),
        "panels": panels,
        "failed": failed,
        "duplicate_candidates": _duplicate_candidates(actor, complaint, panels),
        "awaits_approval": services.needs_approval(complaint) and complaint.remedy_approved_at is None,
        "can_see_personal_data": selectors.can_see_personal_data(actor),
        "events": history_for(actor=actor, obj=complaint),
    }


@org_view(roles.COMPLAINTS_VIEW)
@in_org_timezone
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.access_complaint(actor=actor_of(request), complaint_id=pk)
    return render(request, DETAIL_TEMPLATE, detail_context(request, complaint))


@org_view(roles.COMPLAINTS_HANDLE)
@in_org_timezone
def decision_text(request: HttpRequest, pk: int) -> HttpResponse:
    """For htmx on the "propose" form: the decision field with the standard text of the chosen
    outcome, unless the handler has already written their own."""
    actor = actor_of(request)
    complaint = selectors.access_complaint(actor=actor, complaint_id=pk)
    text = f.decision_text_for(complaint, request.GET.get("propose-outcome", ""),
                               request.GET.get("propose-decision_text", ""))
    form = f.ProposeForm({"propose-decision_text": text}, complaint=complaint, actor=actor, prefix="propose")
    return HttpResponse(form["decision_text"].as_widget())


@org_view(roles.COMPLAINTS_PERSONAL_DATA)
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Serve an attachment as a download, never inline: the file came from outside."""
    complaint = selectors.access_complaint(actor=actor_of(request), complaint_id=pk)
    found = complaint.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404()
    # A streamed response is no HttpResponse subclass, but org_view passes it through untouched.
    return file_download(found.file, found.filename)  # type: ignore[return-value]
