"""The public check of a certificate code at /verify/: no login, the four statuses, an unknown code,
the per-IP rate limit, and nothing of another organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from csm.assessments.models import Certificate
from csm.assessments.report_selectors import certificate_by_code, normalize_code
from csm.assessments.tests.report_fixtures import CODE, issue_report
from csm.core import clock

pytestmark = pytest.mark.django_db

BEFORE_EXPIRY = dt.datetime(2026, 4, 14, 21, 59, tzinfo=dt.UTC)  # 23:59 on 14 April in Warsaw
AFTER_EXPIRY = dt.datetime(2026, 4, 14, 22, 0, tzinfo=dt.UTC)  # midnight: 15 April in Warsaw


def check(code: str = CODE, *, at: dt.datetime = BEFORE_EXPIRY, client: Client | None = None, **extra):
    with clock.frozen(at):
        return (client or Client()).get(f"/verify/{code}/", **extra)


def test_a_valid_certificate_shows_what_it_confirms_without_login(alice):
    issue_report(alice)
    response = check()
    assert response.status_code == 200 and response.context["status"] == "valid"
    assert [(s.number, s.level, s.level_label) for s in response.context["standards"]] == [
        ("ISO 10002", 1, "Level 1"), ("ISO 10004", 3, "Level 3")]
    html = response.content.decode()
    for text in ["Acme Hotels", "ACME-2025-07", "April 15, 2025", "April 14, 2026", CODE,
                 "This confirmation is valid until April 14, 2026.", "The whole organisation"]:
        assert text in html, text


def test_it_shows_the_unit_assessed(alice):
    issue_report(alice, unit_name="Hotel Wawel")
    assert check().context["unit"] == "Hotel Wawel"


def test_the_day_after_valid_until_in_the_organisations_timezone_it_has_expired(alice):
    issue_report(alice)
    assert check(at=BEFORE_EXPIRY).context["status"] == "valid"
    response = check(at=AFTER_EXPIRY)
    assert response.status_code == 200 and response.context["status"] == "expired"
    assert "This confirmation expired after April 14, 2026." in response.content.decode()


def test_a_revoked_certificate_says_when_and_why(alice):
    issue_report(alice)
    Certificate.objects.filter(code=CODE).update(revoked_at=dt.datetime(2025, 9, 1, 8, 0, tzinfo=dt.UTC),
                                                 revoked_reason="Evidence on C3 was not genuine.")
    response = check(at=AFTER_EXPIRY)  # revoked wins over expired
    assert response.context["status"] == "revoked"
    html = response.content.decode()
    assert "This confirmation was revoked on Sept. 1, 2025." in html
    assert "Evidence on C3 was not genuine." in html


def test_a_superseded_certificate_names_the_newer_report(alice):
    old = issue_report(alice)
    issue_report(alice, number="ACME-2025-08", code="N3WR-3V1S-10N0", supersedes=old)
    response = check()
    assert response.context["status"] == "superseded"
    assert "it is superseded by report ACME-2025-08." in response.content.decode()
    assert check("N3WR-3V1S-10N0").context["status"] == "valid"


@pytest.mark.parametrize("typed", ["k7qp-4m2x-9tda", "K7QP4M2X9TDA", "k7qp 4m2x 9tda", " K7QP–4M2X–9TDA "])
def test_the_code_may_be_typed_in_any_case_with_or_without_dashes(alice, typed):
    issue_report(alice)
    assert certificate_by_code(typed).code == CODE
    assert normalize_code(typed) == "K7QP4M2X9TDA"


def test_the_form_sends_the_typed_code_to_its_page(alice):
    issue_report(alice)
    response = Client().get("/verify/", {"code": " k7qp-4m2x 9tda "})
    assert response.status_code == 302 and response["Location"] == "/verify/K7QP4M2X9TDA/"
    assert check("K7QP4M2X9TDA").context["certificate"].code == CODE


def test_the_form_asks_again_for_an_empty_code(db):
    assert Client().get("/verify/").status_code == 200
    response = Client().get("/verify/", {"code": " - "})
    assert response.status_code == 200 and "Type the code printed on the certificate." in response.content.decode()


def test_an_unknown_code_is_404_saying_so(alice):
    issue_report(alice)
    response = check("ZZZZ-0000-0000")
    assert response.status_code == 404
    assert "The code ZZZZ-0000-0000 is not known" in response.content.decode()
    assert check("K7QP" * 50).status_code == 404  # longer than any code: not even looked up


def test_lookups_past_the_limit_are_refused_per_ip(alice, settings):
    settings.CSM_VERIFY_PER_IP_HOUR = 2
    issue_report(alice)
    assert [check(REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)] == [200, 200, 429]
    refused = check(REMOTE_ADDR="203.0.113.7")
    assert "Too many codes were checked from this connection." in refused.content.decode()
    assert "Acme Hotels" not in refused.content.decode()
    assert check("ZZZZ", REMOTE_ADDR="203.0.113.7").status_code == 429  # unknown codes count and are refused too
    assert check(REMOTE_ADDR="198.51.100.1").status_code == 200


def test_the_page_is_in_the_visitors_language(alice):
    issue_report(alice)
    response = check(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "2026年4月14日" in response.content.decode()


def test_nothing_of_another_organisation_or_of_the_report_leaks(alice, charlie):
    issue_report(alice)
    issue_report(charlie, number="GLX-2025-01", code="GLX1-AAAA-BBBB")
    theirs = check("GLX1-AAAA-BBBB").content.decode()
    assert "Globex Telecom" in theirs and "GLX-2025-01" in theirs
    assert "Acme" not in theirs and "ACME-" not in theirs and CODE not in theirs
    ours = check().content.decode()
    assert "Globex" not in ours and "GLX" not in ours
    # What the certificate states, not the report behind it: no answers, notes or people.
    for private in ["Policy signed on 3 March.", "Is every complaint recorded", "Łucja Żak", "Nordic Assurance"]:
        assert private not in ours
