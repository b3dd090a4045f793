"""Reads of complaint configuration: the most specific SLA policy, the settings, and isolation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.complaints import config_selectors as selectors
from csm.complaints.models import ComplaintCategory, ComplaintSettings, Remedy, SlaPolicy
from csm.core.errors import NotFound, PermissionDenied
from csm.core.tests.factories import BusinessCalendarFactory

pytestmark = pytest.mark.django_db


def _policy(org, calendar, name, category=None, priority="", **extra) -> SlaPolicy:
    return SlaPolicy.objects.create(organization=org, calendar=calendar, name=name, category=category,
                                    priority=priority, **extra)


@pytest.fixture
def ladder(acme):
    """One policy at each level of specificity, for "billing" and "urgent"."""
    calendar = BusinessCalendarFactory(organization=acme)
    billing = ComplaintCategory.objects.create(organization=acme, name="Billing")
    staff = ComplaintCategory.objects.create(organization=acme, name="Staff")
    _policy(acme, calendar, "any")
    _policy(acme, calendar, "urgent", priority="urgent")
    _policy(acme, calendar, "billing", category=billing)
    _policy(acme, calendar, "billing urgent", category=billing, priority="urgent")
    return {"billing": billing.pk, "staff": staff.pk, None: None}


@pytest.mark.parametrize(("category", "priority", "expected"), [
    ("billing", "urgent", "billing urgent"),   # category + priority
    ("billing", "low", "billing"),             # category, any priority
    ("billing", "", "billing"),
    ("staff", "urgent", "urgent"),             # priority, any category
    (None, "urgent", "urgent"),
    ("staff", "normal", "any"),                # nothing more specific
    (None, "", "any"),
])
def test_policy_for_picks_the_most_specific_active_match(ladder, acme, category, priority, expected):
    policy = selectors.policy_for(organization_id=acme.pk, category_id=ladder[category], priority=priority)
    assert policy is not None
    assert policy.name == expected


def test_policy_for_skips_inactive_policies(ladder, acme):
    SlaPolicy.objects.filter(name__in=["billing urgent", "billing"]).update(is_active=False)
    policy = selectors.policy_for(organization_id=acme.pk, category_id=ladder["billing"], priority="urgent")
    assert policy is not None
    assert policy.name == "urgent"


def test_policy_for_is_none_without_a_match(acme):
    calendar = BusinessCalendarFactory(organization=acme)
    _policy(acme, calendar, "urgent only", priority="urgent")
    assert selectors.policy_for(organization_id=acme.pk, category_id=None, priority="low") is None


def test_policy_for_takes_the_oldest_of_equally_specific_policies(acme):
    calendar = BusinessCalendarFactory(organization=acme)
    first = _policy(acme, calendar, "Zulu")
    _policy(acme, calendar, "Alpha")
    assert selectors.policy_for(organization_id=acme.pk, category_id=None, priority="") == first


def test_policy_for_never_returns_another_organisations_policy(acme, globex):
    _policy(globex, BusinessCalendarFactory(organization=globex), "globex any")
    assert selectors.policy_for(organization_id=acme.pk, category_id=None, priority="") is None


def test_policy_for_loads_the_calendar_with_the_policy(ladder, acme, django_assert_num_queries):
    with django_assert_num_queries(1):
        policy = selectors.policy_for(organization_id=acme.pk, category_id=ladder["billing"], priority="")
        assert policy is not None
        assert policy.calendar.organization_id == acme.pk


def test_get_settings_creates_the_defaults_once(acme):
    settings = selectors.get_settings(organization_id=acme.pk)
    assert settings.pause_statuses == ["awaiting_customer"]
    assert (settings.retention_days, settings.reopen_window_days, settings.duplicate_window_days,
            settings.reminder_before_percent, settings.public_intake_enabled, settings.external_recourse,
            settings.max_attachment_mb) == (1095, 30, 30, 25, True, "", 10)
    assert selectors.get_settings(organization_id=acme.pk).pk == settings.pk
    assert ComplaintSettings.objects.count() == 1


def test_settings_for_is_the_actors_organisations(alice, charlie):
    assert selectors.settings_for(actor=charlie.actor).organization_id == charlie.organization.pk
    assert selectors.settings_for(actor=alice.actor).organization_id == alice.organization.pk


def test_access_of_another_organisations_row_is_not_found(alice, charlie):
    remedy = Remedy.objects.create(organization=charlie.organization, name="Refund")
    category = ComplaintCategory.objects.create(organization=charlie.organization, name="Billing")
    with pytest.raises(NotFound):
        selectors.access_remedy(actor=alice.actor, remedy_id=remedy.pk)
    with pytest.raises(NotFound):
        selectors.access_category(actor=alice.actor, category_id=category.pk)
    with pytest.raises(NotFound):
        selectors.access_category(actor=alice.actor, category_id="nope")  # type: ignore[arg-type]
    assert list(selectors.list_categories(actor=alice.actor)) == []
    assert selectors.access_category(actor=charlie.actor, category_id=category.pk) == category


def test_a_member_without_complaints_view_reads_nothing(acme, alice, monkeypatch):
    monkeypatch.setattr(type(alice.actor), "can", lambda self, permission: False)
    with pytest.raises(PermissionDenied):
        selectors.list_sla_policies(actor=alice.actor)


# The public intake's gate ---------------------------------------------------------------------------

def test_the_intake_gate_finds_an_organisation_without_a_settings_row(acme):
    assert not ComplaintSettings.objects.exists()
    found = selectors.intake_organization(slug="acme")
    assert (found.pk, found.slug, found.timezone, found.default_language) == (acme.pk, "acme", "Europe/Warsaw", "pl")
    assert found.country == "PL"  # a field the gate did not read loads on access, it is not a blank default


def test_the_intake_gate_is_closed_when_the_public_form_is_off_or_the_slug_unknown(acme, globex):
    ComplaintSettings.objects.create(organization=acme, public_intake_enabled=False)
    ComplaintSettings.objects.create(organization=globex, public_intake_enabled=True)
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="acme")
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="nobody")
    assert selectors.intake_organization(slug="globex").pk == globex.pk


def test_the_intake_gate_is_remembered_for_a_few_seconds_either_way(acme, monkeypatch):
    clock_now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock_now[0])
    selectors.forget_intake_gates()
    assert selectors.intake_organization(slug="acme").pk == acme.pk
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="nobody")
    # Another process switches the form off: this one keeps its answers until they expire.
    ComplaintSettings.objects.bulk_create([ComplaintSettings(organization=acme, public_intake_enabled=False)])
    with CaptureQueriesContext(connection) as queries:
        assert selectors.intake_organization(slug="acme").pk == acme.pk
        with pytest.raises(NotFound):
            selectors.intake_organization(slug="nobody")
    assert queries.captured_queries == []
    clock_now[0] += selectors.GATE_SECONDS
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="acme")


def test_saving_settings_or_an_organisation_in_this_process_forgets_the_gate_at_once(acme):
    assert selectors.intake_organization(slug="acme").pk == acme.pk
    settings = ComplaintSettings.objects.create(organization=acme, public_intake_enabled=False)
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="acme")
    settings.public_intake_enabled = True
    settings.save()
    assert selectors.intake_organization(slug="acme").pk == acme.pk
    acme.slug = "acme-renamed"
    acme.save()
    with pytest.raises(NotFound):
        selectors.intake_organization(slug="acme")
    assert selectors.intake_organization(slug="acme-renamed").pk == acme.pk


def test_the_intake_gate_remembers_a_bounded_number_of_slugs(acme, monkeypatch):
    monkeypatch.setattr(selectors, "_GATE_MAX", 3)
    selectors.forget_intake_gates()
    for n in range(10):
        with pytest.raises(NotFound):
            selectors.intake_organization(slug=f"made-up-{n}")
        assert len(selectors._gates) <= 3
