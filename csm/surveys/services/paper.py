"""Paper guest-opinion forms (seed 001, the tourism rules, art. 12: opinion forms are put out,
collected at intervals, counted and analysed): staff collect a stack of forms as a batch and key
them in one at a time (SURVEYS_KEY_IN).

Each form is a response of channel "paper" in its batch, dated noon of the day the batch was
collected (in the organisation's time zone), placed at the batch's unit and touch point, and
checked like any other response. The keying page gives each blank form a submission key
`paper-<batch>-<random>`: a double click or a reload after saving finds the same response, so a
form is never counted twice. A form whose respondent left required questions blank can be kept as
incomplete (a partial response, not counted in the results) rather than have answers made up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Unit
from csm.catalogue.models import TouchPoint
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, NotFound
from csm.core.lookups import check_same_organization
from csm.core.writes import create_audited
from csm.surveys.models import PaperBatch, ResponseChannel, Survey, SurveyStatus
from csm.surveys.services.responding import Outcome, Submission, submit_response

BATCH_FIELDS = ("survey", "label", "unit", "touch_point", "collected_on")
KEYED_AT = dt.time(12, 0)


def new_form_key(batch: PaperBatch) -> str:
    return f"paper-{batch.pk}-{uuid.uuid4().hex}"


@transaction.atomic
def create_batch(*, actor: Actor, survey: Survey, label: str, collected_on: dt.date, unit: Unit | None = None,
                 touch_point: TouchPoint | None = None) -> PaperBatch:
    """A new batch of collected forms for a published survey; not collected in the future."""
    actor.require(roles.SURVEYS_KEY_IN)
    if survey.organization_id != actor.organization_id:
        raise NotFound()
    if survey.current_version_id is None or survey.status == SurveyStatus.ARCHIVED:
        raise InvalidInput("survey", _("Choose a published survey that is not archived."))
    check_same_organization(actor.organization_id, "unit", unit)
    check_same_organization(actor.organization_id, "touch_point", touch_point)
    today = clock.now().astimezone(ZoneInfo(actor.organization.timezone)).date()
    if collected_on > today:
        raise InvalidInput("collected_on", _("The forms cannot have been collected in the future."))
    batch = PaperBatch(organization_id=actor.organization_id, survey=survey, label=label.strip(),
                       collected_on=collected_on, unit=unit, touch_point=touch_point, keyed_by=actor.user)
    return create_audited(batch, actor=actor.user, fields=BATCH_FIELDS, organization_id=actor.organization_id)


def completed_at(batch: PaperBatch) -> dt.datetime:
    """Noon of the collection day in the organisation's time zone: when the forms were filled in is
    not known more precisely."""
    zone = ZoneInfo(batch.organization.timezone)
    return dt.datetime.combine(batch.collected_on, KEYED_AT, tzinfo=zone).astimezone(dt.UTC)


def key_in_form(*, actor: Actor, batch: PaperBatch, answers: dict[str, Any], form_key: str, language: str,
                complete: bool = True) -> Outcome:
    """Save one paper form of the batch (see the module). InvalidInput names each answer at fault;
    Conflict for a form key of another batch; the survey's own refusals (closed, quota full) as
    responding.submit_response raises them."""
    actor.require(roles.SURVEYS_KEY_IN)
    if batch.organization_id != actor.organization_id:
        raise NotFound()
    if not form_key.startswith(f"paper-{batch.pk}-"):
        raise Conflict(_("This form belongs to another batch; open the batch again."), code="wrong_batch")
    submission = Submission(answers=answers, submission_key=form_key, complete=complete,
                            channel=ResponseChannel.PAPER, language=language, paper_batch=batch,
                            completed_at=completed_at(batch) if complete else None)
    return submit_response(survey=batch.survey, submission=submission)
