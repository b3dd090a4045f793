"""The complaint-closure survey replaces the complaints app's 1-5 rating: the sweep invites
complainants, the tracking page offers the survey, and the closure mail says it follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from csm.catalogue.tests.factories import TouchPointFactory
from csm.complaints import services as complaint_services
from csm.complaints.models import Complaint
from csm.complaints.tests.factories import ComplaintFactory
from csm.complaints.tracking import RatingLink, rating_link, tracking_token
from csm.core import clock
from csm.surveys.models import Invitation, InvitationSource, SurveyStatus
from csm.surveys.services import closure, sending
from csm.surveys.tests.factories import closed_complaint, closure_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


def track_url(complaint: Complaint) -> str:
    return f"/c/acme/track/{complaint.reference}/{tracking_token(complaint.tracking_secret)}/"


def start_url(complaint: Complaint) -> str:
    return f"/s/c/acme/{complaint.reference}/{tracking_token(complaint.tracking_secret)}/"


# The sweep ---------------------------------------------------------------------------------------

def test_complainants_whose_complaint_closed_since_the_survey_opened_are_invited(alice):
    survey = closure_survey(alice)
    touch_point = TouchPointFactory(service__organization=alice.organization)
    closed = closed_complaint(alice.organization, closed_at=T0 + HOUR, language="pl", complainant_email="Jan@Example.com",
                              touch_point=touch_point)
    closed_complaint(alice.organization, closed_at=T0 - HOUR)  # before the survey opened
    closed_complaint(alice.organization, closed_at=T0 + HOUR, complainant_email="")  # no address
    ComplaintFactory(organization=alice.organization)  # still open
    with clock.frozen(T0 + 2 * HOUR):
        assert closure.invite_closed_complaints() == 1
        assert closure.invite_closed_complaints() == 0
    invitation = Invitation.objects.get()
    assert (invitation.survey_id, invitation.complaint_id, invitation.source) == (survey.pk, closed.pk,
                                                                                  InvitationSource.COMPLAINT)
    assert invitation.touch_point_id == touch_point.pk and invitation.event_ref == f"complaint-{closed.pk}"
    assert invitation.send_after == T0 + HOUR + dt.timedelta(minutes=survey.event_delay_minutes)
    assert (invitation.contact.email, invitation.contact.language) == ("jan@example.com", "pl")


def test_the_send_sweep_mails_the_complaint_survey_naming_the_complaint(alice):
    closure_survey(alice)
    complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    mail.outbox.clear()  # the acknowledgement
    with clock.frozen(T0 + 3 * HOUR):
        closure.invite_closed_complaints()
        sending.send_survey_invitations.call()
    assert [m.subject for m in mail.outbox] == ["How did we handle your complaint?"]
    assert complaint.reference in mail.outbox[0].body


def test_complaints_closed_long_ago_are_not_mailed_about(alice):
    closure_survey(alice)
    closed_complaint(alice.organization, closed_at=T0 + HOUR)
    assert closure.invite_closed_complaints(now=T0 + HOUR + closure.CLOSED_WITHIN + HOUR) == 0


def test_nothing_is_invited_without_an_open_closure_survey(alice):
    survey = closure_survey(alice)
    survey.status = SurveyStatus.CLOSED
    survey.save()
    closed_complaint(alice.organization, closed_at=T0 + HOUR)
    assert closure.invite_closed_complaints(now=T0 + 2 * HOUR) == 0 and not Invitation.objects.exists()


def test_another_organisations_complaints_are_not_invited(alice, charlie):
    closure_survey(alice)
    closed_complaint(charlie.organization, closed_at=T0 + HOUR)
    assert closure.invite_closed_complaints(now=T0 + 2 * HOUR) == 0


# The tracking page -------------------------------------------------------------------------------------

def test_the_rating_link_is_offered_only_for_complaints_closed_under_the_survey(alice):
    complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    assert rating_link(complaint) is None
    closure_survey(alice)
    assert rating_link(complaint) == RatingLink(url=start_url(complaint), is_answered=False)
    old = closed_complaint(alice.organization, closed_at=T0 - HOUR)
    assert rating_link(old) is None


def test_the_tracking_page_offers_the_survey_instead_of_the_rating(alice):
    complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    page = Client().get(track_url(complaint)).content.decode()
    assert "Rate how we handled your complaint" in page and "Tell us how we handled it" not in page
    closure_survey(alice)
    page = Client().get(track_url(complaint)).content.decode()
    assert "Tell us how we handled it" in page and f'action="{start_url(complaint)}"' in page
    assert "Rate how we handled your complaint" not in page


def test_the_survey_button_takes_the_complainant_to_one_invitation(alice):
    closure_survey(alice)
    complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    client = Client()
    first = client.post(start_url(complaint))
    again = client.post(start_url(complaint))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and first["Location"].startswith("/s/i/")
    invitation = Invitation.objects.get()
    assert invitation.complaint_id == complaint.pk and invitation.sent_at is None
    # The sweep finds it has an invitation already.
    assert closure.invite_closed_complaints(now=T0 + 2 * HOUR) == 0


def test_once_answered_the_tracking_page_thanks_instead(alice):
    closure_survey(alice)
    complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    Client().post(start_url(complaint))
    Invitation.objects.update(spent_at=T0 + 2 * HOUR)
    page = Client().get(track_url(complaint)).content.decode()
    assert "Thank you for telling us how we handled your complaint." in page


@pytest.mark.parametrize("case", ["wrong_token", "open", "no_survey", "get"])
def test_the_survey_button_refuses_what_it_cannot_answer(alice, case):
    if case != "no_survey":
        closure_survey(alice)
    if case == "open":
        complaint = ComplaintFactory(organization=alice.organization)
    else:
        complaint = closed_complaint(alice.organization, closed_at=T0 + HOUR)
    url = start_url(complaint)
    if case == "wrong_token":
        url = f"/s/c/acme/{complaint.reference}/{'0' * 40}/"
    response = Client().get(url) if case == "get" else Client().post(url)
    assert response.status_code == (405 if case == "get" else 404)
    assert not Invitation.objects.exists()


# The closure mail ---------------------------------------------------------------------------------------

def test_the_closure_mail_says_the_survey_follows_instead_of_offering_scores(alice):
    closure_survey(alice)
    complaint = ComplaintFactory(organization=alice.organization)
    mail.outbox.clear()
    complaint_services.close_complaint(actor=alice.actor, complaint=complaint, reason="Withdrawn.")
    body = mail.outbox[-1].body
    assert "We will send you a short survey" in body and "score=" not in body


def test_without_a_survey_the_closure_mail_keeps_the_one_click_scores(alice):
    complaint = ComplaintFactory(organization=alice.organization)
    mail.outbox.clear()
    complaint_services.close_complaint(actor=alice.actor, complaint=complaint, reason="Withdrawn.")
    body = mail.outbox[-1].body
    assert "score=5" in body and "We will send you a short survey" not in body
