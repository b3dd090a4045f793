"""API schemas of assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from csm.core.schemas import Id, InputSchema

StandardId = Literal["ISO10001", "ISO10002", "ISO10003", "ISO10004"]
EvidenceTypeIn = Literal["D", "R", "M", "I", "O"]


class AssessmentIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    standards: list[StandardId] = Field(min_length=1, max_length=4)
    mode: Literal["self", "independent"]
    unit_id: Id | None = None
    lead_assessor_id: Id
    team_ids: list[Id] = Field(default_factory=list, max_length=50)
    assessing_body: str = Field("", max_length=200)
    starts_on: dt.date
    ends_on: dt.date


class AssessmentOut(Schema):
    id: int
    title: str
    unit_id: int | None
    standards: list[str]
    mode: str
    status: str
    protocol_version: str
    lead_assessor_id: int
    team_ids: list[int]
    assessing_body: str
    starts_on: dt.date
    ends_on: dt.date
    revision: int
    report_id: int | None
    answered: int
    questions: int


class EvidenceOut(Schema):
    id: int
    type: str
    note: str
    filename: str
    link_kind: str
    link_ref: str
    link_label: str
    metric: dict[str, Any] | None


class QuestionOut(Schema):
    id: str
    standard: str
    clause: str
    kind: str
    weight: int
    key: bool
    score: int | None
    is_na: bool
    na_reason: str
    notes: str
    metric_value: float | None
    metric_n: int | None
    suggested_score: int | None
    evidence: list[EvidenceOut]


class AssessmentDetailOut(AssessmentOut):
    answers: list[QuestionOut]
    provisional: dict[str, Any] | None = Field(
        description="The result the answers so far would score (the `csm assess score` shape), or null.")


class AnswerIn(InputSchema):
    score: int | None = Field(None, ge=0, le=3, description="0-3; null with is_na for N/A, or to clear.")
    is_na: bool = False
    na_reason: str = Field("", max_length=4000)
    notes: str = Field("", max_length=4000)


class EvidenceIn(InputSchema):
    type: EvidenceTypeIn
    note: str = Field("", max_length=4000)
    link_kind: Literal["", "complaint", "survey", "report", "url"] = ""
    link_ref: str = Field("", max_length=300)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=4000)


class ReportOut(Schema):
    id: int
    number: str
    assessment_id: int
    issued_at: dt.datetime
    overall_level: int
    overall_index: float
    digest: str
    supersedes: str | None
    certificate_code: str | None
    snapshot: dict[str, Any]


class ScoreAnswerIn(InputSchema):
    question: str = Field(max_length=40)
    score: int | None = None
    na_reason: str = Field("", max_length=4000)
    evidence: list[dict[str, str]] = Field(default_factory=list, max_length=100)


class ScoreIn(InputSchema):
    protocol: str = Field(max_length=80)
    standards: list[str] = Field(max_length=4)
    answers: list[ScoreAnswerIn] = Field(max_length=1000)


class ImprovementItemOut(Schema):
    id: int
    report_id: int
    question_id: str
    standard: str
    action: str
    owner_id: int | None
    due_on: dt.date
    status: str
    closing_note: str


class ImprovementItemPatch(InputSchema):
    owner_id: Id | None = None
    due_on: dt.date
    status: Literal["open", "in_progress", "done", "cancelled"]
    closing_note: str = Field("", max_length=4000)
