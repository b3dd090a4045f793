"""Personal invitations: from a contact list (CSV), from a service event (the API), and the
contacts they go to; and opting out.

Guarantees:
- A contact list is checked completely before anything is written: one bad row and nothing is
  imported (contacts_csv.py reports every row at fault). The import is one transaction.
- A contact is matched by e-mail (lower-cased) within the organisation and reused; an opted-out
  contact, or an erased one that had opted out (its `opt_out_digest`), is never invited again.
- Nobody is invited twice to the same survey from a list: importing a list again invites only the
  new people. A service event is idempotent on (survey, event_ref): a retry gets the same invitation.
- Only the token's SHA-256 is stored (and the salt it is derived from, invitation_tokens.py); the
  link itself is only ever in the mail. The mails are written by the send sweep (sending.py), which
  the import starts at once in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Organization, Unit
from csm.catalogue.models import Service, TouchPoint
from csm.complaints.models import Complaint
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput, NotFound
from csm.surveys import contacts_csv, instrument, invitation_tokens
from csm.surveys.models import Contact, Invitation, InvitationSource, Survey, SurveyStatus
from csm.surveys.services import sending

# Events may be reported a little ahead of the server's clock, not days ahead.
FUTURE_TOLERANCE = dt.timedelta(hours=24)
_LANGUAGE_BY_LOWER = {language.lower(): language for language in instrument.LANGUAGES}


@dataclass(frozen=True)
class ContactData:
    email: str
    name: str = ""
    phone: str = ""
    language: str = ""
    segment: str = ""
    external_ref: str = ""


@dataclass(frozen=True)
class ImportResult:
    invited: int
    new_contacts: int
    reused_contacts: int
    opted_out: int  # on the list, not invited: they opted out
    already_invited: int  # on the list, not invited again


class ContactListInvalid(InvalidInput):
    """The list has bad rows and nothing was imported; `row_errors` has each (row, column, message)."""

    def __init__(self, row_errors: Sequence[contacts_csv.RowError]) -> None:
        super().__init__(errors=[{"field": error.column, "row": str(error.row), "message": error.message}
                                 for error in row_errors])
        self.row_errors = list(row_errors)


def language_code(value: str, organization: Organization) -> str:
    """A language survey content is written in (en, pl, zh-Hans): `value`, else the organisation's,
    else English."""
    for candidate in (value, organization.default_language):
        found = _LANGUAGE_BY_LOWER.get((candidate or "").lower())
        if found:
            return found
    return "en"


def email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def require_inviting(survey: Survey) -> None:
    """Invitations go out only for an open, published survey."""
    if survey.status != SurveyStatus.OPEN or survey.current_version_id is None:
        raise Conflict(_("Invitations can be sent only for an open survey; publish or reopen it first."),
                       code="survey_not_open")


# Contacts ---------------------------------------------------------------------------------------

def resolve_contacts(*, organization: Organization, people: Iterable[ContactData],
                     now: dt.datetime) -> tuple[dict[str, Contact], int]:
    """The contact of each person by lower-cased e-mail (blank e-mails are not matched): an
    existing one is reused and given the non-blank details of `people`, the rest are created, opted
    out when their address was erased after opting out. Returns them and how many were new."""
    people = list(people)
    emails = {person.email for person in people if person.email}
    found: dict[str, Contact] = {}
    for contact in Contact.objects.filter(organization=organization, email__in=emails,
                                          erased_at__isnull=True).order_by("-id"):
        found[contact.email] = contact
    suppressed = set(Contact.objects.filter(organization=organization, opt_out_digest__in=[
        email_digest(email) for email in emails if email not in found]).values_list("opt_out_digest", flat=True))
    _refresh(found, people)
    unmatched = {person.email or f"#{n}": person for n, person in enumerate(people) if person.email not in found}
    new = [_new_contact(organization, person, now, email_digest(person.email) in suppressed)
           for person in unmatched.values()]
    Contact.objects.bulk_create(new)
    found.update({contact.email: contact for contact in new if contact.email})
    return found, len(new)


def _refresh(found: dict[str, Contact], people: list[ContactData]) -> None:
    changed = []
    for person in people:
        contact = found.get(person.email)
        if contact is None:
            continue
        updates = {f.name: getattr(person, f.name) for f in fields(ContactData)
                   if f.name != "email" and getattr(person, f.name) and getattr(contact, f.name) != getattr(person, f.name)}
        if updates:
            for name, value in updates.items():
                setattr(contact, name, value)
            contact.updated_at = clock.now()
            changed.append(contact)
    if changed:
        Contact.objects.bulk_update(changed, ["name", "phone", "language", "segment", "external_ref", "updated_at"])


def _new_contact(organization: Organization, person: ContactData, now: dt.datetime, suppressed: bool) -> Contact:
    return Contact(organization=organization, email=person.email, name=person.name, phone=person.phone,
                   language=language_code(person.language, organization), segment=person.segment,
                   external_ref=person.external_ref, opted_out_at=now if suppressed else None)


def build_invitation(*, survey: Survey, contact: Contact, source: str, send_after: dt.datetime,
                     unit: Unit | None = None, touch_point: TouchPoint | None = None,
                     service: Service | None = None, complaint: Complaint | None = None,
                     event_ref: str = "") -> Invitation:
    """An unsaved invitation with its token's salt and digest (the token is rebuilt when mailed)."""
    invitation = Invitation(
        organization_id=survey.organization_id, survey=survey, contact=contact, source=source,
        unit=unit or survey.unit, touch_point=touch_point or survey.touch_point, service=service or survey.service,
        complaint=complaint, event_ref=event_ref, send_after=send_after)
    invitation_tokens.issue(invitation)
    return invitation


# A contact list -------------------------------------------------------------------------------------

def import_contacts(*, actor: Actor, survey: Survey, content: bytes) -> ImportResult:
    """Invite everyone on a contact list (see the module's guarantees). ContactListInvalid lists
    the bad rows; Conflict when the survey is not open."""
    actor.require(roles.SURVEYS_MANAGE)
    if survey.organization_id != actor.organization_id:
        raise NotFound()
    parsed = contacts_csv.parse_contacts(content)
    if parsed.errors:
        raise ContactListInvalid(parsed.errors)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        require_inviting(survey)
        result = _invite_rows(actor, survey, parsed.rows)
        record_event(organization_id=actor.organization_id, actor=actor.user, action="contacts_imported",
                     obj=survey, changes={key: [None, value] for key, value in vars(result).items()})
        if result.invited:
            sending.start_sending(survey_id=survey.pk)
    return result


def _invite_rows(actor: Actor, survey: Survey, rows: list[contacts_csv.ContactRow]) -> ImportResult:
    now = clock.now()
    people = [ContactData(email=row.email, name=row.name, phone=row.phone, language=row.language,
                          segment=row.segment, external_ref=row.external_ref) for row in rows]
    contacts, new_count = resolve_contacts(organization=actor.organization, people=people, now=now)
    invited_before = set(Invitation.objects.filter(survey=survey, contact__in=list(contacts.values()))
                         .values_list("contact_id", flat=True))
    opted_out = [c for c in contacts.values() if c.opted_out_at is not None]
    to_invite = [c for c in contacts.values() if c.opted_out_at is None and c.pk not in invited_before]
    Invitation.objects.bulk_create([build_invitation(survey=survey, contact=contact, source=InvitationSource.CSV,
                                                     send_after=now) for contact in to_invite])
    return ImportResult(invited=len(to_invite), new_contacts=new_count, reused_contacts=len(contacts) - new_count,
                        opted_out=len(opted_out),
                        already_invited=len([c for c in contacts.values() if c.pk in invited_before
                                             and c.opted_out_at is None]))


# A service event ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceEvent:
    """"Customer X used service Y at touch point Z": invite X after the survey's delay."""

    event_ref: str
    occurred_at: dt.datetime
    customer: ContactData
    service: Service | None = None
    touch_point: TouchPoint | None = None
    unit: Unit | None = None


@dataclass(frozen=True)
class EventOutcome:
    invitation: Invitation
    created: bool  # False: a retry of an event already recorded


def record_service_event(*, actor: Actor, survey: Survey, event: ServiceEvent) -> EventOutcome:
    """Invite the event's customer to `survey` at `occurred_at` + the survey's event delay (the send
    sweep mails it then). Idempotent on the event reference; a reference already used for another
    customer is a Conflict, a closed survey too; a bad e-mail or time is InvalidInput."""
    actor.require(roles.SURVEYS_MANAGE)
    if survey.organization_id != actor.organization_id:
        raise NotFound()
    customer = _checked_customer(event)
    existing = _event_invitation(survey, event.event_ref, customer.email)
    if existing is not None:
        return EventOutcome(existing, created=False)
    try:
        with transaction.atomic():
            return EventOutcome(_create_event_invitation(actor, survey, event, customer), created=True)
    except IntegrityError:
        # A concurrent retry of the same event got there first.
        existing = _event_invitation(survey, event.event_ref, customer.email)
        if existing is None:
            raise
        return EventOutcome(existing, created=False)


def _checked_customer(event: ServiceEvent) -> ContactData:
    if not event.event_ref.strip():
        raise InvalidInput("event_ref", _("Give the event's reference; a retry with it invites no one twice."))
    if event.occurred_at.tzinfo is None:
        raise InvalidInput("occurred_at", _("Give the time with its time zone, e.g. 2025-05-01T14:30:00+02:00."))
    if event.occurred_at > clock.now() + FUTURE_TOLERANCE:
        raise InvalidInput("occurred_at", _("The event cannot be more than a day in the future."))
    email = event.customer.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("customer.email", _("Enter a valid e-mail address.")) from None
    language = event.customer.language.strip()
    if language and language.lower() not in _LANGUAGE_BY_LOWER:
        raise InvalidInput("customer.language", _("Use en, pl or zh-Hans, or leave it out."))
    return ContactData(email=email, name=event.customer.name.strip(), language=_LANGUAGE_BY_LOWER.get(language.lower(), ""),
                       external_ref=event.customer.external_ref.strip(), segment=event.customer.segment.strip())


def _event_invitation(survey: Survey, event_ref: str, email: str) -> Invitation | None:
    found = Invitation.objects.select_related("contact").filter(survey=survey, event_ref=event_ref.strip()).first()
    if found is not None and found.contact.email and found.contact.email != email:
        raise Conflict(_("This event reference was already used for another customer."), code="idempotency_conflict")
    return found


def _create_event_invitation(actor: Actor, survey: Survey, event: ServiceEvent, customer: ContactData) -> Invitation:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    require_inviting(survey)
    contacts, _new = resolve_contacts(organization=actor.organization, people=[customer], now=clock.now())
    invitation = build_invitation(
        survey=survey, contact=contacts[customer.email], source=InvitationSource.SERVICE_EVENT,
        send_after=(event.occurred_at + dt.timedelta(minutes=survey.event_delay_minutes)).astimezone(dt.UTC),
        unit=event.unit,
        touch_point=event.touch_point, service=event.service, event_ref=event.event_ref.strip())
    invitation.save(force_insert=True)
    return invitation


# Opting out -----------------------------------------------------------------------------------------------

@transaction.atomic
def opt_out(*, invitation: Invitation) -> Contact:
    """The invitation's contact gets no more invitations or reminders from this organisation.
    Opting out again changes nothing."""
    contact = Contact.objects.select_for_update().get(pk=invitation.contact_id)
    if contact.opted_out_at is None:
        contact.opted_out_at = clock.now()
        contact.save(update_fields=["opted_out_at"])
        record_event(organization_id=contact.organization_id, actor="respondent", action="opted_out", obj=contact,
                     object_repr=f"contact #{contact.pk}",
                     changes={"opted_out_at": [None, contact.opted_out_at.isoformat()]})
    return contact
