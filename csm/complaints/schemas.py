"""API schemas for complaints: staff intake, the complaint and its timeline, the handling actions,
and the public (complainant) intake and view.

Every text has a maximum length, so an oversized field is a 422 naming it rather than a database
error: descriptions and messages up to 10,000 characters, names up to 200.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, HeaderEx, P, Schema
from pydantic import field_validator

from csm.catalogue.models import Channel
from csm.complaints.models import STATUS_LABELS, ContactMethod, Impact, Outcome, Priority
from csm.complaints.workflow import Status
from csm.core.schemas import Id, InputSchema, omittable

MAX_TEXT = 10_000
MAX_NAME = 200
Language = Literal["en", "pl", "zh-hans"]
AnySeverity = Literal["", "low", "medium", "high", "critical"]
# The Idempotency-Key request header of a create.
IdempotencyKeyHeader = HeaderEx[str | None, P(
    alias="Idempotency-Key", max_length=200,
    description="Send the same key when you retry: the complaint is created only once.")]


def text(default: Any = "", **kwargs: Any) -> Any:
    return Field(default, max_length=MAX_TEXT, **kwargs)


class ContactFields(InputSchema):
    complainant_name: str = Field(min_length=1, max_length=MAX_NAME)
    complainant_email: str = Field("", max_length=254)
    complainant_phone: str = Field("", max_length=40)
    complainant_address: str = Field("", max_length=1000)
    preferred_contact: ContactMethod = ContactMethod.EMAIL
    language: Language = "en"
    representative_name: str = Field("", max_length=MAX_NAME)
    representative_contact: str = Field("", max_length=MAX_NAME)
    service_id: Id | None = None
    touch_point_id: Id | None = None
    order_reference: str = Field("", max_length=100)
    description: str = Field(min_length=1, max_length=MAX_TEXT)
    remedy_sought: str = text()


class ComplaintIn(ContactFields):
    """A complaint recorded by staff (by phone, letter, in person…): the channel and the time it
    was received may be given; received_at defaults to now (the service refuses a future one)."""

    channel: Channel
    received_at: dt.datetime | None = None
    consent_given: bool = False
    unit_id: Id | None = None
    characteristic_id: Id | None = None
    product: str = Field("", max_length=MAX_NAME)

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("Give a time zone, e.g. 2026-03-02T09:30:00Z.")
        return value


class PublicComplaintIn(ContactFields):
    """A complaint sent by the complainant (no login); consent to processing is required."""

    consent_given: bool

    @field_validator("consent_given")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise ValueError("Consent is required to handle the complaint.")
        return value


class ComplaintOut(Schema):
    """A complaint; personal fields read "•••" for roles without complaints.personal_data."""

    id: int
    reference: str
    status: Status
    status_label: str
    channel: str
    received_at: dt.datetime
    complainant_name: str
    complainant_email: str
    complainant_phone: str
    complainant_address: str
    preferred_contact: str
    language: str
    representative_name: str
    representative_contact: str
    consent_given: bool
    unit_id: int | None
    service_id: int | None
    touch_point_id: int | None
    characteristic_id: int | None
    product: str
    order_reference: str
    description: str
    remedy_sought: str
    category_id: int | None
    severity: str
    priority: str
    safety_impact: int
    financial_impact: int
    legal_impact: int
    reputational_impact: int
    immediate_action: str
    assignee_id: int | None
    duplicate_of_id: int | None
    escalation_level: int
    acknowledge_due_at: dt.datetime | None
    assess_due_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    next_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    assessed_at: dt.datetime | None
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None
    paused_since: dt.datetime | None
    remedy_id: int | None
    remedy_cost: Decimal | None
    remedy_approved_at: dt.datetime | None
    outcome: str
    decision_text: str
    customer_reaction: str
    closure_reason: str
    reopen_count: int
    rating: int | None
    rating_comment: str
    rated_at: dt.datetime | None
    legal_hold: bool
    anonymised_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(STATUS_LABELS[Status(obj.status)])


class EventOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    actor_label: str
    from_status: str
    to_status: str
    body: str
    is_customer_visible: bool
    data: dict[str, Any]
    created_at: dt.datetime


# Actions ----------------------------------------------------------------------------------------

class NoteIn(InputSchema):
    note: str = text()


class AssessIn(InputSchema):
    """Only the fields sent are changed."""

    category_id: Id | None = None
    severity: AnySeverity = omittable()
    priority: Priority = omittable()
    safety_impact: Impact = omittable()
    financial_impact: Impact = omittable()
    legal_impact: Impact = omittable()
    reputational_impact: Impact = omittable()
    immediate_action: str = omittable(max_length=MAX_TEXT)
    touch_point_id: Id | None = None
    characteristic_id: Id | None = None
    unit_id: Id | None = None


class StatusIn(InputSchema):
    status: Status
    note: str = text()


class AssignIn(InputSchema):
    assignee_id: Id | None = Field(description="The user to assign (a member who handles complaints), or null.")


class BodyIn(InputSchema):
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class ProposeIn(InputSchema):
    remedy_id: Id | None = None
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    outcome: Outcome
    decision_text: str = Field(min_length=1, max_length=MAX_TEXT)


class DuplicateIn(InputSchema):
    original_id: Id


# Public -----------------------------------------------------------------------------------------

class PublicCreatedOut(Schema):
    reference: str
    tracking_url: str
    status: Status
    status_label: str
    acknowledge_due_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None


class PublicEventOut(Schema):
    kind: str
    title: str
    by: Literal["you", "organisation"]
    body: str
    created_at: dt.datetime


class PublicComplaintOut(Schema):
    """What the complainant sees: no personal data, no internal steps or notes."""

    reference: str
    status: Status
    status_label: str
    received_at: dt.datetime
    acknowledge_due_at: dt.datetime | None
    respond_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    closed_at: dt.datetime | None
    decision: str
    decision_waiting: bool
    customer_reaction: str
    rated: bool
    timeline: list[PublicEventOut]
