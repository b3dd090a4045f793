"""The handler's queue: open complaints, the nearest deadline first, with filters and each step's
clock. Pages are keyset pages (`selectors.queue_page`), the total is counted up to COUNT_CAP only,
so a page costs the same at any depth of a million complaints; and the same number of queries for
3 complaints as for 50."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.complaints import deadlines, selectors
from csm.complaints.forms import QueueFilterForm
from csm.complaints.models import Complaint
from csm.complaints.views.base import actor_of, in_org_timezone
from csm.complaints.views.clocks import STEP_LABELS, ClockBoard, StepClock

PER_PAGE = 50
COUNT_CAP = 1000


@dataclass(frozen=True)
class QueueRow:
    complaint: Complaint  # masked for roles without access to personal data
    clocks: list[StepClock]

    @property
    def is_overdue(self) -> bool:
        return any(clock.status == "breached" for clock in self.clocks)


def _complaints(actor: Actor, form: QueueFilterForm) -> QuerySet[Complaint]:
    filters, unassigned_only = form.queue_filter()
    complaints = selectors.queue(actor=actor, filters=filters)
    if unassigned_only:
        complaints = complaints.filter(assignee__isnull=True)
    return complaints.select_related("sla_policy__calendar").prefetch_related(
        "sla_policy__calendar__intervals", "sla_policy__calendar__holidays")


def queue_rows(actor: Actor, complaints: list[Complaint]) -> list[QueueRow]:
    board = ClockBoard(organization_id=actor.organization_id)
    pauses = deadlines.pauses_by_complaint(complaints)
    return [QueueRow(selectors.for_display(actor=actor, complaint=complaint),
                     board.clocks(complaint, pauses[complaint.pk])) for complaint in complaints]


@org_view(roles.COMPLAINTS_VIEW)
@in_org_timezone
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = QueueFilterForm(request.GET, actor=actor)
    complaints = _complaints(actor, form)
    page = selectors.queue_page(complaints, after=request.GET.get("after", ""),
                                before=request.GET.get("before", ""), size=PER_PAGE)
    # A single page is its own count: a search that finds a handful scans the table only once.
    alone = not (page.next_cursor or page.previous_cursor)
    count = len(page.complaints) if alone else selectors.capped_count(complaints, cap=COUNT_CAP)
    context = {"form": form, "page": page, "rows": queue_rows(actor, page.complaints),
               "count": count, "count_cap": COUNT_CAP,
               "steps": list(STEP_LABELS.values()), "can_handle": actor.can(roles.COMPLAINTS_HANDLE)}
    return render(request, "complaints/staff/queue.html", context)
