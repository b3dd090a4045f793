"""The complaint-closure survey (ISO 10002 8.3): when an organisation runs an open survey of purpose
"complaint_closure", it replaces the complaints app's simple 1-5 rating.

- `invite_closed_complaints` (a periodic sweep) invites every complainant whose complaint was
  closed since that survey opened (and in the last 30 days), has an e-mail address, is not
  anonymised and has no invitation yet; the send sweep mails the invitation after the survey's event delay. The invitation takes
  the complaint's unit, touch point, service and language.
- `closure_rating_link` is registered with the complaints app (tracking.register_rating_link): the
  complaint's tracking page then offers the survey instead of the rating form, and its closure mail
  says the survey follows. The button posts to `start_complaint_survey`, which makes (or finds)
  the complaint's invitation and sends the complainant straight to it.
Each complaint gets one invitation at most, whichever way comes first: its event reference is
`complaint-<id>`, unique per survey, and complaints that already have one are skipped.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django_tasks import task

from csm.complaints.models import Complaint
from csm.complaints.tracking import RatingLink, tracking_token
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import NotFound
from csm.surveys import invitation_tokens
from csm.surveys.models import Contact, Invitation, InvitationSource, Purpose, Survey, SurveyStatus
from csm.surveys.services.distribution import ContactData, build_invitation, language_code, resolve_contacts

BATCH_SIZE = 500
# The sweep mails only about recent closures: a survey about a complaint closed months ago (say, when
# the survey is first opened) asks too late. The tracking page's button has no such limit.
CLOSED_WITHIN = dt.timedelta(days=30)


def closure_survey(*, organization_id: int) -> Survey | None:
    """The organisation's open complaint-closure survey (the newest, should there be several)."""
    return (Survey.objects.filter(organization_id=organization_id, purpose=Purpose.COMPLAINT_CLOSURE,
                                  status=SurveyStatus.OPEN, current_version__isnull=False)
            .select_related("organization").order_by("-id").first())


def opened_at(survey: Survey) -> dt.datetime:
    """When the survey was first published: complaints closed before then keep the 1-5 rating."""
    first = survey.versions.aggregate(first=Min("published_at"))["first"]
    return first or survey.created_at


def _event_ref(complaint: Complaint) -> str:
    return f"complaint-{complaint.pk}"


def _eligible(complaint: Complaint, survey: Survey) -> bool:
    return (complaint.status == Status.CLOSED and complaint.anonymised_at is None and complaint.closed_at is not None
            and complaint.closed_at >= opened_at(survey))


# The sweep -------------------------------------------------------------------------------------------

def invite_closed_complaints(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Invite the complainants of every organisation's closure survey; returns how many."""
    now = now or clock.now()
    surveys = {survey.organization_id: survey for survey in Survey.objects.filter(
        purpose=Purpose.COMPLAINT_CLOSURE, status=SurveyStatus.OPEN, current_version__isnull=False,
    ).select_related("organization").order_by("id")}
    return sum(_invite_for_survey(survey, now, batch_size) for survey in surveys.values())


def uninvited_complaints(survey: Survey, now: dt.datetime) -> list[int]:
    """Ids of the survey's organisation's complaints closed since it opened and within the last
    CLOSED_WITHIN, with an address, not anonymised, and without an invitation."""
    invited = Invitation.objects.filter(organization_id=survey.organization_id, complaint__isnull=False)
    return list(Complaint.objects.filter(
        organization_id=survey.organization_id, status=Status.CLOSED,
        closed_at__gte=max(opened_at(survey), now - CLOSED_WITHIN), anonymised_at__isnull=True,
    ).exclude(complainant_email="").exclude(pk__in=invited.values("complaint_id")).order_by("id")
        .values_list("id", flat=True))


def _invite_for_survey(survey: Survey, now: dt.datetime, batch_size: int) -> int:
    ids = uninvited_complaints(survey, now)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            complaints = list(Complaint.objects.filter(pk__in=ids[start:start + batch_size])
                              .select_related("organization").order_by("id"))
            _invite_complaints(survey, complaints, now)
    return len(ids)


def _invite_complaints(survey: Survey, complaints: list[Complaint], now: dt.datetime) -> list[Invitation]:
    people = [_complainant(complaint) for complaint in complaints]
    contacts, _new = resolve_contacts(organization=survey.organization, people=people, now=now)
    invitations = [_invitation(survey, complaint, contacts[person.email])
                   for complaint, person in zip(complaints, people, strict=True)]
    # ignore_conflicts: a complaint invited meanwhile through its tracking page keeps that invitation.
    Invitation.objects.bulk_create(invitations, ignore_conflicts=True)
    return invitations


def _complainant(complaint: Complaint) -> ContactData:
    return ContactData(email=complaint.complainant_email.strip().lower(), name=complaint.complainant_name,
                       phone=complaint.complainant_phone, language=complaint.language)


def _invitation(survey: Survey, complaint: Complaint, contact: Contact) -> Invitation:
    delay = dt.timedelta(minutes=survey.event_delay_minutes)
    return build_invitation(survey=survey, contact=contact, source=InvitationSource.COMPLAINT,
                            send_after=(complaint.closed_at or clock.now()) + delay, unit=complaint.unit,
                            touch_point=complaint.touch_point, service=complaint.service, complaint=complaint,
                            event_ref=_event_ref(complaint))


@task()
def complaint_survey_invitations() -> int:
    return invite_closed_complaints()


# The tracking page ---------------------------------------------------------------------------------------

def closure_rating_link(complaint: Complaint) -> RatingLink | None:
    """The survey button for the complaint's tracking page, or None to keep the 1-5 rating."""
    if complaint.anonymised_at is not None or complaint.status != Status.CLOSED:
        return None
    invitation = Invitation.objects.filter(complaint=complaint).order_by("id").first()
    if invitation is None:
        survey = closure_survey(organization_id=complaint.organization_id)
        if survey is None or not _eligible(complaint, survey):
            return None
    url = reverse("surveys_public:complaint_survey", kwargs={
        "org_slug": complaint.organization.slug, "reference": complaint.reference,
        "token": tracking_token(complaint.tracking_secret)})
    return RatingLink(url=url, is_answered=invitation is not None and invitation.spent_at is not None)


@transaction.atomic
def start_complaint_survey(*, complaint: Complaint) -> str:
    """The token of the complaint's survey invitation, made now if the sweep has not made it yet.
    NotFound when the complaint has no survey to answer (open, anonymised, or no survey)."""
    complaint = Complaint.objects.select_for_update().select_related("organization").get(pk=complaint.pk)
    if complaint.anonymised_at is not None or complaint.status != Status.CLOSED:
        raise NotFound()
    invitation = Invitation.objects.filter(complaint=complaint).order_by("id").first() or _new_invitation(complaint)
    token = invitation_tokens.current_token(invitation)
    if token is None:
        token = invitation_tokens.issue(invitation)
        invitation.save(update_fields=["token_salt", "token_digest"])
    return token


def _new_invitation(complaint: Complaint) -> Invitation:
    survey = closure_survey(organization_id=complaint.organization_id)
    if survey is None or not _eligible(complaint, survey):
        raise NotFound()
    person = _complainant(complaint)
    if person.email:
        contact = resolve_contacts(organization=survey.organization, people=[person], now=clock.now())[0][person.email]
    else:  # no address to mail: a contact with the name only, for this one invitation
        contact = Contact.objects.create(organization=survey.organization, name=person.name, phone=person.phone,
                                         language=language_code(person.language, survey.organization))
    invitation = _invitation(survey, complaint, contact)
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError:
        return Invitation.objects.get(survey=survey, event_ref=_event_ref(complaint))
    return invitation
