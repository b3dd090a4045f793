"""Posting an action of the complaint workspace: check the role, run the service, and on a refusal
(422 or 409) redraw the page with the errors and nothing changed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.complaints import forms as f
from csm.complaints import selectors
from csm.complaints.views.actions import ACTIONS, Action
from csm.complaints.views.base import actor_of, in_org_timezone, org_url
from csm.complaints.views.detail import DETAIL_TEMPLATE, detail_context
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors


def _rejected(request: HttpRequest, complaint_id: int, action: Action, form: f.ActionForm,
              status: int) -> HttpResponse:
    # Reload: a refused service rolled its transaction back, but may have touched our copy.
    complaint = selectors.access_complaint(actor=actor_of(request), complaint_id=complaint_id)
    context = detail_context(request, complaint, failed=(action, form))
    return render(request, DETAIL_TEMPLATE, context, status=status)


@org_view(roles.COMPLAINTS_VIEW)
@require_POST
@in_org_timezone
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404()
    actor = actor_of(request)
    actor.require(spec.permission)
    complaint = selectors.access_complaint(actor=actor, complaint_id=pk)
    form = spec.form(request.POST, complaint=complaint, actor=actor, prefix=spec.name)
    if not form.is_valid():
        return _rejected(request, pk, spec, form, 422)
    try:
        spec.run(actor, complaint, form)
    except (InvalidInput, Conflict) as exc:
        add_domain_errors(form, exc)
        return _rejected(request, pk, spec, form, exc.status)
    messages.success(request, spec.done)
    return redirect(org_url(request, "detail", pk=pk))
