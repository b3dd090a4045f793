"""Writes of complaint configuration: audited, scoped to the organisation, validated."""

from __future__ import annotations

from decimal import Decimal

import pytest

from csm.complaints import config_services as services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    ComplaintCategory,
    ComplaintSettings,
    EscalationTier,
    JurisdictionPreset,
    Remedy,
    SlaPolicy,
)
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.models import AuditEvent
from csm.core.tests.factories import BusinessCalendarFactory

pytestmark = pytest.mark.django_db


def fields_of(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [error["field"] for error in exc.value.detail]


def new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("pk")[before:])


@pytest.fixture
def calendar(acme):
    return BusinessCalendarFactory(organization=acme, name="Office")


@pytest.fixture
def billing(alice):
    return services.create_category(actor=alice.actor, name="Billing", code="BIL")


# Categories and remedies ------------------------------------------------------------------------

def test_a_category_is_created_updated_and_deleted_with_one_event_each(alice, acme):
    category = services.create_category(actor=alice.actor, name="Billing", code="BIL")
    services.update_category(actor=alice.actor, category=category, is_active=False)
    services.delete_category(actor=alice.actor, category=category)
    events = AuditEvent.objects.filter(object_type="complaints.complaintcategory").order_by("pk")
    assert [(e.action, e.actor, e.organization_id) for e in events] == [
        ("created", alice.user, acme.pk), ("updated", alice.user, acme.pk), ("deleted", alice.user, acme.pk)]
    assert events[0].changes == {"name": [None, "Billing"], "code": [None, "BIL"], "is_active": [None, True]}
    assert events[1].changes == {"is_active": [True, False]}
    assert not ComplaintCategory.objects.exists()


def test_a_duplicate_category_name_is_a_422_on_name(alice, billing):
    with pytest.raises(InvalidInput) as exc:
        services.create_category(actor=alice.actor, name="Billing")
    assert fields_of(exc) == ["name"]


def test_a_category_used_by_an_sla_policy_cannot_be_deleted(alice, billing, calendar):
    services.create_sla_policy(actor=alice.actor, name="Billing", calendar=calendar, category=billing)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.delete_category(actor=alice.actor, category=billing)
    assert ComplaintCategory.objects.filter(pk=billing.pk).exists()
    assert SlaPolicy.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_a_remedy_keeps_its_money_exact(alice):
    remedy = services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("19.99"),
                                    approval_limit=Decimal("100.00"))
    remedy.refresh_from_db()
    assert (remedy.default_cost, remedy.approval_limit, remedy.is_active) == (Decimal("19.99"), Decimal("100.00"), True)
    event = AuditEvent.objects.get(object_type="complaints.remedy")
    assert event.changes["default_cost"] == [None, "19.99"]


def test_money_written_with_fewer_places_is_no_change(alice):
    remedy = services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("5"))
    assert AuditEvent.objects.get().changes["default_cost"] == [None, "5.00"]
    services.update_remedy(actor=alice.actor, remedy=remedy, default_cost=Decimal("5.0"),
                           approval_limit=Decimal("0"))
    assert AuditEvent.objects.count() == 1


def test_money_with_more_than_two_places_is_refused_not_rounded(alice):
    with pytest.raises(InvalidInput) as exc:
        services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("1.999"))
    assert fields_of(exc) == ["default_cost"]


def test_a_negative_remedy_cost_is_a_422_and_nothing_is_written(alice):
    with pytest.raises(InvalidInput) as exc:
        services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("-1"))
    assert fields_of(exc) == ["default_cost"]
    assert not Remedy.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_complaint_handler_cannot_configure(bob):
    with pytest.raises(PermissionDenied):
        services.create_category(actor=bob.actor, name="Billing")
    with pytest.raises(PermissionDenied):
        services.update_settings(actor=bob.actor, retention_days=10)
    assert not ComplaintCategory.objects.exists()
    assert not AuditEvent.objects.exists()


# SLA policies -----------------------------------------------------------------------------------

def test_an_sla_policy_stores_canonical_targets_and_is_audited(alice, acme, billing, calendar):
    policy = services.create_sla_policy(
        actor=alice.actor, name="Billing urgent", calendar=calendar, category=billing, priority="urgent",
        acknowledge_target="16H", assess_target=" 2wd", respond_target="15d", resolve_target="48ch",
    )
    policy.refresh_from_db()
    assert (policy.acknowledge_target, policy.assess_target, policy.respond_target, policy.resolve_target) == (
        "16h", "2wd", "15d", "48ch")
    event = AuditEvent.objects.get(object_type="complaints.slapolicy")
    assert (event.action, event.object_id) == ("created", str(policy.pk))
    assert event.changes["calendar"] == [None, calendar.pk]
    assert event.changes["category"] == [None, billing.pk]


@pytest.mark.parametrize("bad", ["0wd", "0h", "0d", "0ch", "5", "wd", "5 days", "5w", "-1d", "1.5h", "", "99999d"])
def test_a_target_that_is_not_a_positive_time_limit_is_a_422_naming_it(alice, calendar, bad):
    with pytest.raises(InvalidInput) as exc:
        services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar, respond_target=bad)
    assert fields_of(exc) == ["respond_target"]
    assert not SlaPolicy.objects.exists()


def test_every_bad_target_is_named_at_once(alice, calendar):
    with pytest.raises(InvalidInput) as exc:
        services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar, acknowledge_target="0wd",
                                   resolve_target="soon")
    assert fields_of(exc) == ["acknowledge_target", "resolve_target"]


def test_targets_need_no_order_across_units(alice, calendar):
    policy = services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar, acknowledge_target="3d",
                                        assess_target="1h", respond_target="1wd", resolve_target="2ch")
    assert policy.resolve_target == "2ch"


def test_another_organisations_calendar_is_a_422_on_calendar(alice, globex):
    foreign = BusinessCalendarFactory(organization=globex)
    with pytest.raises(InvalidInput) as exc:
        services.create_sla_policy(actor=alice.actor, name="P", calendar=foreign)
    assert fields_of(exc) == ["calendar"]
    assert exc.value.detail[0]["message"] == "No such object in this organisation."
    assert not SlaPolicy.objects.exists()
    assert not AuditEvent.objects.exists()


def test_moving_a_policy_to_another_organisations_calendar_or_category_is_refused(alice, charlie, calendar):
    policy = services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar)
    foreign_calendar = BusinessCalendarFactory(organization=charlie.organization)
    foreign_category = services.create_category(actor=charlie.actor, name="Theirs")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.update_sla_policy(actor=alice.actor, sla_policy=policy, calendar=foreign_calendar)
    assert fields_of(exc) == ["calendar"]
    with pytest.raises(InvalidInput) as exc:
        services.update_sla_policy(actor=alice.actor, sla_policy=policy, category=foreign_category)
    assert fields_of(exc) == ["category"]
    policy.refresh_from_db()
    assert (policy.calendar_id, policy.category_id) == (calendar.pk, None)
    assert AuditEvent.objects.count() == before


def test_an_unknown_priority_is_a_422_on_priority(alice, calendar):
    with pytest.raises(InvalidInput) as exc:
        services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar, priority="asap")
    assert fields_of(exc) == ["priority"]


def test_updating_a_policy_records_only_what_changed(alice, calendar):
    policy = services.create_sla_policy(actor=alice.actor, name="P", calendar=calendar)
    before = AuditEvent.objects.count()
    services.update_sla_policy(actor=alice.actor, sla_policy=policy, resolve_target="20WD", name="P")
    [event] = new_events(before)
    assert event.changes == {"resolve_target": ["15wd", "20wd"]}


# Escalation tiers -------------------------------------------------------------------------------

def test_an_escalation_tier_needs_a_level_from_one_and_a_valid_time_limit(alice):
    with pytest.raises(InvalidInput) as exc:
        services.create_escalation_tier(actor=alice.actor, level=0, name="Desk", owner_role="complaint_handler")
    assert fields_of(exc) == ["level"]
    with pytest.raises(InvalidInput) as exc:
        services.create_escalation_tier(actor=alice.actor, level=1, name="Desk", owner_role="complaint_handler",
                                        time_limit="0wd")
    assert fields_of(exc) == ["time_limit"]
    with pytest.raises(InvalidInput) as exc:
        services.create_escalation_tier(actor=alice.actor, level=1, name="Desk", owner_role="janitor")
    assert fields_of(exc) == ["owner_role"]
    assert not EscalationTier.objects.exists()


def test_two_tiers_cannot_share_a_level(alice):
    services.create_escalation_tier(actor=alice.actor, level=1, name="Desk", owner_role="complaint_handler")
    with pytest.raises(InvalidInput) as exc:
        services.create_escalation_tier(actor=alice.actor, level=1, name="Other", owner_role="quality_manager")
    assert fields_of(exc) == ["level"]


def test_the_standard_ladder_goes_front_line_specialist_management_external(alice):
    tiers = services.create_standard_ladder(actor=alice.actor)
    assert [(t.level, t.name, t.owner_role, t.time_limit, t.is_external) for t in tiers] == [
        (1, "Front line", "complaint_handler", "2wd", False),
        (2, "Specialist", "complaint_handler", "5wd", False),
        (3, "Management", "quality_manager", "10wd", False),
        (4, "External resolution", "quality_manager", "90d", True),
    ]
    assert AuditEvent.objects.filter(object_type="complaints.escalationtier", action="created").count() == 4
    with pytest.raises(Conflict):
        services.create_standard_ladder(actor=alice.actor)
    assert EscalationTier.objects.count() == 4


# Jurisdiction presets ---------------------------------------------------------------------------

def test_loading_presets_copies_them_in_the_organisations_language(alice, acme):
    created = services.load_presets(actor=alice.actor)
    assert sorted(p.code for p in created) == ["cn-samr", "cn-telecom", "eu-adr", "uk-fca-disp",
                                               "uk-fca-disp-payments", "uk-housing-ombudsman"]
    fca = JurisdictionPreset.objects.get(organization=acme, code="uk-fca-disp")
    assert fca.name == "Wielka Brytania: rozpatrywanie reklamacji według FCA (DISP)"  # acme speaks Polish
    assert (fca.acknowledge_target, fca.respond_target, fca.resolve_target) == ("5wd", "56d", "56d")
    assert fca.external_recourse.startswith("Jeśli nie jesteś zadowolony")
    assert AuditEvent.objects.filter(object_type="complaints.jurisdictionpreset", action="created").count() == 6


def test_loading_presets_again_leaves_existing_codes_untouched(alice, acme):
    services.load_presets(actor=alice.actor)
    fca = JurisdictionPreset.objects.get(organization=acme, code="uk-fca-disp")
    services.update_preset(actor=alice.actor, preset=fca, respond_target="40d")
    JurisdictionPreset.objects.filter(code="eu-adr").delete()
    before = AuditEvent.objects.count()
    created = services.load_presets(actor=alice.actor)
    assert [p.code for p in created] == ["eu-adr"]
    fca.refresh_from_db()
    assert fca.respond_target == "40d"
    assert [e.object_repr for e in new_events(before)] == [created[0].name]


def test_presets_are_loaded_per_organisation(alice, charlie):
    services.load_presets(actor=alice.actor)
    assert len(services.load_presets(actor=charlie.actor)) == 6
    charlies = JurisdictionPreset.objects.get(organization=charlie.organization, code="cn-telecom")
    assert charlies.name == "中国：电信用户投诉（运营商处理阶段）"


def test_a_preset_with_a_zero_target_is_refused(alice):
    with pytest.raises(InvalidInput) as exc:
        services.create_preset(actor=alice.actor, code="x", name="X", acknowledge_target="1wd",
                               respond_target="0d", resolve_target="5d")
    assert fields_of(exc) == ["respond_target"]


def test_applying_a_preset_creates_a_policy_and_fills_an_empty_recourse(alice, acme, calendar, billing):
    services.load_presets(actor=alice.actor)
    preset = JurisdictionPreset.objects.get(organization=acme, code="eu-adr")
    before = AuditEvent.objects.count()
    policy = services.apply_preset(actor=alice.actor, preset=preset, calendar=calendar, category=billing,
                                   priority="high")
    assert (policy.name, policy.category, policy.priority, policy.calendar, policy.is_active) == (
        preset.name, billing, "high", calendar, True)
    assert (policy.acknowledge_target, policy.assess_target, policy.respond_target, policy.resolve_target) == (
        "5wd", "5wd", "20wd", "90d")
    assert get_settings(organization_id=acme.pk).external_recourse == preset.external_recourse
    assert [(e.object_type, e.action) for e in new_events(before)] == [
        ("complaints.slapolicy", "created"), ("complaints.complaintsettings", "updated")]


def test_applying_a_preset_keeps_a_recourse_text_the_organisation_wrote(alice, acme, calendar):
    services.update_settings(actor=alice.actor, external_recourse="Ask our ombudsman.")
    services.load_presets(actor=alice.actor)
    preset = JurisdictionPreset.objects.get(organization=acme, code="uk-fca-disp")
    services.apply_preset(actor=alice.actor, preset=preset, calendar=calendar)
    assert get_settings(organization_id=acme.pk).external_recourse == "Ask our ombudsman."


def test_applying_a_preset_on_another_organisations_calendar_writes_nothing(alice, acme, globex):
    services.load_presets(actor=alice.actor)
    preset = JurisdictionPreset.objects.get(organization=acme, code="uk-fca-disp")
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.apply_preset(actor=alice.actor, preset=preset, calendar=BusinessCalendarFactory(organization=globex))
    assert fields_of(exc) == ["calendar"]
    assert not SlaPolicy.objects.exists()
    assert get_settings(organization_id=acme.pk).external_recourse == ""
    assert AuditEvent.objects.count() == before


# Settings ---------------------------------------------------------------------------------------

def test_settings_changes_are_audited_with_what_changed(alice, acme):
    settings = services.update_settings(actor=alice.actor, retention_days=730, public_intake_enabled=False,
                                        reopen_window_days=30)
    assert (settings.retention_days, settings.public_intake_enabled) == (730, False)
    event = AuditEvent.objects.get(object_type="complaints.complaintsettings")
    assert (event.action, event.actor, event.organization_id) == ("updated", alice.user, acme.pk)
    assert event.changes == {"retention_days": [1095, 730], "public_intake_enabled": [True, False]}


def test_pause_statuses_are_stored_in_process_order_without_repeats(alice, acme):
    services.update_settings(actor=alice.actor, pause_statuses=["referred", "awaiting_customer", "referred"])
    assert ComplaintSettings.objects.get(organization=acme).pause_statuses == ["awaiting_customer", "referred"]


def test_no_status_may_pause_the_clocks(alice, acme):
    services.update_settings(actor=alice.actor, pause_statuses=[])
    assert ComplaintSettings.objects.get(organization=acme).pause_statuses == []


@pytest.mark.parametrize("statuses", [["closed"], ["awaiting_customer", "closed"], ["sleeping"], "awaiting_customer"])
def test_closed_and_unknown_statuses_cannot_pause(alice, acme, statuses):
    with pytest.raises(InvalidInput) as exc:
        services.update_settings(actor=alice.actor, pause_statuses=statuses)
    assert fields_of(exc) == ["pause_statuses"]
    assert get_settings(organization_id=acme.pk).pause_statuses == ["awaiting_customer"]
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("reminder_before_percent", 101), ("retention_days", 0),
                                              ("max_attachment_mb", 0), ("organization", 5)])
def test_out_of_range_or_unknown_settings_are_a_422_on_the_field(alice, field, value):
    with pytest.raises(InvalidInput) as exc:
        services.update_settings(actor=alice.actor, **{field: value})
    assert fields_of(exc) == [field]
    assert not AuditEvent.objects.exists()


def test_an_unchanged_settings_update_records_nothing(alice):
    services.update_settings(actor=alice.actor, pause_statuses=["awaiting_customer"], max_attachment_mb=10)
    assert not AuditEvent.objects.exists()
