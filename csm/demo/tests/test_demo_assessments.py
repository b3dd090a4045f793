"""The demo's assessments (csm.demo.assessments): for both organisations a self-assessment and, a year
later, an independent assessment that scores higher, a certificate the public page shows as valid,
unit reports for the benchmark, an assessment in progress, and issued reports whose snapshots are
what the scoring rules give for their answers.

These tests only read, so the module seeds once (with two months of complaints, as conftest.py does
for every demo test) and removes the demo afterwards: seeding takes seconds, and six seeds would
take minutes."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.accounts.roles import Role
from csm.assessments.comparison_selectors import latest_reports_by_unit
from csm.assessments.models import Assessment, Evidence, ImprovementItem, Mode, Report, Status
from csm.assessments.scoring import result_to_json, score_assessment
from csm.assessments.selectors import answer_records, protocol_of
from csm.assessments.snapshot import digest
from csm.complaints.models import Complaint
from csm.core import clock
from csm.demo import complaints
from csm.demo.assessments import PLANS
from csm.demo.services import remove_demo
from csm.surveys.models import Survey

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
SLUGS = ("demo-hotels", "demo-telecom")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch, clock.frozen(TODAY):
        patch.setattr(complaints, "MONTHS", 2)
        call_command("seed-demo", "--reset", verbosity=0)
    yield
    with django_db_blocker.unblock():
        remove_demo()


def organisation_reports(slug: str) -> list[Report]:
    return list(Report.objects.filter(organization__slug=slug, assessment__unit__isnull=True)
                .select_related("assessment__lead_assessor", "certificate").order_by("issued_at"))


def admin_of(slug: str) -> Actor:
    membership = Membership.objects.select_related("user", "organization").get(
        organization__slug=slug, role=Role.ORG_ADMIN)
    return Actor(user=membership.user, organization=membership.organization, membership=membership)


def test_each_organisation_went_from_a_self_assessment_to_a_better_independent_one_a_year_later(demo):
    for slug, body in zip(SLUGS, ("DNV (demo)", "集团内部审计组"), strict=True):
        first, second = organisation_reports(slug)
        assert (first.assessment.mode, second.assessment.mode) == (Mode.SELF, Mode.INDEPENDENT)
        assert 380 <= (TODAY - first.issued_at).days <= 410 and 25 <= (TODAY - second.issued_at).days <= 35
        assert first.assessment.standards == second.assessment.standards
        assert second.overall_index > first.overall_index
        assert (first.overall_level, second.overall_level) == (1, 2)
        assert {standard["level"] for standard in first.snapshot["standards"]} == {1}
        assert any(standard["claimed_level"] > standard["level"] for standard in first.snapshot["standards"])
        assert sorted(standard["level"] for standard in second.snapshot["standards"])[-2:] == [2, 3]
        assert second.snapshot["previous"]["number"] == first.number
        assert first.assessment.lead_assessor.email == f"quality@{slug}.example"
        assert second.assessment.lead_assessor.email == f"assessor@{slug}.example"
        assert second.assessment.assessing_body == body
    assert organisation_reports("demo-hotels")[1].assessment.standards == ["ISO10001", "ISO10002", "ISO10004"]
    assert organisation_reports("demo-telecom")[1].assessment.standards == ["ISO10002", "ISO10004"]


def test_the_independent_evidence_links_real_complaints_surveys_and_live_figures_in_the_org_s_language(demo):
    for slug in SLUGS:
        independent = organisation_reports(slug)[1].assessment
        evidence = Evidence.objects.filter(assessment=independent)
        complaints = set(evidence.filter(link_kind="complaint").values_list("link_ref", flat=True))
        surveys = {int(ref) for ref in evidence.filter(link_kind="survey").values_list("link_ref", flat=True)}
        assert complaints and complaints <= set(Complaint.objects.filter(
            organization__slug=slug).values_list("reference", flat=True))
        assert surveys and surveys <= set(Survey.objects.filter(organization__slug=slug).values_list("pk", flat=True))
        figures = evidence.filter(type="M")
        assert figures.count() >= 5 and not figures.filter(metric__isnull=True).exists()
        texts = PLANS[slug].texts
        words = {*texts.documents, *texts.records, *texts.interviews, *texts.observations, texts.complaint,
                 texts.survey}
        assert set(evidence.exclude(type="M").values_list("note", flat=True)) <= words


def test_the_independent_certificate_verifies_publicly_as_valid_and_the_old_one_as_expired(demo):
    visitor = Client()
    for slug in SLUGS:
        old, new = organisation_reports(slug)
        with clock.frozen(TODAY):
            valid = visitor.get(reverse("assessments_public:verify", kwargs={"code": new.certificate.code}))
            expired = visitor.get(reverse("assessments_public:verify", kwargs={"code": old.certificate.code}))
        assert (valid.status_code, valid.context["status"]) == (200, "valid")
        assert new.number in valid.content.decode() and new.certificate.code in valid.content.decode()
        assert (expired.status_code, expired.context["status"]) == (200, "expired")


def test_there_is_an_assessment_in_progress_and_unit_reports_for_the_benchmark(demo):
    for slug in SLUGS:
        progress = Assessment.objects.get(organization__slug=slug, status=Status.IN_PROGRESS)
        assert progress.standards == ["ISO10003"] and progress.answers.count() == 8  # of 25
        assert 0 < (TODAY.date() - progress.starts_on).days <= 7
        units = latest_reports_by_unit(actor=admin_of(slug))
        assert sorted(report.overall_level for report in units) == [1, 2]
        items = ImprovementItem.objects.filter(report=organisation_reports(slug)[0])
        assert items.filter(status="done").count() > items.count() / 2


def test_every_issued_report_is_what_the_scoring_gives_for_its_answers(demo):
    reports = Report.objects.select_related("assessment")
    assert reports.count() == 8
    for report in reports:
        assessment = report.assessment
        expected = result_to_json(score_assessment(protocol_of(assessment), assessment.standards,
                                                   [r.as_input() for r in answer_records(assessment)]))
        snapshot = report.snapshot
        assert snapshot["overall"] == expected["overall"]
        assert [{key: s[key] for key in expected["standards"][0]} for s in snapshot["standards"]] == \
            expected["standards"]
        assert report.digest == digest(snapshot)


def test_the_assessment_pages_open_on_the_demo_data(demo):
    for slug in SLUGS:
        client = Client()
        client.force_login(admin_of(slug).user)
        report = organisation_reports(slug)[1]
        progress = Assessment.objects.get(organization__slug=slug, status=Status.IN_PROGRESS)
        org = {"org_slug": slug}
        pages = [reverse(f"assessments:{name}", kwargs=org)
                 for name in ("list", "progress", "benchmark", "gap", "improvements")]
        pages += [reverse("assessments:report", kwargs={**org, "report_id": report.pk}),
                  reverse("assessments:detail", kwargs={**org, "pk": progress.pk})]
        with clock.frozen(TODAY):
            assert [client.get(page).status_code for page in pages] == [200] * len(pages)
