"""The distribution's public pages (no login), under /s/: opting out of survey invitations by the
link in every invitation mail, and the complaint-closure survey button of a complaint's tracking
page. Both carry a secret in the URL: never cached, and rate-limited per client IP."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from csm.complaints.selectors import complaint_for_tracking
from csm.core.errors import NotFound
from csm.surveys import distribution_selectors, public_limits
from csm.surveys.services import closure, distribution

TEMPLATES = "surveys/public/"


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, TEMPLATES + "rate_limited.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, invitation_id: int, token: str) -> HttpResponse:
    """GET asks to confirm; POST opts the contact out (again: no change) and shows that it did."""
    if not public_limits.allow(request, "opt-out"):
        return _too_many(request)
    try:
        invitation = distribution_selectors.invitation_for_opt_out(invitation_id=invitation_id, token=token)
    except NotFound:
        raise Http404() from None
    if request.method == "POST":
        distribution.opt_out(invitation=invitation)
        return HttpResponseRedirect(request.path)
    return render(request, TEMPLATES + "opt_out.html", {
        "organization": invitation.survey.organization, "is_opted_out": invitation.contact.opted_out_at is not None,
    })


@never_cache
@require_POST
def complaint_survey(request: HttpRequest, org_slug: str, reference: str, token: str) -> HttpResponse:
    """From a closed complaint's tracking page to its survey invitation (made now if need be)."""
    if not public_limits.allow(request, "complaint-survey"):
        return _too_many(request)
    try:
        complaint = complaint_for_tracking(organization_slug=org_slug, reference=reference, token=token)
        invitation_token = closure.start_complaint_survey(complaint=complaint)
    except NotFound:
        raise Http404() from None
    return HttpResponseRedirect(reverse("surveys_public:invitation", kwargs={"token": invitation_token}))
