"""Personal data in surveys: the retention period and erasure (standards.md §4.2, GDPR art. 5(1)(e)
and 17; PIPL art. 19 and 47).

- `survey_retention` (daily) erases, for every response started more than its survey's
  `retention_days` ago, the words it holds (answers to text questions and contact details: free
  text can name anyone) and its links to the contact and invitation; the numbers and choices stay,
  so results and rollups do not change. It then erases every contact with no invitation made within
  its survey's retention period (created more than DEFAULT_RETENTION_DAYS ago when it has none),
  and every contact invited about a complaint that the complaints app has since anonymised.
- `erase_contact` does both at once for one person who asks (SURVEYS_MANAGE): the contact's
  e-mail, name, phone and reference are blanked, its responses' words and links erased, and the
  survey mails to its address deleted. A contact that had opted out keeps the SHA-256 of its
  address, so it is still never invited (art. 21).
Every erasure is an audit event; contacts are named by id only, never by address.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_tasks import task

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.complaints.models import Notification
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import NotFound
from csm.surveys import instrument
from csm.surveys.models import Answer, Contact, Invitation, Response, Survey, SurveyVersion
from csm.surveys.services.distribution import email_digest
from csm.surveys.services.sending import SURVEY_TEMPLATES

BATCH_SIZE = 500
DEFAULT_RETENTION_DAYS: int = Survey._meta.get_field("retention_days").get_default()
ERASED_FIELDS = ("email", "name", "phone", "external_ref")


def free_text_keys(content: Mapping[str, Any]) -> set[str]:
    """The answer keys whose words may be personal: text questions, and contact details."""
    keys: set[str] = set()
    for _, question in instrument.questions(content):
        if question["type"] == "text":
            keys.add(question["id"])
        elif question["type"] == "contact":
            keys.update(f"{question['id']}.{name}" for name in instrument.CONTACT_FIELDS)
    return keys


def erase_responses(responses: Iterable[Response], *, now: dt.datetime) -> list[int]:
    """Blank the words of the responses' free-text answers, unlink them from contacts and
    invitations, and mark them erased; returns their ids."""
    by_version: dict[int, list[int]] = defaultdict(list)
    for response in responses:
        by_version[response.version_id].append(response.pk)
    contents = dict(SurveyVersion.objects.filter(pk__in=list(by_version)).values_list("id", "content"))
    for version_id, ids in by_version.items():
        Answer.objects.filter(response_id__in=ids, key__in=free_text_keys(contents[version_id])).update(text="")
    ids = [pk for group in by_version.values() for pk in group]
    Response.objects.filter(pk__in=ids).update(contact=None, invitation=None, erased_at=now, updated_at=now)
    return ids


def expired_responses(now: dt.datetime) -> QuerySet[Response]:
    """Responses not yet erased, started more than their survey's retention period before `now`."""
    periods: dict[int, list[int]] = defaultdict(list)
    for survey_id, days in Survey.objects.values_list("id", "retention_days"):
        periods[days].append(survey_id)
    expired = Q(pk__in=[])
    for days, survey_ids in periods.items():
        expired |= Q(survey_id__in=survey_ids, started_at__lt=now - dt.timedelta(days=days))
    return Response.objects.filter(expired, erased_at__isnull=True)


def expired_contacts(now: dt.datetime) -> QuerySet[Contact]:
    """Contacts not yet erased with no invitation made within its survey's retention period, and
    those invited about a complaint that has since been anonymised (the complaints app's retention
    or erasure, which cannot reach this app's data)."""
    recent = Q(pk__in=[])
    for days in Survey.objects.values_list("retention_days", flat=True).distinct():
        recent |= Q(survey__retention_days=days, created_at__gte=now - dt.timedelta(days=days))
    invitations = Invitation.objects.filter(contact=OuterRef("pk"))
    unused = ~Exists(invitations.filter(recent)) & (
        Exists(invitations) | Q(created_at__lt=now - dt.timedelta(days=DEFAULT_RETENTION_DAYS)))
    anonymised = Exists(invitations.filter(complaint__anonymised_at__isnull=False))
    return Contact.objects.filter(erased_at__isnull=True).filter(unused | anonymised)


def retention_sweep(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Erase expired responses, then expired contacts, in locked batches; returns how many rows."""
    now = now or clock.now()
    done = _batches(expired_responses(now), lambda batch: _expire_responses(batch, now), batch_size)
    return done + _batches(expired_contacts(now), lambda batch: _expire_contacts(batch, now), batch_size)


@task()
def survey_retention() -> int:
    return retention_sweep()


def _batches(queryset: QuerySet[Any], erase: Any, batch_size: int) -> int:
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(queryset.filter(pk__gt=last_id).select_for_update(skip_locked=True, of=("self",))
                         .order_by("id")[:batch_size])
            if batch:
                erase(batch)
        if not batch:
            return done
        done, last_id = done + len(batch), batch[-1].pk


def _expire_responses(batch: list[Response], now: dt.datetime) -> None:
    by_survey: dict[tuple[int, int], list[int]] = defaultdict(list)
    for response in batch:
        by_survey[response.organization_id, response.survey_id].append(response.pk)
    erase_responses(batch, now=now)
    for (organization_id, survey_id), ids in by_survey.items():
        record_event(organization_id=organization_id, actor="system", action="responses_erased",
                     object_type="surveys.survey", object_id=survey_id, object_repr=f"survey #{survey_id}",
                     changes={"responses": [None, ids], "reason": [None, "retention period ended"]})


def _expire_contacts(batch: list[Contact], now: dt.datetime) -> None:
    for contact in batch:
        _erase(contact, now=now, actor="system", reason="retention period ended")


# A data subject's request ---------------------------------------------------------------------------

@transaction.atomic
def erase_contact(*, actor: Actor, contact: Contact, reason: str = "data subject's request") -> Contact:
    """Erase one person's contact details and what their responses say in words (see the module)."""
    actor.require(roles.SURVEYS_MANAGE)
    if contact.organization_id != actor.organization_id:
        raise NotFound()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        return contact
    return _erase(contact, now=clock.now(), actor=actor.user, reason=reason)


def _erase(contact: Contact, *, now: dt.datetime, actor: Any, reason: str) -> Contact:
    linked = Response.objects.filter(Q(contact=contact) | Q(invitation__contact=contact), erased_at__isnull=True)
    response_ids = erase_responses(list(linked.only("id", "version")), now=now)
    if contact.email:
        Notification.objects.filter(organization_id=contact.organization_id, to=contact.email,
                                    template__in=SURVEY_TEMPLATES).delete()
    if contact.opted_out_at is not None and contact.email:
        contact.opt_out_digest = email_digest(contact.email)
    for name in ERASED_FIELDS:
        setattr(contact, name, "")
    contact.erased_at = now
    contact.save(update_fields=[*ERASED_FIELDS, "opt_out_digest", "erased_at"])
    record_event(organization_id=contact.organization_id, actor=actor, action="erased", obj=contact,
                 object_repr=f"contact #{contact.pk}",
                 changes={"erased_at": [None, now.isoformat()], "responses": [None, response_ids],
                          "reason": [None, reason]})
    return contact
