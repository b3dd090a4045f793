"""Building and publishing surveys. Publishing validates the draft (instrument.validate), derives
its measurement spec and writes a new immutable version; responses keep the version they answered.
Closing or archiving a survey only changes its status: its responses stay where they are."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts.context import Actor
from csm.accounts.roles import SURVEYS_MANAGE
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput
from csm.core.lookups import check_same_organization
from csm.core.writes import create_audited, update_audited
from csm.surveys import instrument, measure
from csm.surveys.models import Purpose, Survey, SurveyItem, SurveyStatus, SurveyVersion
from csm.surveys.selectors import forget_public_surveys

SURVEY_FIELDS = ("name", "purpose", "is_anonymous", "service", "unit", "touch_point", "expectations_for",
                 "closes_at", "reminder_days", "max_reminders", "event_delay_minutes", "follow_up_at_most",
                 "retention_days")
ITEM_FIELDS = ("code", "text", "characteristic", "touch_point", "is_active")
# Which status may follow which: a survey is never deleted, and reopening an archived one is allowed.
MOVES = {
    SurveyStatus.DRAFT: {SurveyStatus.ARCHIVED},
    SurveyStatus.OPEN: {SurveyStatus.CLOSED, SurveyStatus.ARCHIVED},
    SurveyStatus.CLOSED: {SurveyStatus.OPEN, SurveyStatus.ARCHIVED},
    SurveyStatus.ARCHIVED: {SurveyStatus.CLOSED},
}


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_survey(*, actor: Actor, data: dict[str, Any], draft: dict[str, Any] | None = None) -> Survey:
    actor.require(SURVEYS_MANAGE)
    unknown = set(data) - set(SURVEY_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("This field cannot be set."))
    _check_expectations(organization_id=actor.organization_id, purpose=data.get("purpose", Purpose.POST_SERVICE),
                        expectations_for=data.get("expectations_for"))
    survey = Survey(organization=actor.organization, public_key=new_public_key(), draft=draft or {},
                    created_by=actor.user, **data)
    return create_audited(survey, actor=actor.user, fields=SURVEY_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_survey(*, actor: Actor, survey: Survey, data: dict[str, Any]) -> Survey:
    actor.require(SURVEYS_MANAGE)
    if "is_anonymous" in data and data["is_anonymous"] != survey.is_anonymous and survey.current_version_id:
        raise Conflict(_("Anonymity cannot change once a survey is published; make a new survey."))
    _check_expectations(organization_id=actor.organization_id, purpose=data.get("purpose", survey.purpose),
                        expectations_for=data.get("expectations_for", survey.expectations_for), survey=survey)
    update_audited(survey, actor=actor.user, data=data, fields=SURVEY_FIELDS, organization_id=actor.organization_id)
    return survey


def _check_expectations(*, organization_id: int, purpose: str, expectations_for: Survey | None,
                        survey: Survey | None = None) -> None:
    """A survey before the service may name the survey after the service it prepares (its
    expectation weights, standards.md §3.3); no other survey names one."""
    if expectations_for is None:
        return
    check_same_organization(organization_id, "expectations_for", expectations_for)
    if purpose != Purpose.PRE_SERVICE:
        raise InvalidInput("expectations_for", _("Only a survey before the service prepares another survey."))
    if expectations_for.purpose != Purpose.POST_SERVICE or (survey is not None and expectations_for.pk == survey.pk):
        raise InvalidInput("expectations_for", _("Name a survey after the service."))


@transaction.atomic
def save_draft(*, actor: Actor, survey: Survey, draft: dict[str, Any]) -> Survey:
    """Keep the draft as it is (it is validated when published)."""
    actor.require(SURVEYS_MANAGE)
    if not isinstance(draft, dict):
        raise InvalidInput("draft", _("The draft must be a JSON object."))
    survey.draft = draft
    survey.save(update_fields=["draft"])
    record_event(organization_id=actor.organization_id, actor=actor.user, action="draft_saved", obj=survey)
    return survey


def draft_problems(*, survey: Survey, content: Any = None) -> list[dict[str, str]]:
    """Every problem that would stop the draft (or `content`) being published, as {field, message}
    with the field `draft.<where>` (instrument.ContentError.where): the content's own, its
    measurement spec's, and a rating scale that differs from the published versions'. The checks
    `publish_survey` runs; an empty list means it would publish."""
    content = survey.draft if content is None else content
    found = [{"field": _draft_field(exc.where), "message": exc.message}
             for exc in instrument.problems(content, anonymous=survey.is_anonymous)]
    if found:
        return found
    try:
        spec = instrument.measurement_spec(content)
        measure.parse_spec(spec)
    except instrument.ContentError as exc:
        return [{"field": _draft_field(exc.where), "message": exc.message}]
    except measure.SpecError as exc:
        return [{"field": _draft_field(exc.field), "message": str(exc)}]
    first = survey.versions.order_by("number").only("spec").first() if survey.pk else None
    if first is not None and first.spec["scale"] != spec["scale"]:
        return [{"field": "draft.scale",
                 "message": _("The rating scale cannot change between versions; make a new survey.")}]
    return []


def _draft_field(where: str) -> str:
    return f"draft.{where}" if where else "draft"


@transaction.atomic
def publish_survey(*, actor: Actor, survey: Survey) -> SurveyVersion:
    """A new version from the draft, which becomes the one new responses answer; the survey opens
    if it was a draft. InvalidInput lists every problem of the draft (`draft_problems`) and nothing
    is written. The rating scale cannot change between versions, since their rollups add up."""
    actor.require(SURVEYS_MANAGE)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    content = survey.draft
    problems = draft_problems(survey=survey)
    if problems:
        raise InvalidInput(errors=problems)
    spec = instrument.measurement_spec(content)
    previous = survey.versions.order_by("-number").first()
    if previous is not None and previous.content == content:
        raise Conflict(_("Nothing has changed since version %(n)s.") % {"n": previous.number})
    version = SurveyVersion(organization_id=survey.organization_id, survey=survey,
                            number=(previous.number + 1) if previous else 1, content=content, spec=spec,
                            published_at=clock.now(), published_by=actor.user)
    version.save(force_insert=True)
    survey.current_version = version
    fields = ["current_version"]
    if survey.status == SurveyStatus.DRAFT:
        survey.status = SurveyStatus.OPEN
        fields.append("status")
    survey.save(update_fields=fields)
    forget_public_surveys()
    transaction.on_commit(forget_public_surveys)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="published", obj=survey,
                 changes={"version": [previous.number if previous else None, version.number]})
    return version


@transaction.atomic
def set_survey_status(*, actor: Actor, survey: Survey, status: str) -> Survey:
    """Open, close or archive. Never touches the responses (peers.md §5, item 15)."""
    actor.require(SURVEYS_MANAGE)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if status == SurveyStatus.OPEN and survey.current_version_id is None:
        raise Conflict(_("Publish the survey first."))
    if status not in MOVES.get(SurveyStatus(survey.status), set()):
        raise Conflict(_("A survey that is %(old)s cannot become %(new)s.") % {
            "old": SurveyStatus(survey.status).label.lower(), "new": SurveyStatus(status).label.lower()})
    before = survey.status
    survey.status = status
    survey.save(update_fields=["status"])
    forget_public_surveys()
    transaction.on_commit(forget_public_surveys)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="status_changed", obj=survey,
                 changes={"status": [before, status]})
    return survey


@transaction.atomic
def create_item(*, actor: Actor, data: dict[str, Any]) -> SurveyItem:
    actor.require(SURVEYS_MANAGE)
    _check_item_text(data.get("text"))
    item = SurveyItem(organization=actor.organization, **data)
    return create_audited(item, actor=actor.user, fields=ITEM_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_item(*, actor: Actor, item: SurveyItem, data: dict[str, Any]) -> SurveyItem:
    actor.require(SURVEYS_MANAGE)
    if "text" in data:
        _check_item_text(data["text"])
    update_audited(item, actor=actor.user, data=data, fields=ITEM_FIELDS, organization_id=actor.organization_id)
    return item


def _check_item_text(text: Any) -> None:
    if not isinstance(text, dict) or not any(isinstance(text.get(lang), str) and text[lang].strip()
                                             for lang in instrument.LANGUAGES):
        raise InvalidInput("text", _("Give the wording in at least one language."))
