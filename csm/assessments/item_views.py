"""Improvement items: the list (filter by status) and one item's owner, due date and status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.accounts.selectors import list_memberships
from csm.assessments import selectors
from csm.assessments.conduct_views import actor_of, org_url
from csm.assessments.forms import ImprovementItemForm
from csm.assessments.models import ItemStatus
from csm.assessments.protocol import localized
from csm.assessments.protocol_store import protocol_version
from csm.assessments.services.items import update_improvement_item
from csm.core import clock
from csm.core.errors import DomainError
from csm.core.forms import add_domain_errors


@org_view(roles.ASSESSMENTS_VIEW)
def improvement_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    status = status if status in ItemStatus.values else ""
    items = selectors.list_improvement_items(actor=actor_of(request), status=status or None)
    return render(request, "assessments/improvements.html", {
        "items": items, "status": status, "statuses": ItemStatus.choices, "today": clock.now().date()})


@org_view(roles.ASSESSMENTS_VIEW)
def improvement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.access_improvement_item(actor=actor, item_id=pk)
    members = [(m.user_id, m.user.full_name or m.user.email)
               for m in list_memberships(actor=actor).filter(is_active=True).select_related("user")]
    form = ImprovementItemForm(request.POST or None, members=members, initial={
        "owner": item.owner_id, "due_on": item.due_on, "status": item.status, "closing_note": item.closing_note})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_improvement_item(actor=actor, item=item, owner_id=data["owner"], due_on=data["due_on"],
                                    status=data["status"], closing_note=data["closing_note"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The improvement item is saved."))
            return redirect(org_url(request, "assessments:improvements"))
    protocol = protocol_version(item.report.assessment.protocol_version)
    question = protocol.question(item.question_id)
    return render(request, "assessments/improvement.html", {
        "item": item, "form": form, "question": question,
        "question_text": localized(question.text, request.LANGUAGE_CODE),  # type: ignore[attr-defined]
        "can_edit": actor.can(roles.ASSESSMENTS_MANAGE) or item.owner_id == actor.user.pk,
    }, status=422 if form.errors else 200)
