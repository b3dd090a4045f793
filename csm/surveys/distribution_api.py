"""Distribution endpoints: service events that invite a customer after a delay, and a survey's live
distribution counts.

`POST /service-events` ("customer X used service Y at touch point Z") needs `surveys.manage`; it is
idempotent on `event_ref` per survey: the first call answers 201, a retry 200 with the same
invitation. Every id in the body must be of the caller's organisation (else a 422 naming it).
The invitation is mailed by the send sweep at `occurred_at` + the survey's event delay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from csm.accounts.context import Actor
from csm.accounts.selectors import access_unit
from csm.catalogue.selectors import access_service, access_touch_point
from csm.core.schemas import ERRORS, Id, InputSchema
from csm.core.writes import resolve_reference
from csm.surveys import distribution_selectors as selectors
from csm.surveys.models import Invitation
from csm.surveys.selectors import access_survey
from csm.surveys.services.distribution import ContactData, ServiceEvent, record_service_event

router = Router(tags=["survey distribution"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class CustomerIn(InputSchema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    language: str = Field("", max_length=10, description="en, pl or zh-Hans; blank: the organisation's.")
    external_ref: str = Field("", max_length=100, description="Your reference for the customer.")
    segment: str = Field("", max_length=60)


class ServiceEventIn(InputSchema):
    survey_id: Id
    event_ref: str = Field(min_length=1, max_length=100,
                           description="Your unique reference of the event: a retry with it invites no one twice.")
    occurred_at: dt.datetime = Field(description="When the service was used, with its time zone.")
    customer: CustomerIn
    service_id: Id | None = None
    touch_point_id: Id | None = None
    unit_id: Id | None = None


class InvitationOut(Schema):
    id: int
    survey_id: int
    contact_id: int
    source: str
    event_ref: str
    unit_id: int | None
    touch_point_id: int | None
    service_id: int | None
    send_after: dt.datetime
    sent_at: dt.datetime | None
    status: str = Field(description="queued, sent, reminded, started, completed or opted_out.")

    @staticmethod
    def resolve_status(invitation: Invitation) -> str:
        return selectors.invitation_status(invitation)


class DistributionOut(Schema):
    survey_id: int
    invited: int
    sent: int
    reminded: int
    started: int
    completed: int
    opted_out: int
    responses: int = Field(description="Complete responses from every channel.")
    response_rate: float | None = Field(description="Completed invitations / invitations sent.")
    margin_of_error: float | None = Field(
        description="± the margin of error of a proportion from `responses` answers, as a fraction (p = 0.5).")
    confidence: float


@router.post("/service-events", response={200: InvitationOut, 201: InvitationOut, **ERRORS})
def post_service_event(request: HttpRequest, payload: ServiceEventIn) -> Any:
    """Invite a customer who used a service, after the survey's delay."""
    actor = _actor(request)
    survey = resolve_reference("survey_id", lambda: access_survey(actor=actor, survey_id=payload.survey_id))
    event = ServiceEvent(
        event_ref=payload.event_ref, occurred_at=payload.occurred_at,
        customer=ContactData(**payload.customer.dict()),
        service=_reference(actor, "service_id", payload.service_id),
        touch_point=_reference(actor, "touch_point_id", payload.touch_point_id),
        unit=_reference(actor, "unit_id", payload.unit_id))
    outcome = record_service_event(actor=actor, survey=survey, event=event)
    return Status(201 if outcome.created else 200, outcome.invitation)


LOOKUPS = {
    "service_id": lambda actor, pk: access_service(actor=actor, service_id=pk),
    "touch_point_id": lambda actor, pk: access_touch_point(actor=actor, touch_point_id=pk),
    "unit_id": lambda actor, pk: access_unit(actor=actor, unit_id=pk),
}


def _reference(actor: Actor, field: str, pk: int | None) -> Any:
    return None if pk is None else resolve_reference(field, lambda: LOOKUPS[field](actor, pk))


@router.get("/surveys/{survey_id}/distribution", response={200: DistributionOut, **ERRORS})
def get_distribution(request: HttpRequest, survey_id: Id) -> Any:
    """Live counts: invitations by step, complete responses, the response rate and the margin of
    error achieved at 95 %."""
    actor = _actor(request)
    survey = access_survey(actor=actor, survey_id=survey_id)
    counts = selectors.distribution_counts(actor=actor, survey=survey)
    return {"survey_id": survey.pk, **vars(counts), "confidence": selectors.CONFIDENCE}
