"""Privacy: anonymisation, the retention sweep, legal holds and data-subject requests (services and
the /api/v1/privacy/ and /api/v1/complaints/{complaint_id}/legal-hold endpoints)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile

from csm.complaints import privacy
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, EventKind
from csm.complaints.periodic import COMPLAINT_SWEEPS
from csm.complaints.tests.factories import ComplaintFactory
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import Conflict, PermissionDenied
from csm.core.models import AuditEvent

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
EXPORT = "/api/v1/privacy/subject-export"
ERASURE = "/api/v1/privacy/subject-erasure"
LEGAL_HOLD = "/api/v1/complaints/{complaint_id}/legal-hold"
NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
PERMISSION_DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}
PERSONAL = {"complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
            "complainant_phone": "+48 600 100 200", "complainant_address": "ul. Długa 1, Gdańsk",
            "representative_name": "Anna Nowak", "representative_contact": "anna@example.com",
            "order_reference": "ORD-1", "description": "The room was not cleaned.",
            "remedy_sought": "A refund."}


def registered(organization, **fields) -> Complaint:
    with clock.frozen(T0):
        return ComplaintFactory(organization=organization, **{**PERSONAL, **fields})


def closed(organization, at: dt.datetime, **fields) -> Complaint:
    complaint = registered(organization, **fields)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.CLOSED, closed_at=at, rating_comment="Fine.")
    return Complaint.objects.get(pk=complaint.pk)


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def values(complaint: Complaint) -> dict[str, object]:
    return {name: getattr(fresh(complaint), name) for name in (*PERSONAL, "rating_comment", "anonymised_at")}


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


ANONYMOUS_VALUES = {"complainant_name": "Anonymised", "complainant_email": "", "complainant_phone": "",
                    "complainant_address": "", "representative_name": "", "representative_contact": "",
                    "order_reference": "", "description": "Anonymised", "remedy_sought": "", "rating_comment": ""}


# Anonymisation ----------------------------------------------------------------------------------

def test_anonymising_blanks_exactly_the_personal_fields_and_records_it(acme, alice, settings, tmp_path,
                                                                       django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    complaint = closed(acme, T0 + DAY)
    attachment = ComplaintAttachment.objects.create(
        organization=acme, complaint=complaint, file=ContentFile(b"receipt", name="receipt.txt"),
        filename="receipt.txt", content_type="text/plain", size=7)
    path = attachment.file.path
    untouched = {name: getattr(complaint, name) for name in ("reference", "status", "closed_at", "channel")}
    with clock.frozen(T0 + 10 * DAY), django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise_complaint(complaint=complaint, reason="Asked to.", actor=alice.actor)
    assert values(complaint) == {**ANONYMOUS_VALUES, "anonymised_at": T0 + 10 * DAY}
    assert {name: getattr(fresh(complaint), name) for name in untouched} == untouched
    assert not ComplaintAttachment.objects.filter(complaint=complaint).exists()
    assert not (tmp_path / path).exists()
    anonymised = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.ANONYMISED)
    assert (anonymised.body, anonymised.actor, anonymised.is_customer_visible, anonymised.data) == (
        "Asked to.", alice.user, False, {"attachments_deleted": 1})
    audit = AuditEvent.objects.get(action="anonymised", object_id=str(complaint.pk))
    assert (audit.actor, audit.changes) == (alice.user, {
        "anonymised_at": [None, (T0 + 10 * DAY).isoformat()], "reason": [None, "Asked to."]})


def test_the_timeline_is_kept_as_it_was(acme):
    complaint = closed(acme, T0)
    before = list(ComplaintEvent.objects.filter(complaint=complaint).values("id", "body"))
    privacy.anonymise_complaint(complaint=complaint, reason="Retention.")
    after = list(ComplaintEvent.objects.filter(complaint=complaint).exclude(kind=EventKind.ANONYMISED)
                 .values("id", "body"))
    assert after == before


def test_a_legal_hold_blocks_anonymisation_and_nothing_changes(acme):
    complaint = closed(acme, T0)
    Complaint.objects.filter(pk=complaint.pk).update(legal_hold=True)
    before = values(complaint)
    with pytest.raises(Conflict) as caught:
        privacy.anonymise_complaint(complaint=fresh(complaint), reason="Retention.")
    assert caught.value.code == "legal_hold"
    assert values(complaint) == before
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ANONYMISED).exists()


def test_a_handler_may_not_anonymise(acme, bob):
    complaint = closed(acme, T0)
    with pytest.raises(PermissionDenied):
        privacy.anonymise_complaint(complaint=complaint, reason="Asked to.", actor=bob.actor)
    assert fresh(complaint).anonymised_at is None


# Retention sweep --------------------------------------------------------------------------------

def test_the_retention_sweep_is_scheduled_daily():
    assert [(s.name, s.every, s.task) for s in COMPLAINT_SWEEPS][3:] == [
        ("complaint_retention", DAY, privacy.complaint_retention)]


def test_the_sweep_anonymises_closed_complaints_past_their_organisations_retention(acme, globex):
    settings_row = get_settings(organization_id=acme.pk)
    settings_row.retention_days = 30
    settings_row.save()
    expired = closed(acme, T0)
    recent = closed(acme, T0 + 2 * DAY)
    held = closed(acme, T0)
    Complaint.objects.filter(pk=held.pk).update(legal_hold=True)
    still_open = registered(acme)
    other_org = closed(globex, T0)  # the default: three years
    with clock.frozen(T0 + 31 * DAY):
        assert privacy.retention_sweep() == 1
    assert fresh(expired).anonymised_at == T0 + 31 * DAY
    assert [fresh(c).anonymised_at for c in (recent, held, still_open, other_org)] == [None] * 4
    assert ComplaintEvent.objects.get(complaint=expired, kind=EventKind.ANONYMISED).actor_label == "system"
    with clock.frozen(T0 + 33 * DAY):
        assert privacy.retention_sweep() == 1
    assert fresh(recent).anonymised_at == T0 + 33 * DAY
    assert fresh(held).complainant_name == "Jan Kowalski"


def test_the_sweep_works_through_every_batch(acme):
    complaints = [closed(acme, T0) for _ in range(3)]
    with clock.frozen(T0 + 4 * 365 * DAY):
        assert privacy.complaint_retention.call(batch_size=2) == 3
        assert privacy.retention_sweep(batch_size=2) == 0
    assert [fresh(c).complainant_name for c in complaints] == ["Anonymised"] * 3


# Legal hold -------------------------------------------------------------------------------------

def test_a_legal_hold_is_set_and_lifted_with_a_reason_on_record(acme, alice):
    complaint = registered(acme)
    privacy.set_legal_hold(actor=alice.actor, complaint=complaint, hold=True, reason="Court case 12/26.")
    assert fresh(complaint).legal_hold is True
    privacy.set_legal_hold(actor=alice.actor, complaint=complaint, hold=False, reason="Case settled.")
    assert fresh(complaint).legal_hold is False
    assert [e.changes for e in AuditEvent.objects.filter(object_id=str(complaint.pk), action="updated")
            .order_by("id")] == [{"legal_hold": [False, True], "reason": [None, "Court case 12/26."]},
                                 {"legal_hold": [True, False], "reason": [None, "Case settled."]}]


# Data-subject requests --------------------------------------------------------------------------

def test_erasure_anonymises_all_but_held_complaints_and_logs_the_request(acme, alice):
    first, second, held = (closed(acme, T0) for _ in range(3))
    registered(acme, complainant_email="someone@example.com")
    Complaint.objects.filter(pk=held.pk).update(legal_hold=True)
    result = privacy.erase_subject(actor=alice.actor, email="JAN@example.com", reason="GDPR art. 17 request.")
    assert result == privacy.ErasureResult(erased=[first.reference, second.reference], held=[held.reference])
    assert [fresh(c).complainant_name for c in (first, second, held)] == ["Anonymised", "Anonymised", "Jan Kowalski"]
    request = AuditEvent.objects.get(action="subject_erasure")
    assert request.changes == {"erased": [None, [first.reference, second.reference]],
                               "held": [None, [held.reference]], "reason": [None, "GDPR art. 17 request."]}
    assert Complaint.objects.filter(complainant_email="someone@example.com").count() == 1


def test_the_export_holds_the_complaints_and_what_the_complainant_was_shown(acme, alice):
    complaint = registered(acme)
    registered(acme, complainant_email="someone@example.com")
    exported = privacy.subject_export(actor=alice.actor, email="jan@example.com")
    [item] = exported["complaints"]
    assert (exported["email"], item["reference"], item["complainant_phone"], item["description"]) == (
        "jan@example.com", complaint.reference, "+48 600 100 200", "The room was not cleaned.")
    visible = ComplaintEvent.objects.filter(complaint=complaint, is_customer_visible=True).order_by("created_at", "id")
    assert [e["kind"] for e in item["timeline"]] == [e.kind for e in visible]
    assert json.loads(json.dumps(exported)) == exported
    assert AuditEvent.objects.get(action="subject_export").changes == {"complaints": [None, [complaint.reference]]}


def test_charlie_exports_nothing_of_acmes(acme, charlie):
    registered(acme)
    assert privacy.subject_export(actor=charlie.actor, email="jan@example.com")["complaints"] == []


# API ----------------------------------------------------------------------------------------------

def test_charlie_gets_nothing_of_acmes_through_the_api(acme, charlie):
    complaint = registered(acme)
    response = charlie.api().get(EXPORT, {"email": "jan@example.com"})
    assert (response.status_code, response.json()["complaints"]) == (200, [])
    response = post(charlie.api(), ERASURE, {"email": "jan@example.com", "reason": "Asked to."})
    assert (response.status_code, response.json()) == (200, {"erased": [], "held": []})
    response = post(charlie.api(), LEGAL_HOLD.format(complaint_id=complaint.pk), {"hold": True, "reason": "x"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert (fresh(complaint).legal_hold, fresh(complaint).anonymised_at) == (False, None)


def test_bob_can_export_but_not_erase_or_hold(acme, bob):
    complaint = registered(acme)
    response = bob.api().get(EXPORT, {"email": "jan@example.com"})
    assert [c["reference"] for c in response.json()["complaints"]] == [complaint.reference]
    for path, body in ((ERASURE, {"email": "jan@example.com", "reason": "x"}),
                       (LEGAL_HOLD.format(complaint_id=complaint.pk), {"hold": True, "reason": "x"})):
        response = post(bob.api(), path, body)
        assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)
    assert values(fresh(complaint)) == values(complaint)
    assert fresh(complaint).legal_hold is False


def test_carol_may_not_export(acme, carol):
    registered(acme)
    response = carol.api().get(EXPORT, {"email": "jan@example.com"})
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)


def test_alice_erases_through_the_api_and_held_complaints_are_listed(acme, alice):
    erased, held = registered(acme), registered(acme)
    assert post(alice.api(), LEGAL_HOLD.format(complaint_id=held.pk),
                {"hold": True, "reason": "Dispute open."}).status_code == 200
    response = post(alice.api(), ERASURE, {"email": "jan@example.com", "reason": "Asked to."})
    assert (response.status_code, response.json()) == (200, {"erased": [erased.reference], "held": [held.reference]})


@pytest.mark.parametrize(("path", "body", "field"), [
    (ERASURE, {"email": "jan@example.com", "reason": ""}, "reason"),
    (ERASURE, {"reason": "Asked to."}, "email"),
    (LEGAL_HOLD, {"hold": True, "reason": ""}, "reason"),
])
def test_bad_bodies_get_422_naming_the_field(acme, alice, path, body, field):
    complaint = registered(acme)
    response = post(alice.api(), path.format(complaint_id=complaint.pk), body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert [error["field"] for error in response.json()["detail"]] == [field]
    assert (fresh(complaint).legal_hold, fresh(complaint).anonymised_at) == (False, None)


def test_an_export_without_an_email_gets_422(alice):
    response = alice.api().get(EXPORT)
    assert (response.status_code, [e["field"] for e in response.json()["detail"]]) == (422, ["email"])


def test_anonymising_removes_the_e_mails_that_carried_the_personal_data(acme):
    from csm.complaints.models import Notification
    from csm.complaints.tests.factories import ComplaintFactory

    complaint = ComplaintFactory(organization=acme, complainant_email="ola@example.pl")
    assert Notification.objects.filter(complaint=complaint).exists()
    privacy.anonymise_complaint(complaint=complaint, reason="Retention period over.")
    assert not Notification.objects.filter(complaint=complaint).exists()
