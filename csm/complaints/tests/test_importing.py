"""Importing past complaints from CSV/XLSX: all rows or none, with a per-row report.

Time is frozen on Monday 2 March 2026, 10:00 in Warsaw (acme's timezone)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints import importing, services
from csm.complaints.models import Complaint, ComplaintEvent, Notification
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.factories import ComplaintCategoryFactory
from csm.complaints.tests.test_views_support import url
from csm.core.errors import InvalidInput, PermissionDenied
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

frozen, policy, viewer = support.frozen, support.policy, support.viewer
WARSAW = ZoneInfo("Europe/Warsaw")
HEADER = "Reference;Received_At;Channel;Complainant_Name;complainant_email;service;touch_point;category;" \
         "priority;description"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode()


def run(persona, content: bytes, filename: str = "past.csv") -> importing.ImportReport:
    return importing.import_complaints(actor=persona.actor, content=content, filename=filename)


@pytest.fixture
def catalogue(acme):
    service = ServiceFactory(organization=acme, name="Rooms")
    return {"service": service, "point": TouchPointFactory(service=service, name="Front desk", code="FD"),
            "category": ComplaintCategoryFactory(organization=acme, name="Cleanliness")}


def test_a_good_csv_imports_exactly_its_rows_without_any_mail(alice, catalogue, policy, frozen):
    report = run(alice, csv_bytes(
        "OLD-1;2025-11-03 14:30;Phone;Jan Kowalski;jan@example.com;Rooms;FD;Cleanliness;High;Dirty room",
        ";2026-01-05T08:00:00+00:00;letter;Anna Nowak;;;;;;=1+1 verbatim"))
    assert report.ok
    first, second = Complaint.objects.order_by("id")
    assert report.references == ("OLD-1", f"C-2026-{second.pk:06d}")
    assert (first.reference, second.reference) == report.references
    assert (first.reference, first.received_at, first.channel, first.complainant_name) == (
        "OLD-1", dt.datetime(2025, 11, 3, 14, 30, tzinfo=WARSAW), "phone", "Jan Kowalski")
    assert (first.complainant_email, first.service, first.touch_point, first.category, first.priority) == (
        "jan@example.com", catalogue["service"], catalogue["point"], catalogue["category"], "high")
    assert (first.status, first.language, first.description) == ("received", "pl", "Dirty room")
    assert (second.received_at, second.channel, second.description) == (
        dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC), "letter", "=1+1 verbatim")
    assert Notification.objects.count() == 0
    assert list(first.events.values_list("kind", "created_at")) == [("received", first.received_at)]


def test_imported_deadlines_equal_those_the_services_compute(alice, catalogue, policy, frozen):
    run(alice, csv_bytes("X;2026-02-20 09:00;web;Jan;;;;Cleanliness;;Dirty"))
    complaint = Complaint.objects.get()
    imported = [getattr(complaint, f) for f in ("acknowledge_due_at", "resolve_due_at", "next_due_at",
                                                "sla_check_at", "sla_policy_id")]
    services.refresh_deadlines(complaint)
    assert imported == [getattr(complaint, f) for f in ("acknowledge_due_at", "resolve_due_at", "next_due_at",
                                                        "sla_check_at", "sla_policy_id")]
    assert imported[0] is not None and imported[4] == policy.pk


def test_a_good_xlsx_imports_exactly_its_rows(alice, frozen):
    book = Workbook()
    sheet = book.active
    sheet.append(["received_at", "channel", "complainant_name", "complainant_phone", "description", "status",
                  "closed_at", "closure_reason"])
    sheet.append([dt.datetime(2025, 6, 1, 12, 0), "E-mail", "Li Wei", 48600100200, "Late delivery", "", None, None])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append(["2025-07-01 10:00", "chat", "Bo", None, "Rude agent", "Closed", dt.datetime(2025, 7, 2, 9), "Apology"])
    out = io.BytesIO()
    book.save(out)
    report = run(alice, out.getvalue(), "past.XLSX")
    assert report.ok and len(report.references) == 2
    rows = list(Complaint.objects.order_by("id").values_list("received_at", "channel", "complainant_phone", "status",
                                                             "closed_at", "closure_reason"))
    assert rows == [(dt.datetime(2025, 6, 1, 12, tzinfo=WARSAW), "email", "48600100200", "received", None, ""),
                    (dt.datetime(2025, 7, 1, 10, tzinfo=WARSAW), "chat", "", "closed",
                     dt.datetime(2025, 7, 2, 9, tzinfo=WARSAW), "Apology")]


def test_one_bad_row_among_good_ones_imports_nothing_and_names_row_and_column(alice, catalogue, frozen):
    report = run(alice, csv_bytes(
        "A;2025-11-03 14:30;phone;Jan;;;;;;Fine",
        "B;2025-11-03 14:30;pigeon;Jan;not-an-email;Rooms;;;;Fine",
        "C;2027-01-01 00:00;phone;;;;;;;Fine",
        "A;yesterday;phone;Jan;;;;;;"))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "channel"), (3, "complainant_email"), (4, "complainant_name"), (4, "received_at"),
        (5, "description"), (5, "received_at"), (5, "reference")]
    assert report.errors[3].message == "This moment is in the future."
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_another_organisations_service_or_a_used_reference_is_a_row_error(alice, globex, frozen):
    ServiceFactory(organization=globex, name="Globex rooms")
    support.register(alice)
    taken = Complaint.objects.get().reference
    report = run(alice, csv_bytes(f"{taken};2025-11-03 14:30;phone;Jan;;Globex rooms;;;;Fine"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "reference"), (2, "service")]
    assert Complaint.objects.count() == 1


def test_a_closed_historical_complaint_imports_closed_and_notifies_no_one(alice, policy, frozen):
    header = "received_at,channel,complainant_name,complainant_email,description,status,closed_at,closure_reason"
    report = run(alice, csv_bytes("2025-10-01 09:00,email,Jan,jan@example.com,Late,closed,2025-10-10 16:00,Refunded",
                                  header=header))
    assert report.ok
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.closed_at, complaint.closure_reason, complaint.sla_check_at) == (
        "closed", dt.datetime(2025, 10, 10, 16, tzinfo=WARSAW), "Refunded", None)
    assert list(complaint.events.values_list("kind", flat=True)) == ["received", "status_changed", "closed"]
    assert Notification.objects.count() == 0
    audit = AuditEvent.objects.get(action="imported")
    assert (audit.organization_id, audit.actor, audit.changes["count"]) == (alice.organization.pk, alice.user, [None, 1])


def test_a_closed_row_needs_its_closure_and_a_received_row_has_none(alice, frozen):
    header = "received_at,channel,complainant_name,description,status,closed_at,closure_reason"
    report = run(alice, csv_bytes("2025-10-01 09:00,web,Jan,Late,closed,2025-09-01 09:00,",
                                  "2025-10-01 09:00,web,Jan,Late,,,Because", header=header))
    assert [(e.row, e.column) for e in report.errors] == [(2, "closure_reason"), (2, "closed_at"),
                                                          (3, "closure_reason")]
    assert Complaint.objects.count() == 0


def test_more_than_ten_thousand_rows_is_refused(alice, frozen):
    rows = ["2025-10-01 09:00;web;Jan;Late"] * (importing.MAX_ROWS + 1)
    with pytest.raises(InvalidInput) as caught:
        run(alice, csv_bytes(*rows, header="received_at;channel;complainant_name;description"))
    assert caught.value.detail == [{"field": "file", "message": "The file has more than 10000 rows; split it."}]
    assert Complaint.objects.count() == 0


def test_unknown_and_missing_columns_are_refused(alice, frozen):
    with pytest.raises(InvalidInput) as caught:
        run(alice, csv_bytes("x,y", header="received_at,colour"))
    assert caught.value.detail == [
        {"field": "file", "message": "Unknown columns: colour."},
        {"field": "file", "message": "Missing columns: channel, complainant_name, description."}]


def test_an_inspector_may_not_import(carol, frozen):
    with pytest.raises(PermissionDenied):
        run(carol, csv_bytes("A;2025-11-03 14:30;phone;Jan;;;;;;Fine"))


# The page ---------------------------------------------------------------------------------------

def upload(content: bytes, name: str = "past.csv") -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def test_alice_opens_the_page_and_downloads_the_template(alice, frozen):
    client = alice.browser()
    page = client.get(url("import"))
    assert page.status_code == 200
    assert "<code>closure_reason</code>" in page.content.decode()
    template = client.get(url("import") + "?download=template")
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template.content.decode().splitlines()[0] == ",".join(importing.COLUMNS)


def test_the_page_imports_a_good_file_and_shows_the_summary(alice, frozen):
    response = alice.browser().post(url("import"), upload(csv_bytes("A;2025-11-03 14:30;phone;Jan;;;;;;Fine")))
    assert response.status_code == 200
    assert "1 complaint was imported." in response.content.decode()
    assert list(Complaint.objects.values_list("reference", flat=True)) == ["A"]


def test_the_page_lists_the_problems_and_imports_nothing(alice, frozen):
    response = alice.browser().post(url("import"), upload(csv_bytes("A;2025-11-03 14:30;pigeon;Jan;;;;;;Fine")))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert '<td class="numeric">2</td><td><code>channel</code></td>' in page
    assert Complaint.objects.count() == 0


def test_charlie_gets_404_on_acmes_import_page(charlie, frozen):
    client = charlie.browser()
    assert client.get(url("import")).status_code == 404
    assert client.post(url("import"), upload(csv_bytes("A;2025-11-03 14:30;phone;Jan;;;;;;Fine"))).status_code == 404
    assert Complaint.objects.count() == 0


def test_a_viewer_gets_403_on_post(viewer, frozen):
    client = Client()
    client.force_login(viewer)
    assert client.post(url("import"), upload(csv_bytes("A;2025-11-03 14:30;phone;Jan;;;;;;Fine"))).status_code == 403
    assert Complaint.objects.count() == 0
