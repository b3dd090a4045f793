"""The privacy pages: legal hold and erasure on the complaint page, data-subject requests, and the
mailbox log. Each is refused to roles without the right, and shows nothing of another organisation."""

from __future__ import annotations

import json

import pytest

from csm.complaints.models import Complaint, ComplaintEvent, InboundMail
from csm.complaints.services.inbound import receive_mail
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.imap_double import raw_mail
from csm.complaints.tests.test_views_support import action_url, register, reload, url
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db
frozen, policy = support.frozen, support.policy
EMAIL = "jan@example.com"


@pytest.fixture
def complaint(bob, policy, frozen) -> Complaint:
    return register(bob, complainant_email=EMAIL)


def post_action(persona, complaint, action, **fields):
    return persona.browser().post(action_url(complaint, action), {f"{action}-{k}": v for k, v in fields.items()})


def test_alice_places_and_lifts_a_legal_hold(alice, complaint):
    response = post_action(alice, complaint, "hold", reason="Dispute with the ombudsman, ref. 12/2026")
    assert response.status_code == 302 and reload(complaint).legal_hold is True
    page = alice.browser().get(url("detail", pk=complaint.pk)).content.decode()
    assert "On legal hold" in page and "Lift the legal hold" in page and "Erase personal data" not in page
    post_action(alice, complaint, "release_hold", reason="Dispute settled.")
    assert reload(complaint).legal_hold is False


def test_a_handler_cannot_place_a_hold_or_erase(bob, complaint):
    page = bob.browser().get(url("detail", pk=complaint.pk)).content.decode()
    assert "Place a legal hold" not in page and "Erase personal data" not in page
    assert post_action(bob, complaint, "hold", reason="x").status_code == 403
    assert post_action(bob, complaint, "anonymise", reason="x", confirm="on").status_code == 403
    fresh = reload(complaint)
    assert (fresh.legal_hold, fresh.anonymised_at, fresh.complainant_email) == (False, None, EMAIL)


def test_erasing_from_the_complaint_page_needs_the_confirmation(alice, complaint):
    refused = post_action(alice, complaint, "anonymise", reason="Erasure request of 1 March.")
    assert refused.status_code == 422 and reload(complaint).complainant_email == EMAIL
    done = post_action(alice, complaint, "anonymise", reason="Erasure request of 1 March.", confirm="on")
    fresh = reload(complaint)
    assert done.status_code == 302
    assert (fresh.complainant_name, fresh.complainant_email) == ("Anonymised", "")


def test_a_held_complaint_cannot_be_erased_from_its_page(alice, complaint):
    post_action(alice, complaint, "hold", reason="Court case.")
    response = post_action(alice, complaint, "anonymise", reason="Request.", confirm="on")
    assert response.status_code == 409
    assert reload(complaint).complainant_email == EMAIL


def test_alice_finds_exports_and_erases_a_complainant(alice, bob, policy, frozen):
    first = register(bob, complainant_email=EMAIL)
    held = register(bob, complainant_email="JAN@example.com")
    register(bob, complainant_email="other@example.com")
    post_action(alice, held, "hold", reason="Dispute.")
    browser = alice.browser()
    page = browser.get(url("config_data_subjects"), {"email": EMAIL}).content.decode()
    assert first.reference in page and held.reference in page and "2 complaints" in page
    export = browser.get(url("config_data_subjects"), {"email": EMAIL, "download": "json"})
    assert export["Content-Disposition"] == 'attachment; filename="complainant-data.json"'
    assert [c["reference"] for c in json.loads(export.content)["complaints"]] == [first.reference, held.reference]
    response = browser.post(url("config_data_subjects"), {"email": EMAIL, "reason": "Request by e-mail, 2 March.",
                                                          "confirm": "on"})
    text = response.content.decode()
    assert response.status_code == 200 and "1 complaint was anonymised." in text and held.reference in text
    assert (reload(first).complainant_email, reload(held).complainant_email) == ("", "JAN@example.com")
    assert AuditEvent.objects.filter(action="subject_export").count() == 1


def test_erasure_without_confirmation_changes_nothing(alice, complaint):
    before = ComplaintEvent.objects.count()
    response = alice.browser().post(url("config_data_subjects"), {"email": EMAIL, "reason": "Request."})
    assert response.status_code == 422
    assert reload(complaint).complainant_email == EMAIL and ComplaintEvent.objects.count() == before


def test_a_handler_may_search_and_export_but_not_erase(bob, complaint):
    page = bob.browser().get(url("config_data_subjects"), {"email": EMAIL}).content.decode()
    assert complaint.reference in page and "Erase their personal data" not in page
    refused = bob.browser().post(url("config_data_subjects"), {"email": EMAIL, "reason": "x", "confirm": "on"})
    assert refused.status_code == 403 and reload(complaint).complainant_email == EMAIL


def test_an_inspector_sees_no_personal_data_pages(carol, complaint):
    assert carol.browser().get(url("config_data_subjects"), {"email": EMAIL}).status_code == 403
    assert carol.browser().get(url("config_mailbox")).status_code == 403


def test_another_organisation_finds_nothing_of_alice_s(charlie, complaint):
    page = charlie.browser().get(url("config_data_subjects", org="globex"), {"email": EMAIL}).content.decode()
    assert complaint.reference not in page and "No complaint of this organisation has this e-mail address." in page
    assert charlie.browser().get(url("config_data_subjects"), {"email": EMAIL}).status_code == 404
    response = charlie.browser().post(url("config_data_subjects", org="globex"),
                                      {"email": EMAIL, "reason": "x", "confirm": "on"})
    assert response.status_code == 200 and reload(complaint).complainant_email == EMAIL


def test_the_mailbox_log_lists_what_each_mail_became(alice, bob, charlie, acme, globex, frozen):
    complaint = receive_mail(organization=acme, raw=raw_mail(1)).complaint
    receive_mail(organization=globex, raw=raw_mail(2))
    page = alice.browser().get(url("config_mailbox")).content.decode()
    assert complaint.reference in page and "guest1@example.com" in page and "guest2@example.com" not in page
    assert bob.browser().get(url("config_mailbox")).status_code == 403
    other = charlie.browser().get(url("config_mailbox", org="globex")).content.decode()
    assert "guest2@example.com" in other and "guest1@example.com" not in other
    assert InboundMail.objects.count() == 2


def test_the_settings_home_links_the_privacy_pages(alice, policy):
    page = alice.browser().get(url("config_home")).content.decode()
    assert url("config_data_subjects") in page and url("config_mailbox") in page
