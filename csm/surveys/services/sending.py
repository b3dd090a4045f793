"""Mailing invitations and reminders, through the complaints app's outbound mail (Notification
rows sent by `send_notification`, with retries).

`send_survey_invitations` (a periodic sweep, and started at once by a contact-list import) mails:
- every due invitation: its time has come (`send_after`), it was never sent, nobody started or
  used it, its survey is open, and its contact has an e-mail address and has neither opted out nor
  been erased;
- a reminder for every invitation mailed at least the survey's `reminder_days` ago (0: no
  reminders) whose reminders are fewer than `max_reminders`, under the same conditions.
Each batch of invitations is locked (skipping rows another worker holds), and its mails and the
invitations' sent marks are written in one transaction, so a mail is queued once and only once
(`send_notification` then delivers it at least once). The mail is written in the contact's
language when the survey has it, else in the survey's first language, with dates in the
organisation's time zone. The stored copy of a mail loses its links once sent (tasks.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from csm.complaints.models import Notification
from csm.complaints.notifications import queue_prepared
from csm.complaints.tasks import SENDING_LEASE
from csm.core import clock
from csm.surveys import invitation_tokens, links
from csm.surveys.models import Invitation, Survey, SurveyStatus
from csm.surveys.services.responding import instrument_text

INVITATION_TEMPLATE = "survey_invitation"
REMINDER_TEMPLATE = "survey_reminder"
SURVEY_TEMPLATES = (INVITATION_TEMPLATE, REMINDER_TEMPLATE)
BATCH_SIZE = 500


def start_sending(*, survey_id: int) -> None:
    """Mail the survey's due invitations soon: one run of the send task, enqueued in the caller's
    transaction (the database task backend writes its row there, so it commits with the invitations)."""
    send_survey_invitations.enqueue(survey_id)


@task()
def send_survey_invitations(survey_id: int | None = None) -> int:
    """Mail due invitations (of one survey, or of all) and, for all, due reminders; returns how
    many mails were queued."""
    sent = send_due_invitations(survey_id=survey_id)
    return sent if survey_id is not None else sent + send_reminders()


def _mailable(queryset: QuerySet[Invitation], now: dt.datetime) -> QuerySet[Invitation]:
    return (queryset.filter(spent_at__isnull=True, started_at__isnull=True, survey__status=SurveyStatus.OPEN,
                            survey__current_version__isnull=False, contact__opted_out_at__isnull=True,
                            contact__erased_at__isnull=True)
            .filter(Q(survey__closes_at__isnull=True) | Q(survey__closes_at__gt=now))
            .exclude(contact__email=""))


def due_invitations(*, now: dt.datetime, survey_id: int | None = None) -> QuerySet[Invitation]:
    due = _mailable(Invitation.objects.filter(sent_at__isnull=True, send_after__lte=now), now)
    return due.filter(survey_id=survey_id) if survey_id is not None else due


def due_reminders(*, survey: Survey, now: dt.datetime) -> QuerySet[Invitation]:
    if survey.reminder_days == 0 or survey.max_reminders == 0:
        return Invitation.objects.none()
    return _mailable(Invitation.objects.filter(
        survey=survey, sent_at__isnull=False, reminders_sent__lt=survey.max_reminders,
        last_sent_at__lte=now - dt.timedelta(days=survey.reminder_days)), now)


def send_due_invitations(*, now: dt.datetime | None = None, survey_id: int | None = None,
                         batch_size: int = BATCH_SIZE) -> int:
    now = now or clock.now()
    return _in_batches(due_invitations(now=now, survey_id=survey_id),
                       lambda batch: _mail(batch, now=now, reminder=False), batch_size)


def send_reminders(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    now = now or clock.now()
    surveys = Survey.objects.filter(status=SurveyStatus.OPEN, current_version__isnull=False, max_reminders__gt=0,
                                    reminder_days__gt=0)
    return sum(_in_batches(due_reminders(survey=survey, now=now),
                           lambda batch: _mail(batch, now=now, reminder=True), batch_size)
               for survey in surveys)


def _in_batches(queryset: QuerySet[Invitation], send: Callable[[list[Invitation]], None], batch_size: int) -> int:
    """Run `send` on locked batches of `queryset` in id order, each in its own transaction."""
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(queryset.filter(pk__gt=last_id).select_for_update(skip_locked=True, of=("self",))
                         .select_related("survey__organization", "survey__current_version", "contact", "complaint")
                         .order_by("id")[:batch_size])
            if batch:
                send(batch)
        if not batch:
            return done
        done, last_id = done + len(batch), batch[-1].pk


def _mail(invitations: list[Invitation], *, now: dt.datetime, reminder: bool) -> None:
    queue_prepared([_notification(invitation, _token(invitation), reminder=reminder) for invitation in invitations])
    sent = Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations])
    if reminder:
        sent.update(reminders_sent=F("reminders_sent") + 1, last_sent_at=now, updated_at=now)
    else:
        sent.update(sent_at=now, last_sent_at=now, updated_at=now)


def _token(invitation: Invitation) -> str:
    """The invitation's token; re-keyed when SECRET_KEY was rotated since it was made."""
    token = invitation_tokens.current_token(invitation)
    if token is None:
        token = invitation_tokens.issue(invitation)
        invitation.save(update_fields=["token_salt", "token_digest"])
    return token


def _notification(invitation: Invitation, token: str, *, reminder: bool) -> Notification:
    subject, body = render_invitation(invitation, token, reminder=reminder)
    organization = invitation.survey.organization
    return Notification(
        organization_id=invitation.organization_id, complaint_id=invitation.complaint_id,
        template=REMINDER_TEMPLATE if reminder else INVITATION_TEMPLATE, to=invitation.contact.email,
        subject=subject, body=body, next_attempt_at=clock.now() + SENDING_LEASE,
        message_id=f"<csm.{organization.slug}.survey-{invitation.pk}.{uuid.uuid4().hex}@{settings.CSM_MAIL_DOMAIN}>")


def mail_language(contact_language: str, content: Mapping[str, Any]) -> str:
    """The contact's language if the survey is written in it, else the survey's first language."""
    languages = content.get("languages") or ["en"]
    by_lower = {language.lower(): language for language in languages}
    return by_lower.get(contact_language.lower(), languages[0])


def render_invitation(invitation: Invitation, token: str, *, reminder: bool) -> tuple[str, str]:
    """The subject and plain-text body of an invitation or reminder, in the contact's language."""
    survey = invitation.survey
    content = survey.current_version.content if survey.current_version else survey.draft
    language = mail_language(invitation.contact.language, content)
    organization = survey.organization
    with translation.override(language), timezone.override(organization.timezone):
        title = instrument_text(content.get("title") or {}, language) or survey.name
        subject = gettext("Reminder: %(title)s") % {"title": title} if reminder else title
        body = render_to_string("surveys/email/invitation.txt", {
            "name": invitation.contact.name, "organization": organization.name, "title": title,
            "intro": instrument_text(content.get("intro") or {}, language), "reminder": reminder,
            "complaint_reference": invitation.complaint.reference if invitation.complaint_id and invitation.complaint
            else "", "survey_url": links.invitation_url(token), "opt_out_url": links.opt_out_url(invitation),
            "closes_at": survey.closes_at, "retention_days": survey.retention_days,
        })
    return " ".join(subject.split()), _tidy(body)


def _tidy(body: str) -> str:
    lines = [line.rstrip() for line in body.strip().splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text + "\n"
