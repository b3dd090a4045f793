"""API schemas of the staff survey endpoints (csm.surveys.api). A survey's questions travel as the
JSON of instrument.py (its docstring is the format); a draft is kept as sent and checked when it is
published, so its schema here is any object."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from csm.core.schemas import Id, InputSchema, omittable
from csm.surveys.models import FollowUpReason, FollowUpStatus, Purpose, SurveyStatus

Language = Literal["en", "pl", "zh-Hans"]
DRAFT_HELP = ("The questions, in the format of csm/surveys/instrument.py: languages, title, scale, pages of "
              "questions. Kept as sent; publishing checks it and lists every problem.")


def _no_nul(value: Any) -> Any:
    """PostgreSQL cannot store NUL in JSON text: a 422 naming the field, never a 500."""
    if value is not None and "\\u0000" in json.dumps(value):
        raise ValueError("Text may not contain NUL characters.")
    return value


class SurveyFields(InputSchema):
    purpose: Purpose = Purpose.POST_SERVICE
    is_anonymous: bool = Field(False, description="No response is linked to a contact or an invitation; fixed "
                                                  "once published.")
    service_id: Id | None = None
    unit_id: Id | None = None
    touch_point_id: Id | None = None
    expectations_for_id: Id | None = Field(None, description="For a survey before the service: the survey after "
                                                             "the service it prepares.")
    closes_at: dt.datetime | None = None
    follow_up_at_most: float | None = Field(None, ge=0, le=10, description="A rated item or the overall at or "
                                                                           "below this raises a follow-up.")
    retention_days: int = Field(730, ge=1, le=36500)
    reminder_days: int = Field(3, ge=1, le=365)
    max_reminders: int = Field(2, ge=0, le=10)
    event_delay_minutes: int = Field(60, ge=0, le=525600)


class SurveyIn(SurveyFields):
    name: str = Field(min_length=1, max_length=200)
    draft: dict[str, Any] = Field(default_factory=dict, description=DRAFT_HELP)

    _check_draft = field_validator("draft")(_no_nul)


class SurveyPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    purpose: Purpose = omittable()
    is_anonymous: bool = omittable()
    service_id: Id | None = None
    unit_id: Id | None = None
    touch_point_id: Id | None = None
    expectations_for_id: Id | None = None
    closes_at: dt.datetime | None = None
    follow_up_at_most: float | None = Field(None, ge=0, le=10)
    retention_days: int = omittable(ge=1, le=36500)
    reminder_days: int = omittable(ge=1, le=365)
    max_reminders: int = omittable(ge=0, le=10)
    event_delay_minutes: int = omittable(ge=0, le=525600)


class SurveyDraftIn(InputSchema):
    draft: dict[str, Any] = Field(description=DRAFT_HELP)

    _check_draft = field_validator("draft")(_no_nul)


class SurveyStatusIn(InputSchema):
    status: Literal["open", "closed", "archived"] = Field(
        description="open (a published survey), closed or archived; closing or archiving keeps every response.")


class DraftProblemOut(Schema):
    field: str = Field(description="Where in the draft: draft.pages[0].questions[2].scale.")
    message: str


class SurveySummaryOut(Schema):
    id: int
    name: str
    purpose: Purpose
    status: SurveyStatus
    is_anonymous: bool
    public_key: str
    public_url: str | None = Field(description="The respondent's link, once a version is published.")
    service_id: int | None
    unit_id: int | None
    touch_point_id: int | None
    expectations_for_id: int | None
    current_version: int | None = Field(description="The number of the version new responses answer.")
    complete_count: int
    partial_count: int
    closes_at: dt.datetime | None
    follow_up_at_most: float | None
    retention_days: int
    reminder_days: int
    max_reminders: int
    event_delay_minutes: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SurveyDetailOut(SurveySummaryOut):
    draft: dict[str, Any]
    draft_problems: list[DraftProblemOut] = Field(description="What stops the draft being published; empty: it would.")


class SurveyVersionSummaryOut(Schema):
    number: int
    published_at: dt.datetime
    published_by_id: int | None
    question_count: int


class SurveyVersionOut(SurveyVersionSummaryOut):
    content: dict[str, Any]
    spec: dict[str, Any] = Field(description="The measurement spec of its rated items (csm analyze's format).")


class SurveyItemIn(InputSchema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    text: dict[Language, str] = Field(description="The wording per language; at least one.")
    characteristic_id: Id | None = None
    touch_point_id: Id | None = None
    is_active: bool = True

    _check_text = field_validator("text")(_no_nul)


class SurveyItemPatch(InputSchema):
    code: str = omittable(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    text: dict[Language, str] = omittable()
    characteristic_id: Id | None = None
    touch_point_id: Id | None = None
    is_active: bool = omittable()

    _check_text = field_validator("text")(_no_nul)


class SurveyItemOut(Schema):
    id: int
    code: str
    text: dict[str, str]
    characteristic_id: int | None
    touch_point_id: int | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class SurveyFollowUpOut(Schema):
    id: int
    survey_id: int
    response_id: int
    responded_at: dt.datetime = Field(description="When the response was completed (or started).")
    reason: FollowUpReason
    status: FollowUpStatus
    due_at: dt.datetime
    assignee_id: int | None
    complaint_id: int | None
    note: str
    done_at: dt.datetime | None


class FollowUpCloseIn(InputSchema):
    note: str = Field(min_length=1, max_length=4000, description="What was done.")
