"""The complaint configuration pages: who may open them, what they show, what their forms save."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from csm.complaints import config_services as services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    ComplaintCategory,
    EscalationTier,
    JurisdictionPreset,
    Remedy,
    SlaPolicy,
)
from csm.complaints.tests.test_config_urls import ITEM_PAGES, PAGES, URLCONF
from csm.core.models import AuditEvent
from csm.core.tests.factories import BusinessCalendarFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

POST_ONLY = {"config_escalation_standard", "config_presets_load"}
READABLE = {"config_home", "config_categories", "config_remedies", "config_sla_policies",
            "config_escalation_tiers", "config_presets", "config_data_subjects"}  # bob: personal data, no erasure


def url(name: str, **kwargs) -> str:
    return reverse(f"complaints:{name}", kwargs={"org_slug": "acme", **kwargs})


@pytest.fixture
def calendar(acme):
    return BusinessCalendarFactory(organization=acme, name="Office", is_default=True)


@pytest.fixture
def rows(alice, calendar):
    """One object of each kind at acme, by the URL-name stem of its pages."""
    actor = alice.actor
    category = services.create_category(actor=actor, name="Billing", code="BIL")
    return {
        "category": category,
        "remedy": services.create_remedy(actor=actor, name="Refund", default_cost=Decimal("20.00")),
        "sla_policy": services.create_sla_policy(actor=actor, name="Standard", calendar=calendar),
        "escalation_tier": services.create_escalation_tier(actor=actor, level=1, name="Front desk",
                                                           owner_role="complaint_handler"),
        "preset": services.create_preset(actor=actor, code="x", name="Regime X", acknowledge_target="1wd",
                                         respond_target="10wd", resolve_target="20wd"),
    }


def item_url(name: str, rows) -> str:
    stem = name.removeprefix("config_").rsplit("_", 1)[0]
    return url(name, pk=rows[stem].pk)


# Access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(set(PAGES) - POST_ONLY))
def test_alice_opens_every_page(alice, rows, name):
    assert alice.browser().get(url(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(ITEM_PAGES))
def test_alice_opens_every_item_page(alice, rows, name):
    assert alice.browser().get(item_url(name, rows)).status_code == 200


@pytest.mark.parametrize("name", sorted(READABLE))
def test_bob_reads_the_lists_without_edit_buttons(bob, rows, name):
    response = bob.browser().get(url(name))
    assert response.status_code == 200
    assert b"/edit/" not in response.content


@pytest.mark.parametrize("name", sorted(set(PAGES) - READABLE))
def test_bob_gets_403_on_every_form(bob, rows, name):
    client = bob.browser()
    assert client.post(url(name)).status_code == 403
    if name not in POST_ONLY:
        assert client.get(url(name)).status_code == 403


@pytest.mark.parametrize("name", sorted(ITEM_PAGES))
def test_bob_gets_403_on_every_item_page_and_nothing_changes(bob, rows, name):
    before = AuditEvent.objects.count()
    assert bob.browser().post(item_url(name, rows), {"name": "Renamed"}).status_code == 403
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", sorted(set(PAGES) - POST_ONLY))
def test_charlie_gets_404_on_acme_pages(charlie, name):
    assert charlie.browser().get(url(name)).status_code == 404


@pytest.mark.parametrize("name", sorted(ITEM_PAGES))
def test_an_id_of_another_organisation_is_404(alice, charlie, name):
    theirs = {
        "category": services.create_category(actor=charlie.actor, name="Theirs"),
        "remedy": services.create_remedy(actor=charlie.actor, name="Theirs"),
        "sla_policy": services.create_sla_policy(actor=charlie.actor, name="Theirs",
                                                 calendar=BusinessCalendarFactory(organization=charlie.organization)),
        "escalation_tier": services.create_escalation_tier(actor=charlie.actor, level=1, name="Theirs",
                                                           owner_role="org_admin"),
        "preset": services.create_preset(actor=charlie.actor, code="t", name="Theirs", acknowledge_target="1wd",
                                         respond_target="1wd", resolve_target="1wd"),
    }
    before = AuditEvent.objects.count()
    assert alice.browser().post(item_url(name, theirs), {"name": "Mine"}).status_code == 404
    assert AuditEvent.objects.count() == before


def test_signed_out_visitors_go_to_sign_in(acme):
    from django.test import Client

    response = Client().get(url("config_home"))
    assert response.status_code == 302
    assert "next=" in response["Location"]


# The hub ----------------------------------------------------------------------------------------

def test_the_hub_links_every_section_and_shows_the_settings(alice, rows):
    content = alice.browser().get(url("config_home")).content.decode()
    for name in ("config_categories", "config_remedies", "config_sla_policies", "config_escalation_tiers",
                 "config_presets", "config_settings"):
        assert f'href="{url(name)}"' in content
    assert "Awaiting customer" in content


# Forms ------------------------------------------------------------------------------------------

def test_a_category_is_created_from_its_form(alice, acme):
    response = alice.browser().post(url("config_category_create"), {"name": "Staff", "code": "STF",
                                                                   "is_active": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("config_categories")
    assert ComplaintCategory.objects.filter(organization=acme).values_list("name", "code", "is_active").get() == (
        "Staff", "STF", True)


def test_a_duplicate_name_is_shown_on_the_form_and_nothing_is_saved(alice, rows):
    before = AuditEvent.objects.count()
    response = alice.browser().post(url("config_category_create"), {"name": "Billing"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This value is already in use."]}
    assert AuditEvent.objects.count() == before


def test_an_sla_policy_form_shows_a_bad_target_next_to_its_field(alice, rows, calendar):
    body = {"name": "Fast", "calendar": calendar.pk, "priority": "", "acknowledge_target": "0wd",
            "assess_target": "1wd", "respond_target": "2wd", "resolve_target": "3wd", "is_active": "on"}
    client = alice.browser()
    response = client.post(url("config_sla_policy_create"), body)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["acknowledge_target"]
    assert not SlaPolicy.objects.filter(name="Fast").exists()
    response = client.post(url("config_sla_policy_create"), {**body, "acknowledge_target": "4H"})
    assert response.status_code == 302
    assert SlaPolicy.objects.get(name="Fast").acknowledge_target == "4h"


def test_the_sla_policy_form_offers_only_the_organisations_calendars_and_categories(alice, charlie, rows):
    BusinessCalendarFactory(organization=charlie.organization, name="Globex hours")
    services.create_category(actor=charlie.actor, name="Globex only")
    form = alice.browser().get(url("config_sla_policy_create")).context["form"]
    assert [c.name for c in form.fields["calendar"].queryset] == ["Office"]
    assert [c.name for c in form.fields["category"].queryset] == ["Billing"]
    assert form.initial["calendar"] == rows["sla_policy"].calendar


def test_editing_a_remedy_saves_only_the_change_and_shows_its_history(alice, rows):
    remedy = rows["remedy"]
    client = alice.browser()
    page = client.get(url("config_remedy_edit", pk=remedy.pk))
    assert page.context["form"].initial["name"] == "Refund"
    assert "History" in page.content.decode()
    body = {"name": "Refund", "description": "", "default_cost": "25.00", "approval_limit": "0", "is_active": "on"}
    assert client.post(url("config_remedy_edit", pk=remedy.pk), body).status_code == 302
    event = AuditEvent.objects.filter(object_type="complaints.remedy").latest("pk")
    assert event.changes == {"default_cost": ["20.00", "25.00"]}


def test_deleting_asks_first_then_deletes(alice, rows):
    tier = rows["escalation_tier"]
    client = alice.browser()
    assert client.get(url("config_escalation_tier_delete", pk=tier.pk)).status_code == 200
    assert EscalationTier.objects.filter(pk=tier.pk).exists()
    response = client.post(url("config_escalation_tier_delete", pk=tier.pk))
    assert response["Location"] == url("config_escalation_tiers")
    assert not EscalationTier.objects.filter(pk=tier.pk).exists()


def test_deleting_a_category_in_use_is_refused_with_409(alice, rows, calendar):
    services.update_sla_policy(actor=alice.actor, sla_policy=rows["sla_policy"], category=rows["category"])
    response = alice.browser().post(url("config_category_delete", pk=rows["category"].pk))
    assert response.status_code == 409
    assert "SLA policies use this category" in response.content.decode()
    assert ComplaintCategory.objects.filter(pk=rows["category"].pk).exists()


def test_the_standard_ladder_button_builds_four_tiers(alice, acme):
    response = alice.browser().post(url("config_escalation_standard"))
    assert response["Location"] == url("config_escalation_tiers")
    assert list(EscalationTier.objects.filter(organization=acme).values_list("level", flat=True)) == [1, 2, 3, 4]
    page = alice.browser().get(url("config_escalation_tiers")).content.decode()
    assert page.index("Front line") < page.index("Specialist") < page.index("Management") < page.index("External")


def test_the_standard_ladder_is_post_only(alice):
    assert alice.browser().get(url("config_escalation_standard")).status_code == 405


def test_loading_and_applying_a_preset_from_the_pages(alice, acme, calendar):
    client = alice.browser()
    assert client.post(url("config_presets_load"))["Location"] == url("config_presets")
    assert JurisdictionPreset.objects.filter(organization=acme).count() == 6
    page = client.get(url("config_presets")).content.decode()
    preset = JurisdictionPreset.objects.get(organization=acme, code="cn-samr")
    assert url("config_preset_apply", pk=preset.pk) in page
    response = client.post(url("config_preset_apply", pk=preset.pk), {"calendar": calendar.pk, "priority": ""})
    assert response["Location"] == url("config_sla_policies")
    policy = SlaPolicy.objects.get(organization=acme)
    assert (policy.name, policy.acknowledge_target, policy.resolve_target) == (preset.name, "7wd", "45wd")
    assert get_settings(organization_id=acme.pk).external_recourse == preset.external_recourse


def test_the_settings_form_saves_the_pause_statuses_and_the_switches(alice, acme):
    client = alice.browser()
    page = client.get(url("config_settings"))
    assert page.context["form"].initial["pause_statuses"] == ["awaiting_customer"]
    assert 'value="closed"' not in page.content.decode()
    body = {"pause_statuses": ["awaiting_customer", "referred"], "retention_days": "365",
            "reopen_window_days": "14", "duplicate_window_days": "7", "reminder_before_percent": "20",
            "external_recourse": "The ombudsman.", "max_attachment_mb": "5"}
    response = client.post(url("config_settings"), body)
    assert response["Location"] == url("config_home")
    settings = get_settings(organization_id=acme.pk)
    assert (settings.pause_statuses, settings.retention_days, settings.public_intake_enabled,
            settings.external_recourse, settings.max_attachment_mb) == (
        ["awaiting_customer", "referred"], 365, False, "The ombudsman.", 5)


def test_the_settings_form_shows_a_service_refusal_on_the_field(alice, acme):
    body = {"retention_days": "365", "reopen_window_days": "14", "duplicate_window_days": "7",
            "reminder_before_percent": "150", "max_attachment_mb": "5"}
    response = alice.browser().post(url("config_settings"), body)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reminder_before_percent"]
    assert get_settings(organization_id=acme.pk).reminder_before_percent == 25


def test_every_list_shows_its_rows(alice, rows):
    client = alice.browser()
    for name, text in [("config_categories", "Billing"), ("config_remedies", "Refund"),
                       ("config_sla_policies", "Standard"), ("config_escalation_tiers", "Front desk"),
                       ("config_presets", "Regime X")]:
        assert text in client.get(url(name)).content.decode(), name
    assert Remedy.objects.count() == 1
