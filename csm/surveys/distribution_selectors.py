"""Reads for distribution: invitations and their live counts, quotas and how full they are, paper
batches, and the touch points a survey's posters are printed for. Scoped to the actor's
organisation: another organisation's id is NotFound."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.catalogue.models import Channel, Staffing, TouchPoint
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found
from csm.surveys import invitation_tokens, sampling
from csm.surveys.models import (
    Answer,
    Contact,
    Invitation,
    PaperBatch,
    Quota,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)

CONFIDENCE = 0.95
# Touch points that are a place, where a poster can hang.
PLACES = (Channel.IN_PERSON, Channel.KIOSK)


class InvitationStatus:
    QUEUED = "queued"
    SENT = "sent"
    REMINDED = "reminded"
    STARTED = "started"
    COMPLETED = "completed"
    OPTED_OUT = "opted_out"


def invitation_status(invitation: Invitation) -> str:
    """What became of an invitation, the furthest step first. "completed" is the invitation's own
    mark (spent), which an anonymous survey keeps though its response is not linked."""
    if invitation.spent_at is not None:
        return InvitationStatus.COMPLETED
    if invitation.started_at is not None:
        return InvitationStatus.STARTED
    if invitation.contact.opted_out_at is not None:
        return InvitationStatus.OPTED_OUT
    if invitation.reminders_sent:
        return InvitationStatus.REMINDED
    return InvitationStatus.SENT if invitation.sent_at is not None else InvitationStatus.QUEUED


@dataclass(frozen=True)
class DistributionCounts:
    invited: int
    sent: int
    reminded: int
    started: int
    completed: int  # invitations used to complete a response
    opted_out: int
    responses: int  # complete responses from every channel
    response_rate: float | None  # completed / sent
    margin_of_error: float | None  # ±, as a fraction, at 95 %, p = 0.5, of `responses`


def distributable_surveys(*, actor: Actor) -> QuerySet[Survey]:
    """Published surveys that are not archived, open ones first."""
    actor.require(roles.SURVEYS_VIEW)
    return (Survey.objects.filter(organization_id=actor.organization_id, current_version__isnull=False)
            .exclude(status=SurveyStatus.ARCHIVED).select_related("current_version")
            .order_by("status", "-id"))


@dataclass(frozen=True)
class SurveyOverview:
    survey: Survey
    invited: int
    sent: int
    completed: int
    responses: int

    @property
    def response_rate(self) -> float | None:
        return self.completed / self.sent if self.sent else None

    @property
    def margin_of_error(self) -> float | None:
        return sampling.margin_of_error(n=self.responses, confidence=CONFIDENCE)


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().values("survey_id").annotate(n=Count("id")).values("n")), 0)


def distribution_overview(*, actor: Actor, limit: int = 100) -> list[SurveyOverview]:
    """The distributable surveys with their main counts, in one query."""
    invitations = Invitation.objects.filter(survey=OuterRef("pk"))
    surveys = distributable_surveys(actor=actor).annotate(
        invited=_count_of(invitations), sent=_count_of(invitations.filter(sent_at__isnull=False)),
        completed=_count_of(invitations.filter(spent_at__isnull=False)),
        complete_responses=_count_of(Response.objects.filter(survey=OuterRef("pk"), status=ResponseStatus.COMPLETE)))
    return [SurveyOverview(survey, survey.invited, survey.sent, survey.completed,  # type: ignore[attr-defined]
                           survey.complete_responses)  # type: ignore[attr-defined]
            for survey in surveys[:limit]]


def distribution_counts(*, actor: Actor, survey: Survey) -> DistributionCounts:
    """The live counts of the survey's invitations and responses (two queries)."""
    actor.require(roles.SURVEYS_VIEW)
    counts = Invitation.objects.filter(organization_id=actor.organization_id, survey=survey).aggregate(
        invited=Count("id"), sent=Count("id", filter=Q(sent_at__isnull=False)),
        reminded=Count("id", filter=Q(reminders_sent__gt=0)), started=Count("id", filter=Q(started_at__isnull=False)),
        completed=Count("id", filter=Q(spent_at__isnull=False)),
        opted_out=Count("id", filter=Q(contact__opted_out_at__isnull=False)))
    responses = Response.objects.filter(organization_id=actor.organization_id, survey=survey,
                                        status=ResponseStatus.COMPLETE).count()
    return DistributionCounts(
        **counts, responses=responses,
        response_rate=counts["completed"] / counts["sent"] if counts["sent"] else None,
        margin_of_error=sampling.margin_of_error(n=responses, confidence=CONFIDENCE))


def list_invitations(*, actor: Actor, survey: Survey) -> QuerySet[Invitation]:
    actor.require(roles.SURVEYS_MANAGE)
    return Invitation.objects.filter(organization_id=actor.organization_id, survey=survey).select_related("contact")


def access_contact(*, actor: Actor, contact_id: int) -> Contact:
    actor.require(roles.SURVEYS_MANAGE)
    return get_or_not_found(Contact.objects.filter(organization_id=actor.organization_id), contact_id)


@dataclass(frozen=True)
class QuotaFill:
    quota: Quota
    filled: int

    @property
    def is_full(self) -> bool:
        return self.filled >= self.quota.limit


def list_quotas(*, actor: Actor, survey: Survey) -> list[QuotaFill]:
    """The survey's quotas with their complete responses so far (two queries however many)."""
    actor.require(roles.SURVEYS_VIEW)
    quotas = list(Quota.objects.filter(organization_id=actor.organization_id, survey=survey))
    done = Response.objects.filter(organization_id=actor.organization_id, survey=survey,
                                   status=ResponseStatus.COMPLETE)
    segments = Counter(dict(done.order_by().values_list("segment").annotate(n=Count("id"))))
    answers: Counter[tuple[str, str]] = Counter()
    questions = {quota.question for quota in quotas if quota.question}
    if questions:
        rows = (Answer.objects.filter(response__in=done, key__in=questions).values_list("key", "number", "text")
                .annotate(n=Count("id")).values_list("key", "number", "text", "n"))
        for key, number, text, n in rows:
            answers[key, text or ("" if number is None else f"{number:g}")] += n
    return [QuotaFill(quota, answers[quota.question, quota.value] if quota.question else segments[quota.value])
            for quota in quotas]


def access_quota(*, actor: Actor, quota_id: int) -> Quota:
    actor.require(roles.SURVEYS_MANAGE)
    return get_or_not_found(Quota.objects.filter(organization_id=actor.organization_id), quota_id)


def list_batches(*, actor: Actor) -> QuerySet[PaperBatch]:
    """Paper batches, newest collection first, with `form_count`, `complete_count` and `partial_count`."""
    actor.require(roles.SURVEYS_KEY_IN)
    return (PaperBatch.objects.filter(organization_id=actor.organization_id)
            .select_related("survey", "unit", "touch_point", "keyed_by")
            .annotate(form_count=Count("responses"),
                      complete_count=Count("responses", filter=Q(responses__status=ResponseStatus.COMPLETE)),
                      partial_count=Count("responses", filter=Q(responses__status=ResponseStatus.PARTIAL)))
            .order_by("-collected_on", "-id"))


def access_batch(*, actor: Actor, batch_id: int) -> PaperBatch:
    return get_or_not_found(list_batches(actor=actor).select_related("survey__current_version", "organization"),
                            batch_id)


def poster_touch_points(*, actor: Actor, survey: Survey, unstaffed_places_only: bool = False) -> list[TouchPoint]:
    """The active touch points a survey's posters are for (its service's, when it has one):
    unstaffed places first, as no one there hands out a form, then staffed places, then the
    touch points that are not a place (web, e-mail, phone ...), each by name."""
    actor.require(roles.SURVEYS_VIEW)
    touch_points = TouchPoint.objects.filter(organization_id=actor.organization_id, is_active=True)
    if survey.touch_point_id:
        touch_points = touch_points.filter(pk=survey.touch_point_id)
    elif survey.service_id:
        touch_points = touch_points.filter(service_id=survey.service_id)
    if unstaffed_places_only:
        touch_points = touch_points.filter(staffing=Staffing.UNSTAFFED, channel__in=PLACES)
    ordered = touch_points.select_related("service", "unit").order_by("name", "id")
    return sorted(ordered, key=lambda tp: (tp.channel not in PLACES, tp.staffing != Staffing.UNSTAFFED))


def invitation_for_opt_out(*, invitation_id: int, token: str) -> Invitation:
    """The invitation behind an opt-out link; NotFound for any mismatch (public: no actor)."""
    invitation = (Invitation.objects.select_related("contact", "survey__organization")
                  .filter(pk=invitation_id).first())
    if invitation is None or not invitation_tokens.opt_out_matches(invitation, token):
        raise NotFound()
    return invitation
