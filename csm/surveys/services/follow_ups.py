"""The closed loop (ISO 10004 §7.6, Annex E): a response that asks to be contacted, comes from a
detractor (NPS 0-6) or rates an item or the overall at or below the survey's threshold raises one
follow-up task, due in two working days. One that asks to be contacted also opens a complaint
(ISO 10002), with the contact details the respondent gave, so it is handled and timed like any
other complaint; the complaint is registered once per response (its Idempotency-Key)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts.context import Actor
from csm.accounts.roles import SURVEYS_FOLLOW_UP
from csm.catalogue.models import Channel
from csm.complaints.services.intake import register_complaint
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict
from csm.surveys import instrument
from csm.surveys.models import FollowUp, FollowUpReason, FollowUpStatus, Response, SurveyVersion

DUE_IN = dt.timedelta(days=2)


def reason_for(version: SurveyVersion, values: dict[str, instrument.Value], threshold: float | None) -> str | None:
    """Why this response needs a follow-up, the strongest reason first; None: it does not."""
    for _page, question in instrument.questions(version.content):
        if question["type"] == "contact" and values.get(question["id"], instrument.Value()).number == 1:
            return FollowUpReason.CONTACT_REQUEST
    nps = version.spec.get("nps")
    if nps and nps in values and (values[nps].number or 0) <= 6:
        return FollowUpReason.DETRACTOR
    if threshold is not None:
        rated = [item["satisfaction"] for item in version.spec["items"]]
        rated += [version.spec["overall"]] if version.spec.get("overall") else []
        if any(values[key].number is not None and values[key].number <= threshold  # type: ignore[operator]
               for key in rated if key in values):
            return FollowUpReason.LOW_SCORE
    return None


def raise_follow_up(*, response: Response, version: SurveyVersion, values: dict[str, instrument.Value]) -> FollowUp | None:
    """Called by `submit_response` in its transaction, when a response completes."""
    reason = reason_for(version, values, response.survey.follow_up_at_most)
    if reason is None:
        return None
    now = clock.now()
    follow_up = FollowUp.objects.create(organization_id=response.organization_id, response=response,
                                        survey_id=response.survey_id, reason=reason, due_at=now + DUE_IN)
    if reason == FollowUpReason.CONTACT_REQUEST:
        follow_up.complaint = _open_complaint(response, version, values)
        follow_up.save(update_fields=["complaint"])
    return follow_up


def _open_complaint(response: Response, version: SurveyVersion, values: dict[str, instrument.Value]) -> Any:
    contact_id = next(q["id"] for _p, q in instrument.questions(version.content) if q["type"] == "contact")
    said = [values[q["id"]].text for _p, q in instrument.questions(version.content)
            if q["type"] == "text" and q["id"] in values and values[q["id"]].text]
    description = _("A survey respondent asked to be contacted (survey \"%(survey)s\", response %(id)s).") % {
        "survey": response.survey.name, "id": response.pk}
    data = {
        "channel": Channel.WEB, "language": response.language, "consent_given": True,
        "complainant_name": values.get(f"{contact_id}.name", instrument.Value(text="—")).text or "—",
        "complainant_email": values.get(f"{contact_id}.email", instrument.Value()).text,
        "complainant_phone": values.get(f"{contact_id}.phone", instrument.Value()).text,
        "description": "\n\n".join([description, *said]),
        "touch_point": response.touch_point, "unit": response.unit,
    }
    # Taken whatever the public form's setting, as mail to the organisation's own mailbox is.
    registered = register_complaint(organization=response.survey.organization, data=data, from_mailbox=True,
                                    idempotency_key=f"survey-response-{response.pk}", scope="survey")
    return registered.complaint


@transaction.atomic
def close_follow_up(*, actor: Actor, follow_up: FollowUp, note: str) -> FollowUp:
    actor.require(SURVEYS_FOLLOW_UP)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status == FollowUpStatus.DONE:
        raise Conflict(_("This follow-up is already done."))
    follow_up.status, follow_up.note, follow_up.done_at = FollowUpStatus.DONE, note.strip(), clock.now()
    follow_up.assignee = follow_up.assignee or actor.user
    follow_up.save(update_fields=["status", "note", "done_at", "assignee"])
    record_event(organization_id=actor.organization_id, actor=actor.user, action="follow_up_done", obj=follow_up)
    return follow_up
