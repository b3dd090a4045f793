"""Public survey endpoints (no authentication): a respondent's app, a kiosk or a partner system
reads a survey's questions and sends answers.

The survey comes from its public key (404 when unknown). The Idempotency-Key header is the
submission key (16 to 64 characters): a retry with it returns the first response with 200 and
counts nothing twice; without `complete` the answers are saved as a partial response that the
same key continues. The server checks everything a web form would (required questions, scales,
hidden questions, closed surveys, single-use invitations, quotas), so the API cannot skip a
required question (peers.md §5, item 19). Completions are rate-limited per client IP.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, HeaderEx, P, Router, Schema, Status

from csm.catalogue.models import TouchPoint
from csm.core.errors import InvalidInput
from csm.core.schemas import ERRORS, ErrorOut
from csm.surveys import respond_limits, selectors
from csm.surveys.models import ResponseChannel
from csm.surveys.services.responding import Submission, submit_response

public_router = Router(tags=["public"])
PUBLIC_ERRORS = {**ERRORS, 429: ErrorOut}
SubmissionKeyHeader = HeaderEx[str, P(
    alias="Idempotency-Key", min_length=16, max_length=64,
    description="A random key made once per respondent (16-64 characters): send it again to continue a partial "
                "response or to retry; the response is counted once.")]


class SurveyOut(Schema):
    public_key: str
    name: str
    status: str
    is_anonymous: bool
    version: int
    content: dict[str, Any] = Field(description="The questions, in the format of docs/surveys.md.")


class ResponseIn(Schema):
    answers: dict[str, int | float | str | None] = Field(
        description="Answer key -> value: the question id; `<matrix>.<row>` and `<matrix>.<row>.second`; "
                    "`<question>:<option>` (1) for a multiple choice; null clears a saved answer.")
    complete: bool = Field(True, description="False saves a partial response to continue later.")
    language: Literal["en", "pl", "zh-Hans"] = "en"
    touch_point_id: int | None = Field(None, description="Where it was answered (a QR code or kiosk), if known.")
    invitation_token: str = Field("", max_length=100, description="The token of a personal invitation link.")
    channel: Literal["api", "kiosk", "qr", "link"] = "api"


class ResponseOut(Schema):
    status: str
    version: int
    completed_at: Any = None


@public_router.get("/public/surveys/{public_key}", auth=None, response={200: SurveyOut, **PUBLIC_ERRORS})
def read_survey(request: HttpRequest, public_key: str) -> Any:
    """The survey's current questions, to render a form."""
    survey = selectors.public_survey(public_key=public_key)
    version = survey.current_version  # public_survey finds published surveys only
    return {"public_key": survey.public_key, "name": survey.name, "status": survey.status,
            "is_anonymous": survey.is_anonymous, "version": version.number if version else 0, "content": version.content if version else {}}


@public_router.post("/public/surveys/{public_key}/responses", auth=None,
                    response={200: ResponseOut, 201: ResponseOut, **PUBLIC_ERRORS})
def send_response(request: HttpRequest, public_key: str, payload: ResponseIn,
                  idempotency_key: SubmissionKeyHeader) -> Any:
    """Save answers (a partial response) or complete the response. 201 the first time, 200 for a
    retry of a completed response; 409 `survey_closed`, `quota_full` or `invitation_spent`; 422
    names each answer key at fault."""
    public = selectors.public_survey_for_answers(public_key=public_key)
    survey = public.survey
    point = payload.touch_point_id
    if point is not None and not TouchPoint.objects.filter(pk=point, organization_id=survey.organization_id).exists():
        raise InvalidInput("touch_point_id", "No such touch point in this organisation.")
    channel = ResponseChannel.INVITATION if payload.invitation_token else payload.channel
    outcome = submit_response(survey=survey, submission=Submission(
        dict(payload.answers), idempotency_key, complete=payload.complete, channel=channel,
        language=payload.language, invitation_token=payload.invitation_token, touch_point_id=point),
        version=public.version, has_quotas=public.has_quotas,
        count=respond_limits.counter(survey_id=survey.pk, ip=str(request.META.get("REMOTE_ADDR", "")),
                                     kiosk=payload.channel == "kiosk"))
    response = outcome.response
    body = {"status": response.status, "version": response.version.number, "completed_at": response.completed_at}
    return Status(201 if outcome.created else 200, body)
