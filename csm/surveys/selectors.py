"""Reads for surveys. Every query is scoped to the actor's organisation; a missing id and another
organisation's id both raise NotFound. Public reads (by a survey's public key or an invitation's
token) find only open surveys' pages and never expose other organisations' data."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found
from csm.surveys.models import (
    FollowUp, FollowUpStatus, Invitation, Response, ResponseStatus, Survey, SurveyItem, SurveyVersion,
)
from csm.surveys.services.responding import token_digest


def list_surveys(*, actor: Actor) -> QuerySet[Survey]:
    """The organisation's surveys with `complete_count` and `partial_count`."""
    actor.require(roles.SURVEYS_VIEW)
    return (Survey.objects.filter(organization_id=actor.organization_id)
            .select_related("current_version", "unit", "touch_point")
            .annotate(complete_count=Count("responses", filter=Q(responses__status=ResponseStatus.COMPLETE)),
                      partial_count=Count("responses", filter=Q(responses__status=ResponseStatus.PARTIAL))))


def access_survey(*, actor: Actor, survey_id: int) -> Survey:
    actor.require(roles.SURVEYS_VIEW)
    return get_or_not_found(Survey.objects.filter(organization_id=actor.organization_id)
                            .select_related("current_version", "unit", "touch_point", "service"), survey_id)


def list_versions(*, actor: Actor, survey: Survey) -> QuerySet[SurveyVersion]:
    actor.require(roles.SURVEYS_VIEW)
    return SurveyVersion.objects.filter(organization_id=actor.organization_id, survey=survey).order_by("-number")


def list_items(*, actor: Actor) -> QuerySet[SurveyItem]:
    actor.require(roles.SURVEYS_VIEW)
    return SurveyItem.objects.filter(organization_id=actor.organization_id).select_related("characteristic",
                                                                                           "touch_point")


def access_item(*, actor: Actor, item_id: int) -> SurveyItem:
    return get_or_not_found(list_items(actor=actor), item_id)


def list_responses(*, actor: Actor, survey: Survey) -> QuerySet[Response]:
    """Responses of one survey, newest first (answers are personal data: SURVEYS_FOLLOW_UP)."""
    actor.require(roles.SURVEYS_FOLLOW_UP)
    return Response.objects.filter(organization_id=actor.organization_id, survey=survey).select_related(
        "version", "unit", "touch_point")


def access_response(*, actor: Actor, response_id: int) -> Response:
    actor.require(roles.SURVEYS_FOLLOW_UP)
    return get_or_not_found(Response.objects.filter(organization_id=actor.organization_id)
                            .select_related("survey", "version", "unit", "touch_point"), response_id)


def list_follow_ups(*, actor: Actor, status: str | None = FollowUpStatus.OPEN) -> QuerySet[FollowUp]:
    actor.require(roles.SURVEYS_FOLLOW_UP)
    follow_ups = FollowUp.objects.filter(organization_id=actor.organization_id).select_related(
        "survey", "response", "assignee", "complaint")
    return follow_ups.filter(status=status) if status else follow_ups


def access_follow_up(*, actor: Actor, follow_up_id: int) -> FollowUp:
    return get_or_not_found(list_follow_ups(actor=actor, status=None), follow_up_id)


def public_survey(*, public_key: str) -> Survey:
    """The survey behind a public link or QR code (any status: the page says when it is closed)."""
    survey = (Survey.objects.select_related("organization", "current_version")
              .filter(public_key=public_key).exclude(current_version=None).first())
    if survey is None:
        raise NotFound()
    return survey


def invitation_by_token(*, token: str) -> Invitation:
    invitation = (Invitation.objects.select_related("survey", "survey__organization", "survey__current_version",
                                                    "contact").filter(token_digest=token_digest(token)).first())
    if invitation is None:
        raise NotFound()
    return invitation
