"""The complaint workspace: who may open it, what it shows to whom, which actions it offers,
attachments as safe downloads, and user text always escaped."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from csm.complaints import config_services, services
from csm.complaints.models import ComplaintAttachment
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import register, url

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy, viewer = support.frozen, support.policy, support.viewer

XSS = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def complaint(bob, policy, frozen):
    return register(bob, complainant_email="jan@example.com", complainant_address="ul. Polna 1, Warszawa")


def page(persona, complaint) -> str:
    response = persona.browser().get(url("detail", pk=complaint.pk))
    assert response.status_code == 200
    return response.content.decode()


def panels(html: str) -> list[str]:
    return re.findall(r'id="action-([a-z_]+)"', html)


# Access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_members_open_the_complaint(request, persona, complaint):
    assert complaint.reference in page(request.getfixturevalue(persona), complaint)


def test_charlie_gets_404_on_acmes_complaint(charlie, complaint):
    assert charlie.browser().get(url("detail", pk=complaint.pk)).status_code == 404


def test_a_missing_complaint_is_404(bob, complaint):
    assert bob.browser().get(url("detail", pk=complaint.pk + 100)).status_code == 404


# What it shows ----------------------------------------------------------------------------------

def test_the_header_shows_both_status_labels_and_the_assignee(bob, complaint):
    services.assign_complaint(actor=bob.actor, complaint=complaint, assignee=bob.user)
    html = page(bob, complaint)
    assert '<dt>Status</dt><dd><span class="badge info">Acknowledged</span></dd>' in html
    assert "<dt>The complainant sees</dt><dd>We are looking into your complaint</dd>" in html
    assert "<dt>Assignee</dt><dd>Bob</dd>" in html


def test_the_clocks_show_due_dates_and_how_they_were_worked_out(bob, complaint):
    html = page(bob, complaint)
    assert "✓</span> Met" in html  # acknowledged on receipt
    assert ('<time datetime="2026-03-04T11:00:00+00:00">03/04/2026 noon</time>') in html  # assess: 16 h
    assert "Received during working time: the clock starts at once." in html
    assert "Due: 16 h of working time counted." in html
    calculator = (f'{url("sla_calculator")}?policy={complaint.sla_policy_id}&amp;step=assess'
                  "&amp;start=2026-03-02+10%3A00%3A00&amp;pauses=")
    assert f'<a href="{calculator}">Open in the SLA calculator</a>' in html


def test_personal_data_is_masked_for_an_inspector(bob, carol, complaint):
    assert "ul. Polna 1" in page(bob, complaint)
    html = page(carol, complaint)
    assert "Jan Kowalski" not in html and "jan@example.com" not in html and "ul. Polna 1" not in html
    assert "<dt>Name</dt><dd>•••</dd>" in html
    assert "Personal data is hidden for your role." in html


def test_the_timeline_marks_internal_and_customer_visible_events(bob, complaint):
    services.add_note(actor=bob.actor, complaint=complaint, body="Regular guest.")
    services.send_message(actor=bob.actor, complaint=complaint, body="We are on it.")
    html = page(bob, complaint)
    note = html[html.index("Regular guest.") - 600:html.index("Regular guest.")]
    message = html[html.index("We are on it.") - 600:html.index("We are on it.")]
    assert '<li class="timeline-event internal">' in note
    assert '<span class="badge muted">Internal</span>' in note
    assert '<span class="badge info">Visible to the complainant</span>' in message


def test_the_audit_history_is_at_the_bottom_for_alice(alice, complaint):
    html = page(alice, complaint)
    assert html.index('id="audit-history-title"') > html.index('id="timeline-title"')
    assert "created" in html[html.index('id="audit-history-title"'):]


# Which actions it offers ------------------------------------------------------------------------

def test_a_received_complaint_offers_the_first_steps(bob, policy, frozen):
    received = register(bob)
    assert panels(page(bob, received)) == ["acknowledge", "assign", "request_information", "message", "note",
                                           "duplicate", "close"]


def test_an_assessed_complaint_offers_the_investigation_and_response(bob, complaint):
    services.assess_complaint(actor=bob.actor, complaint=complaint, severity="low")
    assert panels(page(bob, complaint)) == ["assess", "status", "assign", "request_information", "propose",
                                            "message", "note", "refer", "duplicate"]


def test_a_closed_complaint_offers_a_note_and_reopening(bob, complaint):
    services.close_complaint(actor=bob.actor, complaint=complaint, reason="Withdrawn.")
    assert panels(page(bob, complaint)) == ["note", "reopen"]


def test_approval_is_offered_to_alice_only_when_the_cost_needs_it(alice, bob, complaint):
    remedy = config_services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("80.00"),
                                           approval_limit=Decimal("50.00"))
    services.assess_complaint(actor=bob.actor, complaint=complaint, severity="low")
    services.propose_response(actor=bob.actor, complaint=complaint, remedy=remedy, cost=None,
                              outcome="upheld", decision_text="Refund.")
    assert "approve" in panels(page(alice, complaint))
    assert "approve" not in panels(page(bob, complaint))
    assert "decide" not in panels(page(bob, complaint))
    assert "Needs a quality manager's approval" in page(bob, complaint)
    services.approve_response(actor=alice.actor, complaint=complaint)
    assert "approve" not in panels(page(alice, complaint))
    assert "decide" in panels(page(bob, complaint))


def test_the_propose_form_starts_from_the_standard_text(bob, complaint):
    services.assess_complaint(actor=bob.actor, complaint=complaint, severity="low")
    html = page(bob, complaint)
    standard = f"We have reviewed your complaint {complaint.reference} and we agree with you: we uphold it."
    assert standard in html
    assert f'hx-get="{url("decision_text", pk=complaint.pk)}"' in html


def test_an_inspector_sees_no_action_forms(carol, complaint):
    html = page(carol, complaint)
    assert panels(html) == []
    assert 'method="post" action="/o/acme/complaints/' not in html


def test_duplicate_candidates_are_suggested(bob, complaint):
    later = register(bob, complainant_email="jan@example.com", description="The room was dirty again.")
    html = page(bob, later)
    assert f'<option value="{complaint.reference}">' in html


# Attachments ------------------------------------------------------------------------------------

@pytest.fixture
def attachment(complaint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ComplaintAttachment.objects.create(
        organization=complaint.organization, complaint=complaint, filename="receipt.html",
        file=SimpleUploadedFile("receipt.html", b"<h1>receipt</h1>"), content_type="text/html", size=16,
        from_customer=True)


def test_an_attachment_downloads_and_is_never_rendered(bob, attachment):
    response = bob.browser().get(url("attachment", pk=attachment.complaint_id, attachment_id=attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="receipt.html"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<h1>receipt</h1>"


def test_attachments_are_listed_with_links_for_handlers_only(bob, carol, attachment):
    link = url("attachment", pk=attachment.complaint_id, attachment_id=attachment.pk)
    assert f'href="{link}"' in page(bob, attachment.complaint)
    html = page(carol, attachment.complaint)
    assert "receipt.html" in html and f'href="{link}"' not in html
    assert carol.browser().get(link).status_code == 403


def test_an_attachment_is_404_for_charlie_and_through_another_complaint(bob, charlie, attachment):
    other = register(bob)
    assert charlie.browser().get(url("attachment", pk=attachment.complaint_id,
                                     attachment_id=attachment.pk)).status_code == 404
    assert bob.browser().get(url("attachment", pk=other.pk, attachment_id=attachment.pk)).status_code == 404


# Escaping ---------------------------------------------------------------------------------------

def test_user_text_is_escaped_on_the_queue_and_the_workspace(bob, policy, frozen):
    complaint = register(bob, complainant_name=XSS, description=XSS, remedy_sought=XSS)
    services.add_note(actor=bob.actor, complaint=complaint, body=XSS)
    services.send_message(actor=bob.actor, complaint=complaint, body=XSS)
    queue = bob.browser().get(url("queue"), {"q": ""}).content.decode()
    searched = bob.browser().get(url("queue"), {"q": XSS}).content.decode()
    html = page(bob, complaint)
    for rendered in (queue, searched, html):
        assert "<script>alert" not in rendered
    assert f"<td>{ESCAPED}</td>" in queue
    assert f'value="{ESCAPED}"' in searched
    # name, description, remedy sought, and the "received", note and message events
    assert html.count(ESCAPED) >= 6


def test_a_viewer_opens_the_workspace_without_actions(viewer, complaint):
    client = Client()
    client.force_login(viewer)
    response = client.get(url("detail", pk=complaint.pk))
    assert response.status_code == 200
    assert panels(response.content.decode()) == []
