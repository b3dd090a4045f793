"""Quotas of a survey: at most `limit` complete responses whose answer to a question (or whose
segment) is a value; when full, the survey closes or the respondent is thanked and not counted
(responding.py enforces them). Editing quotas needs SURVEYS_MANAGE and is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.core.errors import InvalidInput, NotFound
from csm.core.writes import create_audited, delete_audited
from csm.surveys import instrument
from csm.surveys.models import Quota, QuotaAction, Survey

QUOTA_FIELDS = ("question", "value", "limit", "action", "message")
# Questions whose one answer a quota can match.
QUOTA_TYPES = ("single", "yes_no", "rating", "nps", "ces")


def quota_questions(survey: Survey) -> list[Mapping[str, Any]]:
    """The questions of the survey's current version a quota can be set on."""
    if survey.current_version is None:
        return []
    return [question for _page, question in instrument.questions(survey.current_version.content)
            if question["type"] in QUOTA_TYPES]


@transaction.atomic
def add_quota(*, actor: Actor, survey: Survey, question: str, value: str, limit: int, action: str,
              message: str = "") -> Quota:
    """A quota on `question`'s answer `value` (blank question: on the segment `value`)."""
    actor.require(roles.SURVEYS_MANAGE)
    if survey.organization_id != actor.organization_id:
        raise NotFound()
    value = _checked_value(survey, question.strip(), value.strip())
    if limit < 1:
        raise InvalidInput("limit", _("The limit must be at least 1."))
    if action not in QuotaAction.values:
        raise InvalidInput("action", _("Choose what happens when the quota is full."))
    languages = (survey.current_version.content.get("languages") if survey.current_version else None) or ["en"]
    quota = Quota(organization_id=survey.organization_id, survey=survey, question=question.strip(), value=value,
                  limit=limit, action=action, message={languages[0]: message.strip()} if message.strip() else {})
    return create_audited(quota, actor=actor.user, fields=QUOTA_FIELDS, organization_id=actor.organization_id)


def _checked_value(survey: Survey, question_id: str, value: str) -> str:
    if not value:
        raise InvalidInput("value", _("Give the answer or segment the quota counts."))
    if not question_id:
        return value
    question = next((q for q in quota_questions(survey) if q["id"] == question_id), None)
    if question is None:
        raise InvalidInput("question", _("Choose a question with one answer from the survey."))
    if question["type"] == "single":
        if value not in {option["value"] for option in question["options"]}:
            raise InvalidInput("value", _("\"%(value)s\" is not one of the question's options.") % {"value": value})
        return value
    try:
        instrument.check_answers({"scale": survey.current_version.content["scale"],  # type: ignore[union-attr]
                                  "pages": [{"questions": [{**question, "condition": None}]}]},
                                 {question_id: value}, complete=False)
    except instrument.AnswerError as exc:
        raise InvalidInput("value", _("Not an answer to this question: %(problem)s.")
                           % {"problem": next(iter(exc.errors.values()))}) from None
    return f"{float(value):g}"


@transaction.atomic
def delete_quota(*, actor: Actor, quota: Quota) -> None:
    actor.require(roles.SURVEYS_MANAGE)
    if quota.organization_id != actor.organization_id:
        raise NotFound()
    delete_audited(quota, actor=actor.user, organization_id=actor.organization_id)
