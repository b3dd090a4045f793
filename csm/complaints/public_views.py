"""Public complaint pages (no login) under /c/<org_slug>/: how to complain, the complaint form, its
confirmation, and the complainant's private tracking and rating pages.

The organisation comes from the URL (404 when unknown); the form answers 404 while the
organisation's public intake is switched off, but existing tracking links keep working. Pages that
carry the private tracking token, or a one-time form token, are never cached and send
`Referrer-Policy: same-origin` so the token does not leak to other sites. (Not `no-referrer`: with it,
browsers send `Origin: null` on the page's own forms, and CSRF protection rightly refuses them.) A wrong reference or
token is a plain 404. Every write goes through csm.complaints.services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from csm.accounts.models import Organization
from csm.accounts.selectors import get_organization_by_slug
from csm.complaints import attachments, intake_limits, selectors, services, sla
from csm.complaints.config_selectors import get_settings, policy_for
from csm.complaints.models import CUSTOMER_LABELS, Complaint, ComplaintEvent, CustomerReaction, EventKind
from csm.complaints.public_forms import (
    HONEYPOT,
    ComplaintForm,
    DecisionForm,
    InformationForm,
    RatingForm,
    contact_touch_points,
)
from csm.complaints.tracking import rating_link, tracking_path
from csm.complaints.workflow import Status
from csm.core.errors import Conflict, DomainError, NotFound, RateLimited
from csm.core.forms import add_domain_errors

View = Callable[..., HttpResponse]
TEMPLATES = "complaints/public/"


def public_page(view: View) -> View:
    """Resolve the organisation from `org_slug` (404 when unknown) and pass it to the view."""
    @wraps(view)
    def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            organization = get_organization_by_slug(slug=org_slug)
        except NotFound:
            raise Http404() from None
        return view(request, organization, *args, **kwargs)

    return wrapped


def private_page(view: View) -> View:
    """Never cached, and no Referer header to other sites: the URL or the form holds a secret.
    `same-origin` rather than `no-referrer`, which makes browsers post the page's forms with
    `Origin: null` (refused by CSRF; the browser test walks it)."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(wrapped)


def _url(name: str, organization: Organization, **kwargs: Any) -> str:
    return reverse(f"complaints_public:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def _tracked(organization: Organization, reference: str, token: str) -> Complaint:
    try:
        return selectors.complaint_for_tracking(organization_slug=organization.slug, reference=reference,
                                                token=token)
    except NotFound:
        raise Http404() from None


def _track_url(complaint: Complaint) -> str:
    return tracking_path(organization_slug=complaint.organization.slug, reference=complaint.reference,
                         secret=complaint.tracking_secret)


# How to complain --------------------------------------------------------------------------------

TARGET_WORDS = {
    "working_hours": lambda n: ngettext("%(n)d working hour", "%(n)d working hours", n),
    "working_days": lambda n: ngettext("%(n)d working day", "%(n)d working days", n),
    "calendar_days": lambda n: ngettext("%(n)d day", "%(n)d days", n),
    "calendar_hours": lambda n: ngettext("%(n)d hour", "%(n)d hours", n),
}


def target_in_words(code: str) -> str:
    """ "16h" -> "16 working hours", "5wd" -> "5 working days", "15d" -> "15 days"."""
    try:
        target = sla.parse_target(code)
    except ValueError:
        return code
    return str(TARGET_WORDS[target.unit](target.amount) % {"n": target.amount})


def _time_limits(organization: Organization) -> list[tuple[Any, str]]:
    policy = policy_for(organization_id=organization.pk, category_id=None, priority="")
    if policy is None:
        return []
    return [(_("We acknowledge your complaint within"), target_in_words(policy.acknowledge_target)),
            (_("We send you our answer within"), target_in_words(policy.respond_target)),
            (_("We aim to resolve your complaint within"), target_in_words(policy.resolve_target))]


STEPS = (
    (_("Received"), _("We record your complaint and give it a reference number.")),
    (_("Acknowledged"), _("We confirm that we have received it and tell you when to expect our answer.")),
    (_("Assessed"), _("We look at how serious and urgent it is, and who should handle it.")),
    (_("Investigated"), _("We find out what happened. We may ask you for more information.")),
    (_("Decision"), _("We tell you what we decided and what we will do to put things right.")),
    (_("Your answer"), _("You tell us whether you accept our decision. If you do not, we tell you where else "
                         "you can go.")),
    (_("Closed"), _("We close the complaint and ask how satisfied you were with how we handled it.")),
)


@public_page
def how_to(request: HttpRequest, organization: Organization) -> HttpResponse:
    settings = get_settings(organization_id=organization.pk)
    return render(request, TEMPLATES + "how_to.html", {
        "organization": organization, "settings": settings, "steps": STEPS,
        "touch_points": contact_touch_points(organization), "time_limits": _time_limits(organization),
        "form_url": _url("file", organization) if settings.public_intake_enabled else "",
    })


# The complaint form -----------------------------------------------------------------------------

def _form_page(request: HttpRequest, organization: Organization, form: ComplaintForm) -> HttpResponse:
    return render(request, TEMPLATES + "form.html", {"organization": organization, "form": form,
                                                     "how_to_url": _url("how_to", organization)})


def _submit(request: HttpRequest, organization: Organization, form: ComplaintForm) -> HttpResponse:
    """Take the complaint and its files in one transaction (see `services.accept_complaint`); a
    retry with the same form token returns the first complaint and stores no files again."""
    try:
        registered = services.accept_complaint(
            organization=organization, data=form.intake_data(), idempotency_key=str(form.cleaned_data["token"]),
            scope="web", ip=intake_limits.client_ip(request.META), email=form.cleaned_data["complainant_email"],
            uploads=form.cleaned_data["attachments"])
    except RateLimited as exc:
        return render(request, TEMPLATES + "rate_limited.html", {"organization": organization, "message": exc.detail},
                      status=429)
    except Conflict as exc:
        form.renew_token()
        form.add_error(None, _("This form was already sent with different details. Check your details and "
                               "send it again to register a new complaint.")
                       if exc.code == "idempotency_conflict" else str(exc.detail))
        return _form_page(request, organization, form)
    except DomainError as exc:
        add_domain_errors(form, exc)
        return _form_page(request, organization, form)
    complaint = registered.complaint
    return HttpResponseRedirect(_url("confirmation", organization, reference=complaint.reference,
                                     token=registered.tracking_token))


@public_page
@private_page
def file_complaint(request: HttpRequest, organization: Organization) -> HttpResponse:
    settings = get_settings(organization_id=organization.pk)
    if not settings.public_intake_enabled:
        raise Http404()
    if request.method != "POST":
        form = ComplaintForm(organization=organization, max_attachment_mb=settings.max_attachment_mb)
        return _form_page(request, organization, form)
    if request.POST.get(HONEYPOT):
        return HttpResponseRedirect(_url("thanks", organization))  # a bot: pretend, save nothing
    form = ComplaintForm(request.POST, request.FILES, organization=organization,
                         max_attachment_mb=settings.max_attachment_mb)
    if not form.is_valid():
        if form.has_error("token"):
            form.renew_token()
        return _form_page(request, organization, form)
    return _submit(request, organization, form)


@public_page
@private_page
def confirmation(request: HttpRequest, organization: Organization, reference: str, token: str) -> HttpResponse:
    complaint = _tracked(organization, reference, token)
    return render(request, TEMPLATES + "confirmation.html", {
        "organization": organization, "complaint": complaint,
        "tracking_url": request.build_absolute_uri(_track_url(complaint)),
    })


@public_page
def thanks(request: HttpRequest, organization: Organization) -> HttpResponse:
    return render(request, TEMPLATES + "thanks.html", {"organization": organization})


# Tracking ---------------------------------------------------------------------------------------

EVENT_TITLES = {
    EventKind.RECEIVED: _("Complaint received"),
    EventKind.MESSAGE_OUT: _("Message from us"),
    EventKind.MESSAGE_IN: _("Your message"),
    EventKind.DECISION: _("Our decision"),
    EventKind.ACCEPTED: _("You accepted our decision"),
    EventKind.REJECTED: _("You did not accept our decision"),
    EventKind.CLOSED: _("Complaint closed"),
    EventKind.ATTACHMENT: _("File added"),
}


def _entry(event: ComplaintEvent) -> dict[str, Any]:
    if event.kind == EventKind.STATUS_CHANGED:
        # Only the new status: a handler's note on a status change is not written for the complainant.
        title, body = CUSTOMER_LABELS.get(Status(event.to_status), event.to_status), ""
    else:
        title, body = EVENT_TITLES.get(EventKind(event.kind), event.get_kind_display()), event.body
    by = "you" if event.actor_label == "complainant" else "organisation"
    return {"kind": event.kind, "title": title, "by": by, "body": body, "created_at": event.created_at}


def customer_entries(complaint: Complaint) -> list[dict[str, Any]]:
    """The complainant's history: customer-visible events, each with a plain title. Internal steps
    share a customer label, so a status change that reads like the one before is left out."""
    entries: list[dict[str, Any]] = []
    for event in selectors.customer_timeline(complaint=complaint):
        entry = _entry(event)
        repeated = entries and entries[-1]["kind"] == entry["kind"] == EventKind.STATUS_CHANGED \
            and str(entries[-1]["title"]) == str(entry["title"])
        if not repeated:
            entries.append(entry)
    return entries


def _track_page(request: HttpRequest, complaint: Complaint, **forms: Any) -> HttpResponse:
    organization = complaint.organization
    settings = get_settings(organization_id=organization.pk)
    waiting = complaint.status == Status.DECISION_COMMUNICATED and not complaint.customer_reaction
    track_url = _track_url(complaint)
    is_closed = complaint.status == Status.CLOSED
    survey_link = rating_link(complaint) if is_closed else None
    return render(request, TEMPLATES + "track.html", {
        "organization": organization, "complaint": complaint, "track_url": track_url,
        "entries": customer_entries(complaint),
        "info_form": forms.get("info_form") or InformationForm(max_attachment_mb=settings.max_attachment_mb),
        "decision_form": forms.get("decision_form") or DecisionForm(), "decision_waiting": waiting,
        "is_closed": is_closed, "awaiting_customer": complaint.status == Status.AWAITING_CUSTOMER,
        "recourse": settings.external_recourse if complaint.customer_reaction == CustomerReaction.REJECTED else "",
        # A registered survey replaces the 1-5 rating (tracking.register_rating_link).
        "survey_link": survey_link,
        "rate_url": track_url + "rate/" if is_closed and not complaint.rated_at and survey_link is None else "",
    })


CLOSED_MESSAGE = _("This complaint is closed, so we cannot add your message to it. If something is still "
                   "wrong, please make a new complaint.")


@public_page
@private_page
def track(request: HttpRequest, organization: Organization, reference: str, token: str) -> HttpResponse:
    return _track_page(request, _tracked(organization, reference, token))


@require_POST
@public_page
@private_page
def add_information(request: HttpRequest, organization: Organization, reference: str, token: str) -> HttpResponse:
    complaint = _tracked(organization, reference, token)
    max_mb = get_settings(organization_id=organization.pk).max_attachment_mb
    form = InformationForm(request.POST, request.FILES, max_attachment_mb=max_mb)
    if not form.is_valid():
        return _track_page(request, complaint, info_form=form)
    try:
        with transaction.atomic():
            complaint = services.add_information(complaint=complaint, body=form.cleaned_data["body"])
            attachments.store_attachments(complaint=complaint, uploads=form.cleaned_data["attachments"])
    except Conflict as exc:
        form.add_error(None, CLOSED_MESSAGE if exc.code == "complaint_closed" else str(exc.detail))
        return _track_page(request, complaint, info_form=form)
    except DomainError as exc:
        add_domain_errors(form, exc)
        return _track_page(request, complaint, info_form=form)
    return HttpResponseRedirect(_track_url(complaint) + "#timeline")


@require_POST
@public_page
@private_page
def respond(request: HttpRequest, organization: Organization, reference: str, token: str) -> HttpResponse:
    complaint = _tracked(organization, reference, token)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _track_page(request, complaint, decision_form=form)
    try:
        services.respond_to_decision(complaint=complaint, accept=form.cleaned_data["answer"] == "accept",
                                     comment=form.cleaned_data["comment"])
    except DomainError as exc:
        add_domain_errors(form, exc)
        return _track_page(request, complaint, decision_form=form)
    return HttpResponseRedirect(_track_url(complaint) + "#decision")


# Rating -----------------------------------------------------------------------------------------

def _score(request: HttpRequest) -> int | None:
    """The score of an e-mail link (?score=N), only to preselect it: a GET changes nothing."""
    value = request.GET.get("score", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= 5 else None


@public_page
@private_page
def rate(request: HttpRequest, organization: Organization, reference: str, token: str) -> HttpResponse:
    complaint = _tracked(organization, reference, token)
    form = RatingForm(request.POST) if request.method == "POST" else RatingForm(initial={"score": _score(request)})
    if request.method == "POST" and not complaint.rated_at and form.is_valid():
        try:
            services.rate_complaint(complaint=complaint, rating=form.cleaned_data["score"],
                                    comment=form.cleaned_data["comment"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            return HttpResponseRedirect(_track_url(complaint) + "rate/")
    return render(request, TEMPLATES + "rate.html", {
        "organization": organization, "complaint": complaint, "form": form, "track_url": _track_url(complaint),
        "is_closed": complaint.status == Status.CLOSED,
    })
