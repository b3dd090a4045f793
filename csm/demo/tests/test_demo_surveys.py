"""The demo's surveys: two years of responses for both organisations by every channel, a linked
expectation survey, follow-ups, and rollups that fill the dashboard and the blueprint heatmap."""

import datetime as dt

import pytest
from django.core.management import call_command

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization
from csm.core import clock
from csm.surveys.dashboards import DashboardFilters, dashboard
from csm.surveys.models import FollowUp, Response, Survey
from csm.surveys.services import rollups

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


def test_both_organisations_have_two_years_of_survey_data_behind_their_dashboards():
    with clock.frozen(TODAY):
        call_command("seed-demo", "--reset", verbosity=0)
    assert rollups.rebuild_rollups().differences == 0  # the seeded rollups are the answers'
    for slug in ("demo-hotels", "demo-telecom"):
        org = Organization.objects.get(slug=slug)
        guests = Survey.objects.get(organization=org, purpose="post_service")
        responses = Response.objects.filter(survey=guests, status="complete")
        assert set(responses.values_list("channel", flat=True)) == {"link", "qr", "kiosk", "invitation", "paper"}
        first = min(responses.values_list("completed_at", flat=True))
        assert (TODAY - first).days > 700 and guests.versions.count() == 2
        assert Survey.objects.get(organization=org, purpose="pre_service").expectations_for == guests
        assert FollowUp.objects.filter(organization=org).exists()
        membership = Membership.objects.filter(organization=org, role="quality_manager").first()
        actor = Actor(user=membership.user, organization=org, membership=membership)
        figures = dashboard(actor=actor, survey=guests, filters=DashboardFilters()).figures
        assert figures.n == responses.count() and figures.degree is not None
        assert len(figures.heatmap.cells) >= 10 and sum(not cell.suppressed for cell in figures.heatmap.cells) >= 3
