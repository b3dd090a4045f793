"""Reads for surveys. Every query is scoped to the actor's organisation; a missing id and another
organisation's id both raise NotFound. Public reads (by a survey's public key or an invitation's
token) find only open surveys' pages and never expose other organisations' data."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found
from csm.surveys.models import (
    FollowUp,
    FollowUpStatus,
    Invitation,
    Quota,
    Response,
    ResponseStatus,
    Survey,
    SurveyItem,
    SurveyVersion,
)
from csm.surveys.services.responding import token_digest


def list_surveys(*, actor: Actor) -> QuerySet[Survey]:
    """The organisation's surveys with `complete_count` and `partial_count`."""
    actor.require(roles.SURVEYS_VIEW)
    return (Survey.objects.filter(organization_id=actor.organization_id)
            .select_related("current_version", "unit", "touch_point")
            .annotate(complete_count=Count("responses", filter=Q(responses__status=ResponseStatus.COMPLETE)),
                      partial_count=Count("responses", filter=Q(responses__status=ResponseStatus.PARTIAL))))


def response_counts(*, actor: Actor, survey: Survey) -> dict[str, int]:
    """{"complete_count": ..., "partial_count": ...} of one survey's responses, every version's."""
    actor.require(roles.SURVEYS_VIEW)
    return Response.objects.filter(organization_id=actor.organization_id, survey=survey).aggregate(
        complete_count=Count("id", filter=Q(status=ResponseStatus.COMPLETE)),
        partial_count=Count("id", filter=Q(status=ResponseStatus.PARTIAL)))


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


# A web process remembers the open survey behind a public key for a few seconds: the busiest
# public endpoint then reads no survey, version or quota rows. A status change made here is seen at
# once (`forget_public_surveys`); one made by another process within OPEN_SURVEY_SECONDS. The version
# itself never changes (see docs/decisions/0014-survey-responses-fast-path.md).
OPEN_SURVEY_SECONDS = 5.0
_OPEN_SURVEYS_MAX = 1000
_open_surveys: dict[str, tuple[float, PublicSurvey]] = {}


@dataclass(frozen=True)
class PublicSurvey:
    survey: Survey
    version: SurveyVersion
    has_quotas: bool


def public_survey_for_answers(*, public_key: str) -> PublicSurvey:
    """The survey, its current version and whether it has quotas, remembered for a few seconds."""
    now = time.monotonic()
    found = _open_surveys.get(public_key)
    if found is not None and found[0] > now:
        return found[1]
    survey = public_survey(public_key=public_key)
    if survey.current_version is None:  # public_survey finds published surveys only
        raise NotFound()
    remembered = PublicSurvey(survey, survey.current_version, Quota.objects.filter(survey=survey).exists())
    if len(_open_surveys) >= _OPEN_SURVEYS_MAX:
        _open_surveys.clear()
    _open_surveys[public_key] = (now + OPEN_SURVEY_SECONDS, remembered)
    return remembered


def forget_public_surveys() -> None:
    _open_surveys.clear()
