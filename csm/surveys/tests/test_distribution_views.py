"""The distribution pages: the surveys, one survey's links, live counts, contact upload with its
row errors, invitations, quotas and erasure; hidden from other roles and organisations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.core import clock
from csm.surveys.models import Contact, Invitation, Quota
from csm.surveys.services.distribution import ContactData, ServiceEvent, record_service_event
from csm.surveys.tests.factories import contact_list, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.CSM_BASE_URL = "https://csm.example.com"
    with clock.frozen(T0):
        yield


def page_url(survey, rest: str = "") -> str:
    return f"/o/acme/surveys/distribution/{survey.pk}/{rest}"


def upload(client, survey, content: bytes):
    return client.post(page_url(survey, "contacts/"), {"file": SimpleUploadedFile("list.csv", content, "text/csv")})


def invite(persona, survey, n: int) -> None:
    for i in range(n):
        record_service_event(actor=persona.actor, survey=survey, event=ServiceEvent(
            event_ref=f"e{i}", occurred_at=T0, customer=ContactData(email=f"guest{i}@example.com")))


def test_the_overview_lists_published_surveys_with_their_counts(alice):
    survey = published_survey(alice)
    invite(alice, survey, 2)
    response = alice.browser().get("/o/acme/surveys/distribution/")
    assert response.status_code == 200
    (row,) = response.context["surveys"]
    assert (row.survey.pk, row.invited, row.sent, row.completed, row.responses) == (survey.pk, 2, 0, 0, 0)


def test_the_survey_page_shows_its_links_counts_and_invitations(alice):
    survey = published_survey(alice)
    invite(alice, survey, 2)
    response = alice.browser().get(page_url(survey))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"https://csm.example.com/s/{survey.public_key}/" in html
    assert f"/s/{survey.public_key}/kiosk/" in html and "posters.pdf?staffing=unstaffed" in html
    assert response.context["counts"].invited == 2
    assert [status for _invitation, status in response.context["invitations"]] == ["queued", "queued"]
    assert "guest0@example.com" in html


def test_the_invitation_list_costs_the_same_queries_however_long(alice):
    survey = published_survey(alice)
    invite(alice, survey, 2)
    client = alice.browser()
    client.get(page_url(survey))  # the session is warm
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(survey))
    for i in range(2, 40):
        record_service_event(actor=alice.actor, survey=survey, event=ServiceEvent(
            event_ref=f"more{i}", occurred_at=T0, customer=ContactData(email=f"more{i}@example.com")))
    with CaptureQueriesContext(connection) as many:
        client.get(page_url(survey))
    assert len(many) == len(few)


def test_the_live_counts_refresh_on_their_own(alice):
    survey = published_survey(alice)
    response = alice.browser().get(page_url(survey, "counts/"))
    html = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 15s"' in html and 'id="live-counts"' in html


def test_a_contact_list_is_uploaded_and_everyone_invited(alice):
    survey = published_survey(alice)
    client = alice.browser()
    response = upload(client, survey, contact_list("anna@example.com,Anna,en,", "bea@example.com,Bea,pl,"))
    assert response.status_code == 302 and response["Location"] == page_url(survey)
    assert Invitation.objects.filter(survey=survey).count() == 2
    page = client.get(page_url(survey)).content.decode()
    assert "2 invited (2 new contacts)" in page


def test_a_list_with_bad_rows_shows_each_and_imports_nothing(alice):
    survey = published_survey(alice)
    response = upload(alice.browser(), survey, contact_list("anna@example.com,Anna,en,", "nobody,Bad,en,",
                                                            "anna@example.com,Again,en,"))
    html = response.content.decode()
    assert response.status_code == 422
    assert [(e.row, e.column) for e in response.context["row_errors"]] == [(3, "email"), (4, "email")]
    assert "Nothing was imported: 2 problems in the file." in html and "anna@example.com is already in row 2." in html
    assert not Contact.objects.exists() and not Invitation.objects.exists()


def test_quotas_are_added_with_their_fill_and_deleted(alice):
    survey = published_survey(alice)
    client = alice.browser()
    response = client.post(page_url(survey, "quotas/"), {"question": "purpose", "value": "leisure", "limit": "50",
                                                         "action": "close", "message": ""})
    assert response.status_code == 302
    quota = Quota.objects.get()
    page = client.get(page_url(survey))
    assert [(fill.quota.pk, fill.filled) for fill in page.context["quotas"]] == [(quota.pk, 0)]
    assert "0 / 50" in page.content.decode()
    assert client.post(page_url(survey, f"quotas/{quota.pk}/delete/")).status_code == 302
    assert not Quota.objects.exists()


def test_a_quota_that_cannot_match_is_shown_as_a_form_error(alice):
    survey = published_survey(alice)
    response = alice.browser().post(page_url(survey, "quotas/"), {"question": "purpose", "value": "space",
                                                                  "limit": "5", "action": "close"})
    assert response.status_code == 422
    assert response.context["quota_form"].errors["value"] == ['"space" is not one of the question\'s options.']
    assert not Quota.objects.exists()


def test_a_contact_is_erased_from_the_invitation_list(alice):
    survey = published_survey(alice)
    invite(alice, survey, 1)
    contact = Contact.objects.get()
    response = alice.browser().post(page_url(survey, f"contacts/{contact.pk}/erase/"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.email == "" and contact.erased_at == T0


@pytest.mark.parametrize("path", ["", "counts/", "contacts/", "quotas/"])
def test_handlers_and_other_organisations_see_nothing(alice, bob, charlie, path):
    survey = published_survey(alice)
    method = "get" if path in ("", "counts/") else "post"
    assert getattr(bob.browser(), method)(page_url(survey, path)).status_code == 403
    assert getattr(charlie.browser(), method)(page_url(survey, path)).status_code == 404
    foreign = f"/o/globex/surveys/distribution/{survey.pk}/{path}"
    assert getattr(charlie.browser(), method)(foreign).status_code == 404


def test_another_organisations_contact_cannot_be_erased(alice, charlie):
    theirs = published_survey(charlie)
    record_service_event(actor=charlie.actor, survey=theirs, event=ServiceEvent(
        event_ref="x", occurred_at=T0, customer=ContactData(email="wang@example.cn")))
    contact = Contact.objects.get()
    survey = published_survey(alice)
    assert alice.browser().post(page_url(survey, f"contacts/{contact.pk}/erase/")).status_code == 404
    assert Contact.objects.get().email == "wang@example.cn"
