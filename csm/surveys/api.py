"""Staff survey endpoints: surveys, their draft, publishing and status, their immutable versions,
the item bank and the follow-ups of the closed loop. Every operation goes through the selectors
(organisation-scoped, role-checked: another organisation's id is a 404) and the services (which
check the role for each write: a 403); publishing a draft with problems is a 422 listing each with
its place (`draft.pages[0].questions[2].scale`), and nothing is written."""

from __future__ import annotations

import functools
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Status

from csm.accounts.context import Actor
from csm.accounts.selectors import access_unit
from csm.catalogue import selectors as catalogue
from csm.core.errors import NotFound
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery
from csm.core.writes import resolve_reference
from csm.surveys import instrument, selectors
from csm.surveys.models import FollowUp, Survey, SurveyItem, SurveyStatus, SurveyVersion
from csm.surveys.schemas import (
    FollowUpCloseIn,
    SurveyDetailOut,
    SurveyDraftIn,
    SurveyFollowUpOut,
    SurveyIn,
    SurveyItemIn,
    SurveyItemOut,
    SurveyItemPatch,
    SurveyPatch,
    SurveyStatusIn,
    SurveySummaryOut,
    SurveyVersionOut,
    SurveyVersionSummaryOut,
)
from csm.surveys.services import authoring
from csm.surveys.services.follow_ups import close_follow_up

router = Router(tags=["surveys"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _lookup(actor: Actor, field: str, pk: int) -> Any:
    match field:
        case "unit_id":
            return access_unit(actor=actor, unit_id=pk)
        case "service_id":
            return catalogue.access_service(actor=actor, service_id=pk)
        case "touch_point_id":
            return catalogue.access_touch_point(actor=actor, touch_point_id=pk)
        case "characteristic_id":
            return catalogue.access_characteristic(actor=actor, characteristic_id=pk)
        case _:
            return selectors.access_survey(actor=actor, survey_id=pk)


REFERENCES = ("unit_id", "service_id", "touch_point_id", "characteristic_id", "expectations_for_id")


def _refs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Turn *_id references into objects of the actor's organisation (422 on a foreign id)."""
    for field in REFERENCES:
        if field in data:
            pk = data.pop(field)
            data[field.removesuffix("_id")] = None if pk is None else resolve_reference(
                field, functools.partial(_lookup, actor, field, pk))
    return data


# Surveys --------------------------------------------------------------------------------------------

def _survey_out(request: HttpRequest, survey: Survey, counts: dict[str, int] | None = None) -> dict[str, Any]:
    counts = counts or {"complete_count": getattr(survey, "complete_count", 0),
                        "partial_count": getattr(survey, "partial_count", 0)}
    version = survey.current_version
    return {
        **{name: getattr(survey, name) for name in (
            "id", "name", "purpose", "status", "is_anonymous", "public_key", "service_id", "unit_id",
            "touch_point_id", "expectations_for_id", "closes_at", "follow_up_at_most", "retention_days",
            "reminder_days", "max_reminders", "event_delay_minutes", "created_at", "updated_at")},
        "public_url": request.build_absolute_uri(reverse("surveys_public:respond", args=[survey.public_key]))
        if version is not None else None,
        "current_version": version.number if version is not None else None, **counts,
    }


def _detail_out(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey.pk)
    counts = selectors.response_counts(actor=actor, survey=survey)
    return {**_survey_out(request, survey, counts), "draft": survey.draft,
            "draft_problems": authoring.draft_problems(survey=survey)}


class SurveyListQuery(PageQuery):
    status: SurveyStatus | None = None
    q: str | None = Field(None, description="Case-insensitive part of the name.")


@router.get("/surveys", response={200: PageOut[SurveySummaryOut], **ERRORS})
def list_surveys(request: HttpRequest, filters: Query[SurveyListQuery]) -> Any:
    surveys = selectors.list_surveys(actor=_actor(request)).defer(
        "draft", "current_version__content", "current_version__spec")
    if filters.status:
        surveys = surveys.filter(status=filters.status)
    if filters.q:
        surveys = surveys.filter(name__icontains=filters.q)
    page = paginate(surveys, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_survey_out(request, survey) for survey in page.items], "next_cursor": page.next_cursor}


@router.post("/surveys", response={201: SurveyDetailOut, **ERRORS})
def create_survey(request: HttpRequest, payload: SurveyIn) -> Any:
    actor = _actor(request)
    data = payload.dict()
    draft = data.pop("draft")
    survey = authoring.create_survey(actor=actor, data=_refs(actor, data), draft=draft)
    return Status(201, _detail_out(request, survey))


@router.get("/surveys/{survey_id}", response={200: SurveyDetailOut, **ERRORS})
def get_survey(request: HttpRequest, survey_id: Id) -> Any:
    return _detail_out(request, selectors.access_survey(actor=_actor(request), survey_id=survey_id))


@router.patch("/surveys/{survey_id}", response={200: SurveyDetailOut, **ERRORS})
def update_survey(request: HttpRequest, survey_id: Id, payload: SurveyPatch) -> Any:
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey_id)
    authoring.update_survey(actor=actor, survey=survey, data=_refs(actor, payload.dict(exclude_unset=True)))
    return _detail_out(request, survey)


@router.put("/surveys/{survey_id}/draft", response={200: SurveyDetailOut, **ERRORS})
def save_draft(request: HttpRequest, survey_id: Id, payload: SurveyDraftIn) -> Any:
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey_id)
    authoring.save_draft(actor=actor, survey=survey, draft=payload.draft)
    return _detail_out(request, survey)


@router.post("/surveys/{survey_id}/publish", response={201: SurveyVersionOut, **ERRORS})
def publish(request: HttpRequest, survey_id: Id) -> Any:
    """A new version from the draft. 422 lists every problem of the draft; 409 when nothing changed."""
    actor = _actor(request)
    version = authoring.publish_survey(actor=actor, survey=selectors.access_survey(actor=actor, survey_id=survey_id))
    return Status(201, _version_out(version, content=True))


@router.post("/surveys/{survey_id}/status", response={200: SurveyDetailOut, **ERRORS})
def change_status(request: HttpRequest, survey_id: Id, payload: SurveyStatusIn) -> Any:
    """Open, close or archive; the responses stay where they are."""
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey_id)
    authoring.set_survey_status(actor=actor, survey=survey, status=payload.status)
    return _detail_out(request, survey)


def _version_out(version: SurveyVersion, *, content: bool = False) -> dict[str, Any]:
    out = {"number": version.number, "published_at": version.published_at,
           "published_by_id": version.published_by_id,
           "question_count": sum(1 for _ in instrument.questions(version.content))}
    return {**out, "content": version.content, "spec": version.spec} if content else out


@router.get("/surveys/{survey_id}/versions", response={200: PageOut[SurveyVersionSummaryOut], **ERRORS})
def list_versions(request: HttpRequest, survey_id: Id, page: Query[PageQuery]) -> Any:
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey_id)
    found = paginate(selectors.list_versions(actor=actor, survey=survey).defer("spec"), cursor=page.cursor,
                     limit=page.limit)
    return {"items": [_version_out(version) for version in found.items], "next_cursor": found.next_cursor}


@router.get("/surveys/{survey_id}/versions/{number}", response={200: SurveyVersionOut, **ERRORS})
def get_version(request: HttpRequest, survey_id: Id, number: Id) -> Any:
    actor = _actor(request)
    survey = selectors.access_survey(actor=actor, survey_id=survey_id)
    version = selectors.list_versions(actor=actor, survey=survey).filter(number=number).first()
    if version is None:
        raise NotFound()
    return _version_out(version, content=True)


# The item bank --------------------------------------------------------------------------------------

class SurveyItemQuery(PageQuery):
    is_active: bool | None = None
    characteristic_id: Id | None = None


@router.get("/survey-items", response={200: PageOut[SurveyItemOut], **ERRORS})
def list_items(request: HttpRequest, filters: Query[SurveyItemQuery]) -> Any:
    items: QuerySet[SurveyItem] = selectors.list_items(actor=_actor(request))
    if filters.is_active is not None:
        items = items.filter(is_active=filters.is_active)
    if filters.characteristic_id is not None:
        items = items.filter(characteristic_id=filters.characteristic_id)
    return paginate(items, cursor=filters.cursor, limit=filters.limit)


@router.post("/survey-items", response={201: SurveyItemOut, **ERRORS})
def create_item(request: HttpRequest, payload: SurveyItemIn) -> Any:
    actor = _actor(request)
    return Status(201, authoring.create_item(actor=actor, data=_refs(actor, payload.dict())))


@router.get("/survey-items/{item_id}", response={200: SurveyItemOut, **ERRORS})
def get_item(request: HttpRequest, item_id: Id) -> Any:
    return selectors.access_item(actor=_actor(request), item_id=item_id)


@router.patch("/survey-items/{item_id}", response={200: SurveyItemOut, **ERRORS})
def update_item(request: HttpRequest, item_id: Id, payload: SurveyItemPatch) -> Any:
    actor = _actor(request)
    item = selectors.access_item(actor=actor, item_id=item_id)
    return authoring.update_item(actor=actor, item=item, data=_refs(actor, payload.dict(exclude_unset=True)))


# Follow-ups -----------------------------------------------------------------------------------------

class FollowUpQuery(PageQuery):
    status: Literal["open", "done", "all"] = "open"
    survey_id: Id | None = None


def _follow_up_out(follow_up: FollowUp) -> dict[str, Any]:
    response = follow_up.response
    return {
        **{name: getattr(follow_up, name) for name in (
            "id", "survey_id", "response_id", "reason", "status", "due_at", "assignee_id", "complaint_id", "note",
            "done_at")},
        "responded_at": response.completed_at or response.started_at,
    }


@router.get("/survey-follow-ups", response={200: PageOut[SurveyFollowUpOut], **ERRORS})
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpQuery]) -> Any:
    status = None if filters.status == "all" else filters.status
    follow_ups = selectors.list_follow_ups(actor=_actor(request), status=status).select_related(None).select_related(
        "response")
    if filters.survey_id is not None:
        follow_ups = follow_ups.filter(survey_id=filters.survey_id)
    page = paginate(follow_ups, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_follow_up_out(follow_up) for follow_up in page.items], "next_cursor": page.next_cursor}


@router.post("/survey-follow-ups/{follow_up_id}/close", response={200: SurveyFollowUpOut, **ERRORS})
def close(request: HttpRequest, follow_up_id: Id, payload: FollowUpCloseIn) -> Any:
    actor = _actor(request)
    follow_up = selectors.access_follow_up(actor=actor, follow_up_id=follow_up_id)
    close_follow_up(actor=actor, follow_up=follow_up, note=payload.note)
    return _follow_up_out(selectors.access_follow_up(actor=actor, follow_up_id=follow_up_id))
