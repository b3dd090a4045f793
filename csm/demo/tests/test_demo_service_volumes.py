"""The demo's monthly service volumes (csm.demo.complaints.seed_service_volumes): one per whole month
the demo complaints cover, at a plausible complaint rate, so the analytics page shows the complaint
rate p-chart out of the box. The demo tests seed two months of complaints (conftest.py)."""

import datetime as dt

import pytest
from django.core.management import call_command

from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.accounts.roles import Role
from csm.complaints import analytics
from csm.complaints.models import Complaint, ServiceVolume
from csm.core import clock

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)
OCTOBER = dt.date(2026, 10, 1)


def seed() -> None:
    with clock.frozen(TODAY):
        call_command("seed-demo", "--reset", verbosity=0)


def test_each_demo_organisation_gets_a_volume_for_each_whole_month():
    seed()
    rows = ServiceVolume.objects.order_by("organization__slug", "month")
    assert list(rows.values_list("organization__slug", "month", "unit")) == [
        ("demo-hotels", OCTOBER, None), ("demo-telecom", OCTOBER, None)]


def test_the_complaint_rate_is_plausible():
    seed()
    for row in ServiceVolume.objects.all():
        complaints = Complaint.objects.filter(organization=row.organization, received_at__date__gte=OCTOBER,
                                              received_at__date__lt=dt.date(2026, 11, 1)).count()
        assert 0.002 < complaints / row.volume < 0.008


def test_the_analytics_page_charts_the_complaint_rate_for_the_demo():
    seed()
    membership = Membership.objects.select_related("user", "organization").get(
        organization__slug="demo-hotels", role=Role.ORG_ADMIN)
    actor = Actor(user=membership.user, organization=membership.organization, membership=membership)
    with clock.frozen(TODAY):
        result = analytics.complaint_analytics(actor=actor, period_start=dt.date(2026, 9, 1),
                                               period_end=dt.date(2026, 11, 15))
    assert result.rate_chart.kind == analytics.RATE
    assert [p.label for p in result.rate_chart.chart.points] == ["2026-10"]
