import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from csm.catalogue.models import Channel
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints import services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    EventKind,
    Notification,
    SlaPolicy,
)
from csm.complaints.tracking import tracking_token
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.tests.factories import office_calendar

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # a Monday, 10:30 in Warsaw
FORM = "/c/acme/complaint/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def service(acme):
    return ServiceFactory(organization=acme, name="Rooms")


@pytest.fixture
def setup(acme, service):
    """Acme's public intake: a policy for any complaint, contact points and an external recourse."""
    SlaPolicy.objects.create(organization=acme, name="Standard", calendar=office_calendar(acme),
                             acknowledge_target="16h", respond_target="5wd", resolve_target="15d")
    TouchPointFactory(service=service, name="Hotline", channel=Channel.PHONE, location="+48 22 100 00 00")
    TouchPointFactory(service=service, name="Reception", channel=Channel.IN_PERSON, location="ul. Prosta 1, Warsaw")
    TouchPointFactory(service=service, name="Old fax", channel=Channel.LETTER, is_active=False)
    TouchPointFactory(service=service, name="Booking site", channel=Channel.WEB)
    settings = get_settings(organization_id=acme.pk)
    settings.external_recourse = "The Hotel Ombudsman, ombudsman.example, within 6 months."
    settings.max_attachment_mb = 1
    settings.save()
    return acme


def form_data(client: Client, about, **overrides) -> dict:
    page = client.get(FORM)
    assert page.status_code == 200
    data = {
        "complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com", "complainant_phone": "",
        "complainant_address": "", "preferred_contact": "email", "language": "en", "representative_name": "",
        "representative_contact": "", "service": about.pk, "touch_point": "", "order_reference": "BK-1",
        "description": "The room was not cleaned.", "remedy_sought": "A refund for one night.", "consent": "on",
        "website": "", "token": page.context["form"]["token"].value(),
    }
    return {**data, **overrides}


def send(client: Client, data: dict):
    return client.post(FORM, data)


def tracking_of(complaint: Complaint) -> str:
    return f"/c/acme/track/{complaint.reference}/{tracking_token(complaint.tracking_secret)}/"


def nothing_saved(media: Path) -> bool:
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return (files, Complaint.objects.count(), ComplaintAttachment.objects.count(), Complaint.objects.exclude(idempotency_key="").count(),
            Notification.objects.count()) == ([], 0, 0, 0, 0)


def assert_private(response) -> None:
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def decide(alice, complaint: Complaint) -> None:
    services.assess_complaint(actor=alice.actor, complaint=complaint)
    services.propose_response(actor=alice.actor, complaint=complaint, remedy=None, cost=None, outcome="upheld",
                              decision_text="We refund one night.")
    services.communicate_decision(actor=alice.actor, complaint=Complaint.objects.get(pk=complaint.pk))


# The whole flow ---------------------------------------------------------------------------------

def test_a_complainant_files_follows_answers_and_rates_a_complaint(setup, service, alice, media):
    client = Client()
    response = send(client, form_data(client, service, attachments=[SimpleUploadedFile("room.png", PNG)]))
    complaint = Complaint.objects.get()
    token = tracking_token(complaint.tracking_secret)
    assert response.status_code == 302
    assert response["Location"] == f"/c/acme/complaint/received/{complaint.reference}/{token}/"
    assert (complaint.complainant_name, complaint.channel, complaint.service, complaint.status,
            complaint.consent_given) == ("Jan Kowalski", "web", service, Status.ACKNOWLEDGED, True)
    assert ComplaintAttachment.objects.get().filename == "room.png"

    confirmation = client.get(response["Location"])
    assert_private(confirmation)
    html = confirmation.content.decode()
    assert f"Your reference is <strong>{complaint.reference}</strong>" in html
    assert f'href="http://testserver{tracking_of(complaint)}"' in html
    assert "Expected answer by</dt><dd>March 9, 2026, 5 p.m." in html
    assert "Expected resolution by</dt><dd>March 18, 2026, midnight" in html

    page = client.get(tracking_of(complaint))
    assert_private(page)
    assert "We are looking into your complaint" in page.content.decode()
    assert "Accept the decision" not in page.content.decode()

    added = client.post(tracking_of(complaint) + "information/", {
        "body": "The towels were dirty too.", "attachments": [SimpleUploadedFile("towel.png", PNG)]})
    assert added.status_code == 302
    assert list(complaint.events.filter(kind=EventKind.MESSAGE_IN).values_list("body", flat=True)) == [
        "The towels were dirty too."]
    assert ComplaintAttachment.objects.count() == 2

    decide(alice, complaint)
    page = client.get(tracking_of(complaint)).content.decode()
    assert "We refund one night." in page
    assert 'name="answer" value="accept"' in page and 'name="answer" value="reject"' in page

    assert client.post(tracking_of(complaint) + "decision/", {"answer": "accept", "comment": "Fine."}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.customer_reaction) == (Status.CLOSED, "accepted")

    rating_page = client.get(tracking_of(complaint) + "rate/?score=4")
    assert_private(rating_page)
    assert re.search(r'<input type="radio" name="score" value="4"[^>]* checked', rating_page.content.decode())
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rated_at) == (None, None)

    rated = client.post(tracking_of(complaint) + "rate/", {"score": "4", "comment": "Quick and fair."})
    assert rated.status_code == 302
    again = client.post(tracking_of(complaint) + "rate/", {"score": "1", "comment": "Changed my mind."})
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment, complaint.rated_at) == (4, "Quick and fair.", T0)
    assert "Thank you for your rating." in again.content.decode()
    assert complaint.events.filter(kind=EventKind.RATED).count() == 1


def test_after_a_rejection_the_page_shows_the_next_recourse(setup, service, alice):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    decide(alice, complaint)
    assert client.post(tracking_of(complaint) + "decision/", {"answer": "reject", "comment": "Not enough."}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.customer_reaction) == (Status.DECISION_COMMUNICATED, "rejected")
    page = client.get(tracking_of(complaint)).content.decode()
    assert "The Hotel Ombudsman, ombudsman.example, within 6 months." in page
    assert "Accept the decision" not in page


def test_a_second_answer_to_the_same_decision_changes_nothing(setup, service, alice):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    decide(alice, complaint)
    client.post(tracking_of(complaint) + "decision/", {"answer": "reject"})
    response = client.post(tracking_of(complaint) + "decision/", {"answer": "accept"})
    assert response.status_code == 200
    assert "There is no decision waiting for your answer." in response.content.decode()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.customer_reaction) == (Status.DECISION_COMMUNICATED, "rejected")


def test_the_rating_page_waits_until_the_complaint_is_closed(setup, service):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    page = client.get(tracking_of(complaint) + "rate/?score=5")
    assert "You can rate how we handled your complaint once it is closed." in page.content.decode()
    client.post(tracking_of(complaint) + "rate/", {"score": "5"})
    assert Complaint.objects.get().rated_at is None


# Spam and abuse ---------------------------------------------------------------------------------

def test_a_filled_honeypot_pretends_success_and_saves_nothing(setup, service, media):
    client = Client()
    response = send(client, form_data(client, service, website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/c/acme/complaint/thanks/"
    assert client.get(response["Location"]).status_code == 200
    assert nothing_saved(media)


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(setup):
    html = Client().get(FORM).content.decode()
    assert '<div class="hp-field" aria-hidden="true">' in html
    assert re.search(r'<input type="text" name="website" tabindex="-1" autocomplete="off"[^>]*>', html)


def test_the_rate_limit_per_ip_answers_429_and_saves_nothing_more(setup, service, settings, media):
    settings.CSM_INTAKE_PER_IP_PER_HOUR = 2
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(2):
        assert send(client, form_data(client, service, complainant_email=f"p{n}@example.com")).status_code == 302
    refused = send(client, form_data(client, service, complainant_email="p3@example.com"))
    assert refused.status_code == 429
    assert "too many complaints" in refused.content.decode()
    assert Complaint.objects.count() == 2
    assert send(Client(REMOTE_ADDR="10.0.0.8"), form_data(client, service, complainant_email="p4@example.com")
                ).status_code == 302


def test_the_rate_limit_per_email_answers_429_and_saves_nothing(setup, service, settings, media):
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 1
    first = Client(REMOTE_ADDR="10.0.0.1")
    assert send(first, form_data(first, service)).status_code == 302
    Complaint.objects.all().delete()
    other = Client(REMOTE_ADDR="10.0.0.2")
    refused = send(other, form_data(other, service, complainant_email="JAN@example.com",
                                    attachments=[SimpleUploadedFile("room.png", PNG)]))
    assert refused.status_code == 429
    assert nothing_saved(media)


# Attachments ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("huge.png", PNG + b"\x00" * 1024 * 1024), "huge.png is larger than 1 MB."),
    (SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf"), "invoice.pdf is not an allowed file type."),
    (SimpleUploadedFile("tool.exe", PNG), "tool.exe is not an allowed file type."),
])
def test_a_bad_attachment_is_an_error_and_nothing_is_saved(setup, service, media, upload, message):
    client = Client()
    response = send(client, form_data(client, service, attachments=[SimpleUploadedFile("ok.png", PNG), upload]))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert '<a href="#id_attachments">Attachments: ' in html
    assert nothing_saved(media)


def test_a_bad_attachment_on_the_tracking_page_adds_nothing(setup, service, media):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    before = complaint.events.count()
    response = client.post(tracking_of(complaint) + "information/", {
        "body": "See attached.", "attachments": [SimpleUploadedFile("x.docx", b"not a document")]})
    assert response.status_code == 200
    assert "x.docx is not an allowed file type." in response.content.decode()
    assert (complaint.events.count(), ComplaintAttachment.objects.count()) == (before, 0)
    assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))


# Idempotency ------------------------------------------------------------------------------------

def test_a_double_submit_creates_one_complaint_and_shows_the_same_confirmation(setup, service):
    client = Client()
    data = form_data(client, service, attachments=[SimpleUploadedFile("room.png", PNG)])
    first = send(client, data)
    data["attachments"] = [SimpleUploadedFile("room.png", PNG)]
    second = send(client, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert (Complaint.objects.count(), ComplaintAttachment.objects.count(), Notification.objects.count()) == (1, 1, 1)


def test_the_same_form_token_with_other_details_asks_to_send_again(setup, service):
    client = Client()
    data = form_data(client, service)
    send(client, data)
    response = send(client, {**data, "description": "Something else entirely."})
    assert response.status_code == 200
    assert "This form was already sent with different details." in response.content.decode()
    assert response.context["form"]["token"].value() != data["token"]
    assert Complaint.objects.count() == 1


# The form ---------------------------------------------------------------------------------------

def test_errors_are_summarised_at_the_top_and_linked_to_their_fields(setup, service):
    client = Client()
    response = send(client, form_data(client, service, complainant_name="", complainant_email="", consent=""))
    html = response.content.decode()
    summary = html[html.index('id="error-summary"'):html.index("</section>")]
    assert '<a href="#id_complainant_name">Your name: This field is required.</a>' in summary
    assert '<a href="#id_complainant_email">E-mail: Give your e-mail address, or choose another way.</a>' in summary
    assert '<a href="#id_consent">' in summary
    assert re.search(r'<input type="text" name="complainant_name"[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="id_complainant_name_error"', html)
    assert Complaint.objects.count() == 0


def test_the_form_offers_only_the_organisations_active_services(setup, service, globex):
    ServiceFactory(organization=setup, name="Closed spa", is_active=False)
    ServiceFactory(organization=globex, name="Globex mobile")
    form = Client().get(FORM).context["form"]
    assert [s.name for s in form.fields["service"].queryset] == ["Rooms"]


def test_another_organisations_service_is_refused(setup, service, globex):
    foreign = ServiceFactory(organization=globex, name="Globex mobile")
    client = Client()
    response = send(client, form_data(client, service, service=foreign.pk))
    assert "Select a valid choice." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_the_language_defaults_to_the_page_language(setup):
    client = Client()
    client.cookies["csm_language"] = "pl"
    response = client.get(FORM)
    assert response.context["form"]["language"].value() == "pl"
    assert '<html lang="pl">' in response.content.decode()


def test_the_form_is_404_while_public_intake_is_off_but_tracking_still_works(setup, service):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    settings = get_settings(organization_id=complaint.organization_id)
    settings.public_intake_enabled = False
    settings.save()
    assert client.get(FORM).status_code == 404
    assert client.post(FORM, {}).status_code == 404
    assert client.get(tracking_of(complaint)).status_code == 200
    assert "complaint/" not in client.get("/c/acme/").context["form_url"]


def test_an_unknown_organisation_is_404(db):
    for url in ("/c/nope/", "/c/nope/complaint/"):
        assert Client().get(url).status_code == 404


# Tracking links ---------------------------------------------------------------------------------

def test_a_wrong_token_or_reference_is_a_plain_404(setup, service, globex):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    token = tracking_token(complaint.tracking_secret)
    wrong = [f"/c/acme/track/{complaint.reference}/{'0' * 40}/", f"/c/acme/track/C-2026-999999/{token}/",
             f"/c/globex/track/{complaint.reference}/{token}/", f"/c/acme/complaint/received/{complaint.reference}/x/",
             f"/c/acme/track/{complaint.reference}/{token[:-1]}ż/"]
    for url in wrong:
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "Page not found" in html
        assert not {"Jan Kowalski", "The room was not cleaned.", "We are looking into"} & set(re.split(r"[<>]", html))
    for suffix, data in (("information/", {"body": "Hi"}), ("decision/", {"answer": "accept"}),
                         ("rate/", {"score": "5"})):
        assert client.post(wrong[0] + suffix, data).status_code == 404
    assert complaint.events.filter(kind=EventKind.MESSAGE_IN).count() == 0


def test_user_text_is_escaped_on_the_tracking_page(setup, service):
    client = Client()
    send(client, form_data(client, service, description=XSS, complainant_name=XSS))
    complaint = Complaint.objects.get()
    client.post(tracking_of(complaint) + "information/", {"body": XSS})
    html = client.get(tracking_of(complaint)).content.decode()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert html.count(escaped) == 2
    assert "<script>alert(1)" not in html and "<img src=x" not in html


def test_the_tracking_page_shows_the_customer_timeline_only(setup, service, alice):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    services.add_note(actor=alice.actor, complaint=complaint, body="Internal: guest was rude.")
    services.send_message(actor=alice.actor, complaint=complaint, body="We are sorry, we are checking.")
    html = client.get(tracking_of(complaint)).content.decode()
    assert "We are sorry, we are checking." in html
    assert "Internal: guest was rude." not in html
    assert "alice@acme.test" not in html


def test_a_closed_complaint_takes_no_more_information(setup, service, alice):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    services.close_complaint(actor=alice.actor, complaint=complaint, reason="Withdrawn.")
    assert "Add information" not in client.get(tracking_of(complaint)).content.decode()
    response = client.post(tracking_of(complaint) + "information/", {"body": "One more thing."})
    assert "This complaint is closed, so we cannot add your message to it." in response.content.decode()
    assert complaint.events.filter(kind=EventKind.MESSAGE_IN).count() == 0


# How to complain --------------------------------------------------------------------------------

def test_the_how_to_page_is_generated_from_the_configuration(setup):
    response = Client().get("/c/acme/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/c/acme/complaint/"' in html
    assert "Phone: Hotline — +48 22 100 00 00" in html
    assert "In person: Reception — ul. Prosta 1, Warsaw" in html
    assert "Old fax" not in html and "Booking site" not in html
    assert "<dt>We acknowledge your complaint within</dt><dd>16 working hours</dd>" in html
    assert "<dt>We send you our answer within</dt><dd>5 working days</dd>" in html
    assert "<dt>We aim to resolve your complaint within</dt><dd>15 days</dd>" in html
    assert "The Hotel Ombudsman, ombudsman.example, within 6 months." in html
    assert "Complaining is free of charge." in html
    for step in ("Received", "Acknowledged", "Assessed", "Investigated", "Decision", "Your answer", "Closed"):
        assert f"<strong>{step}</strong>" in html
    assert 'action="/i18n/setlang/"' in html


def test_the_how_to_page_without_a_policy_promises_to_tell_the_time_limits(acme):
    html = Client().get("/c/acme/").content.decode()
    assert "We tell you when to expect our answer as soon as we acknowledge your complaint." in html


def test_the_how_to_page_switches_language(setup):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/c/acme/"})
    assert response.status_code == 302
    assert '<html lang="zh-hans">' in client.get("/c/acme/").content.decode()


@pytest.mark.parametrize(("code", "words"), [
    ("16h", "16 working hours"), ("1h", "1 working hour"), ("5wd", "5 working days"), ("1wd", "1 working day"),
    ("15d", "15 days"), ("1d", "1 day"), ("72ch", "72 hours"), ("junk", "junk"),
])
def test_targets_are_written_in_words(code, words):
    from csm.complaints.public_views import target_in_words

    assert target_in_words(code) == words


def test_each_tracking_page_shows_only_its_own_complaint(setup, service):
    first, second = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    send(first, form_data(first, service, description="Mine: the shower was cold."))
    send(second, form_data(second, service, complainant_email="eva@example.com", description="Eva's: noisy."))
    one, two = Complaint.objects.order_by("pk")
    html = first.get(tracking_of(one)).content.decode()
    assert "Mine: the shower was cold." in html and "Eva&#x27;s: noisy." not in html
    assert ComplaintEvent.objects.filter(complaint=two, kind=EventKind.RECEIVED).count() == 1


def test_a_missing_form_token_asks_to_send_again_with_a_fresh_one(setup, service):
    client = Client()
    response = send(client, form_data(client, service, token="not-a-uuid"))
    html = response.content.decode()
    assert "<li>This form has expired. Check your details and send it again.</li>" in html
    assert re.fullmatch(r"[0-9a-f-]{36}", response.context["form"]["token"].value())
    assert Complaint.objects.count() == 0


def test_internal_steps_with_the_same_customer_label_show_once(setup, service, alice):
    client = Client()
    send(client, form_data(client, service))
    complaint = Complaint.objects.get()
    services.assess_complaint(actor=alice.actor, complaint=complaint)  # acknowledged -> assessed
    html = client.get(tracking_of(complaint)).content.decode()
    assert html.count("<strong>We are looking into your complaint</strong>") == 1


def test_until_the_worker_has_run_the_confirmation_says_the_dates_are_coming(setup, service, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    client = Client()
    confirmation = client.get(send(client, form_data(client, service))["Location"])
    assert 'id="dates-pending"' in confirmation.content.decode()
    assert "Expected answer by" not in confirmation.content.decode()
    call_command("worker", batch=True, no_sweeps=True, verbosity=0)
    again = client.get(tracking_of(Complaint.objects.get()))
    assert 'id="dates-pending"' not in again.content.decode()
    assert "Expected answer by" in again.content.decode()
