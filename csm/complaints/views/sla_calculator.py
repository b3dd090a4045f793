"""The SLA calculator: a due date and how it was worked out, for a calendar (or a policy and a
step), a start, a target and optional pauses. A GET form, so a result is a link (the complaint page
links here with its own values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.complaints import deadlines, sla
from csm.complaints.forms import SlaCalculatorForm, local_now
from csm.complaints.views.base import actor_of, in_org_timezone
from csm.complaints.views.explanations import ExplainedStep, explain, format_duration
from csm.core.selectors import default_calendar


@dataclass(frozen=True)
class Result:
    explanation: sla.Explanation
    steps: list[ExplainedStep]

    @property
    def paused(self) -> str:
        return format_duration(self.explanation.paused_seconds, days=not self.explanation.target.is_working)


def _compute(form: SlaCalculatorForm) -> Result | None:
    data = form.cleaned_data
    try:
        calendar = deadlines.pure_calendar(data["calendar"], data["start"])
        explanation = sla.due_at(start=data["start"], target=data["target"], calendar=calendar,
                                 pauses=data["pauses"])
    except ValueError:
        form.add_error("calendar", _("This calendar has no working time to count."))
        return None
    return Result(explanation, explain(explanation))


def _initial(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {"calendar": default_calendar(actor=actor), "start": local_now(actor.organization.timezone),
            "target": "16h"}


@org_view(roles.COMPLAINTS_VIEW)
@in_org_timezone
def sla_calculator(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.GET:
        form = SlaCalculatorForm(request.GET, actor=actor)
    else:
        form = SlaCalculatorForm(actor=actor, initial=_initial(request))
    result = _compute(form) if form.is_bound and form.is_valid() else None
    return render(request, "complaints/staff/sla_calculator.html", {"form": form, "result": result})
