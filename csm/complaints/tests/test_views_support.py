"""Fixtures and helpers the handler-page tests share (no tests of its own).

Time is frozen on Monday 2 March 2026, 10:00 in Warsaw (09:00 UTC); acme's office calendar works
Mon-Fri 09:00-12:00 and 13:00-17:00 (Europe/Warsaw)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from csm.accounts.models import Membership, User
from csm.accounts.roles import Role
from csm.complaints import config_services, services
from csm.complaints.models import Complaint, SlaPolicy
from csm.core import clock
from csm.core.tests.factories import office_calendar

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
INTAKE = {"channel": "phone", "complainant_name": "Jan Kowalski", "complainant_phone": "+48 600 100 200",
          "description": "The room was not cleaned."}


def url(name: str, org: str = "acme", **kwargs) -> str:
    return reverse(f"complaints:{name}", kwargs={"org_slug": org, **kwargs})


def action_url(complaint: Complaint, action: str) -> str:
    return url("action", pk=complaint.pk, action=action)


def register(persona, *, received_at: dt.datetime | None = None, **data) -> Complaint:
    """A complaint registered by `persona` through the service (no e-mail: it stays "received")."""
    registered = services.register_complaint(organization=persona.organization, actor=persona.actor,
                                             data={**INTAKE, **data}, received_at=received_at, scope="tests")
    return Complaint.objects.get(pk=registered.complaint.pk)


def reload(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def frozen():
    with clock.frozen(T0):
        yield T0


@pytest.fixture
def policy(acme, alice) -> SlaPolicy:
    calendar = office_calendar(acme, name="Office", is_default=True)
    return config_services.create_sla_policy(actor=alice.actor, name="Standard", calendar=calendar,
                                             acknowledge_target="1wd", assess_target="16h",
                                             respond_target="10wd", resolve_target="15d")


@pytest.fixture
def viewer(acme):
    user = User.objects.create_user("victor@acme.test", "correct horse battery", full_name="Victor")
    Membership.objects.create(organization=acme, user=user, role=Role.VIEWER)
    return user

