"""Staff intake: a handler records a complaint received by phone, letter, in person or e-mail.

A hidden idempotency key travels with the form, so a double submit (or a retry after a timeout)
returns the complaint already registered instead of a second one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.complaints import services
from csm.complaints.forms import IntakeForm
from csm.complaints.views.base import actor_of, in_org_timezone, org_url
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors


@org_view(roles.COMPLAINTS_HANDLE)
@in_org_timezone
def create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = IntakeForm(request.POST or None, actor=actor)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                registered = services.register_complaint(
                    organization=actor.organization, actor=actor, data=form.data_for_service(),
                    received_at=form.cleaned_data["received_at"], scope="web-staff",
                    idempotency_key=form.cleaned_data["idempotency_key"])
            except (InvalidInput, Conflict) as exc:
                add_domain_errors(form, exc)
                status = exc.status
            else:
                reference = registered.complaint.reference
                messages.success(request, _("Complaint %(reference)s registered.") % {"reference": reference})
                return redirect(org_url(request, "detail", pk=registered.complaint.pk))
    return render(request, "complaints/staff/intake.html", {"form": form}, status=status)
