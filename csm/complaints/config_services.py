"""Writes for complaint configuration. Each runs in one transaction, needs `complaints.configure`,
refuses a reference (category, calendar, preset) of another organisation with a 422 on that field
before writing anything, and records one audit event per changed row.

Time limits ("targets") are checked with `sla.parse_target` and stored in its canonical form:
"16h" working hours, "5wd" working days, "15d" calendar days, "48ch" calendar hours; the amount is
a whole number from 1 (a zero time limit is never meant). The order of the four targets is not
checked: they may be in different units.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.complaints import sla
from csm.complaints.config_presets import read_presets
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintSettings,
    EscalationTier,
    JurisdictionPreset,
    Remedy,
    SlaPolicy,
)
from csm.complaints.workflow import Status
from csm.core.audit import diff, record_event, snapshot
from csm.core.errors import Conflict, InvalidInput
from csm.core.lookups import check_same_organization
from csm.core.models import BusinessCalendar
from csm.core.writes import create_audited, delete_audited, update_audited, validate

CATEGORY_FIELDS = ("name", "code", "is_active")
REMEDY_FIELDS = ("name", "description", "default_cost", "approval_limit", "is_active")
SLA_TARGET_FIELDS = ("acknowledge_target", "assess_target", "respond_target", "resolve_target")
SLA_POLICY_FIELDS = ("name", "category", "priority", "calendar", *SLA_TARGET_FIELDS, "is_active")
ESCALATION_TIER_FIELDS = ("level", "name", "owner_role", "time_limit", "is_external")
PRESET_TARGET_FIELDS = ("acknowledge_target", "respond_target", "resolve_target")
PRESET_FIELDS = ("code", "name", *PRESET_TARGET_FIELDS, "external_recourse", "source")
SETTINGS_FIELDS = (
    "pause_statuses", "retention_days", "reopen_window_days", "duplicate_window_days",
    "reminder_before_percent", "public_intake_enabled", "external_recourse", "max_attachment_mb",
)
# Closing stops every clock for good; it is not a pause.
PAUSABLE_STATUSES = tuple(s.value for s in Status if s != Status.CLOSED)
M = TypeVar("M", bound=models.Model)

TARGET_HELP = _("Write a whole number from 1 and a unit: 16h (working hours), 5wd (working days), "
                "15d (calendar days) or 48ch (calendar hours).")


# Shared checks ----------------------------------------------------------------------------------

def normalise_target(value: object) -> str:
    """The canonical code of a target ("5WD " → "5wd"); ValueError when it is not one or is zero."""
    target = sla.parse_target(value)  # type: ignore[arg-type]  # a non-str is a ValueError there
    if target.amount < 1:
        raise ValueError("A time limit must be at least 1.")
    return target.code


def _normalise_targets(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """`data` with each target field it holds normalised; a 422 lists every bad one."""
    errors = []
    for field in fields:
        if field in data:
            try:
                data[field] = normalise_target(data[field])
            except ValueError:
                errors.append({"field": field, "message": str(TARGET_HELP)})
    if errors:
        raise InvalidInput(errors=errors)
    return data


def _same_org(actor: Actor, field: str, obj: Any) -> None:
    check_same_organization(actor.organization_id, field, obj)


def _at_least(data: dict[str, Any], field: str, least: int | Decimal) -> None:
    if field in data and data[field] is not None and data[field] < least:
        raise InvalidInput(field, str(_("Ensure this value is greater than or equal to %(least)s."))
                           % {"least": least})


def _create(actor: Actor, instance: M, fields: tuple[str, ...]) -> M:
    return create_audited(instance, actor=actor.user, fields=fields, organization_id=actor.organization_id)


def _update(actor: Actor, instance: M, data: dict[str, Any], fields: tuple[str, ...]) -> M:
    update_audited(instance, actor=actor.user, data=data, fields=fields,
                   organization_id=actor.organization_id)
    return instance


def _delete(actor: Actor, instance: models.Model) -> None:
    delete_audited(instance, actor=actor.user, organization_id=actor.organization_id)


# Categories -------------------------------------------------------------------------------------

@transaction.atomic
def create_category(*, actor: Actor, name: str, code: str = "", is_active: bool = True) -> ComplaintCategory:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    category = ComplaintCategory(organization=actor.organization, name=name, code=code, is_active=is_active)
    return _create(actor, category, CATEGORY_FIELDS)


@transaction.atomic
def update_category(*, actor: Actor, category: ComplaintCategory, **data: Any) -> ComplaintCategory:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return _update(actor, category, data, CATEGORY_FIELDS)


@transaction.atomic
def delete_category(*, actor: Actor, category: ComplaintCategory) -> None:
    """Delete a category; while complaints or SLA policies use it, it is a Conflict (deactivate it
    instead), so no policy disappears with it unaudited."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if SlaPolicy.objects.filter(category=category).exists():
        raise Conflict(str(_(
            "SLA policies use this category; change or delete them first, or deactivate it."
        )))
    _delete(actor, category)


# Remedies ---------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def _cents(value: Any) -> Any:
    """Money with two decimal places, as stored, so "0" and "0.00" are not an audited change; a value
    with more places is left for the model to refuse rather than rounded."""
    if isinstance(value, Decimal) and value.is_finite() and int(value.as_tuple().exponent) >= -2:
        return value.quantize(CENT)
    return value


def _check_remedy(data: dict[str, Any]) -> dict[str, Any]:
    for field in ("default_cost", "approval_limit"):
        if field in data:
            data[field] = _cents(data[field])
            _at_least(data, field, Decimal(0))
    return data


@transaction.atomic
def create_remedy(
    *, actor: Actor, name: str, description: str = "", default_cost: Decimal = Decimal(0),
    approval_limit: Decimal = Decimal(0), is_active: bool = True,
) -> Remedy:
    """Add a remedy to the catalogue; costs and the approval limit are amounts of money, not below 0."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    data = _check_remedy({"name": name, "description": description, "default_cost": default_cost,
                          "approval_limit": approval_limit, "is_active": is_active})
    return _create(actor, Remedy(organization=actor.organization, **data), REMEDY_FIELDS)


@transaction.atomic
def update_remedy(*, actor: Actor, remedy: Remedy, **data: Any) -> Remedy:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return _update(actor, remedy, _check_remedy(data), REMEDY_FIELDS)


@transaction.atomic
def delete_remedy(*, actor: Actor, remedy: Remedy) -> None:
    """Delete a remedy; while a complaint uses it, it is a Conflict (deactivate it instead)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    _delete(actor, remedy)


# SLA policies -----------------------------------------------------------------------------------

def _check_sla_policy(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    _same_org(actor, "calendar", data.get("calendar"))
    _same_org(actor, "category", data.get("category"))
    if data.get("priority") is None and "priority" in data:
        data["priority"] = ""
    return _normalise_targets(data, SLA_TARGET_FIELDS)


@transaction.atomic
def create_sla_policy(
    *, actor: Actor, name: str, calendar: BusinessCalendar, category: ComplaintCategory | None = None,
    priority: str = "", acknowledge_target: str = "1wd", assess_target: str = "2wd",
    respond_target: str = "10wd", resolve_target: str = "15wd", is_active: bool = True,
) -> SlaPolicy:
    """Add an SLA policy for a category and/or priority (None / "" = any) on one of the
    organisation's calendars."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    data = _check_sla_policy(actor, {
        "name": name, "calendar": calendar, "category": category, "priority": priority,
        "acknowledge_target": acknowledge_target, "assess_target": assess_target,
        "respond_target": respond_target, "resolve_target": resolve_target, "is_active": is_active,
    })
    return _create(actor, SlaPolicy(organization=actor.organization, **data), SLA_POLICY_FIELDS)


@transaction.atomic
def update_sla_policy(*, actor: Actor, sla_policy: SlaPolicy, **data: Any) -> SlaPolicy:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return _update(actor, sla_policy, _check_sla_policy(actor, data), SLA_POLICY_FIELDS)


@transaction.atomic
def delete_sla_policy(*, actor: Actor, sla_policy: SlaPolicy) -> None:
    """Delete a policy; while complaints were timed by it, it is a Conflict (deactivate it instead),
    so their deadlines keep the policy that set them."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if Complaint.objects.filter(sla_policy=sla_policy).exists():
        raise Conflict(str(_("Complaints are timed by this policy; deactivate it instead.")))
    _delete(actor, sla_policy)


# Escalation tiers -------------------------------------------------------------------------------

def _check_tier(data: dict[str, Any]) -> dict[str, Any]:
    _at_least(data, "level", 1)
    return _normalise_targets(data, ("time_limit",))


@transaction.atomic
def create_escalation_tier(
    *, actor: Actor, level: int, name: str, owner_role: str, time_limit: str = "2wd",
    is_external: bool = False,
) -> EscalationTier:
    """Add a rung to the escalation ladder (levels from 1, one tier per level)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    data = _check_tier({"level": level, "name": name, "owner_role": owner_role, "time_limit": time_limit,
                        "is_external": is_external})
    return _create(actor, EscalationTier(organization=actor.organization, **data), ESCALATION_TIER_FIELDS)


@transaction.atomic
def update_escalation_tier(*, actor: Actor, escalation_tier: EscalationTier, **data: Any) -> EscalationTier:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return _update(actor, escalation_tier, _check_tier(data), ESCALATION_TIER_FIELDS)


@transaction.atomic
def delete_escalation_tier(*, actor: Actor, escalation_tier: EscalationTier) -> None:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    _delete(actor, escalation_tier)


STANDARD_LADDER = (
    (1, _("Front line"), roles.Role.COMPLAINT_HANDLER, "2wd", False),
    (2, _("Specialist"), roles.Role.COMPLAINT_HANDLER, "5wd", False),
    (3, _("Management"), roles.Role.QUALITY_MANAGER, "10wd", False),
    (4, _("External resolution"), roles.Role.QUALITY_MANAGER, "90d", True),
)


@transaction.atomic
def create_standard_ladder(*, actor: Actor) -> list[EscalationTier]:
    """Front line → specialist → management → external, named in the actor's language; only for an
    organisation without tiers (a Conflict otherwise, so nothing is overwritten)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if EscalationTier.objects.filter(organization_id=actor.organization_id).exists():
        raise Conflict(str(_("The escalation ladder already has tiers.")))
    return [
        create_escalation_tier(actor=actor, level=level, name=str(name), owner_role=role, time_limit=limit,
                               is_external=external)
        for level, name, role, limit, external in STANDARD_LADDER
    ]


# Jurisdiction presets ---------------------------------------------------------------------------

@transaction.atomic
def load_presets(*, actor: Actor) -> list[JurisdictionPreset]:
    """Copy the shipped presets (presets.json) into the organisation, with names and recourse texts
    in its default language; a preset whose code the organisation already has is left untouched,
    so loading again never overwrites an edit. Returns the presets created."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    existing = set(JurisdictionPreset.objects.filter(organization_id=actor.organization_id)
                   .values_list("code", flat=True))
    language = actor.organization.default_language
    rows = [preset.row(language) for preset in read_presets() if preset.code not in existing]
    return [_create(actor, JurisdictionPreset(organization=actor.organization, **row), PRESET_FIELDS)
            for row in rows]


@transaction.atomic
def create_preset(
    *, actor: Actor, code: str, name: str, acknowledge_target: str, respond_target: str, resolve_target: str,
    external_recourse: str = "", source: str = "",
) -> JurisdictionPreset:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    data = _normalise_targets({
        "code": code, "name": name, "acknowledge_target": acknowledge_target,
        "respond_target": respond_target, "resolve_target": resolve_target,
        "external_recourse": external_recourse, "source": source,
    }, PRESET_TARGET_FIELDS)
    return _create(actor, JurisdictionPreset(organization=actor.organization, **data), PRESET_FIELDS)


@transaction.atomic
def update_preset(*, actor: Actor, preset: JurisdictionPreset, **data: Any) -> JurisdictionPreset:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return _update(actor, preset, _normalise_targets(data, PRESET_TARGET_FIELDS), PRESET_FIELDS)


@transaction.atomic
def delete_preset(*, actor: Actor, preset: JurisdictionPreset) -> None:
    """Delete a preset; SLA policies made from it stay (they are copies)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    _delete(actor, preset)


@transaction.atomic
def apply_preset(
    *, actor: Actor, preset: JurisdictionPreset, calendar: BusinessCalendar,
    category: ComplaintCategory | None = None, priority: str = "",
) -> SlaPolicy:
    """Create an SLA policy named after the preset with its time limits (the preset has no
    assessment limit, so assessment is due with the acknowledgement), and make the preset's
    external recourse the organisation's when the organisation has none yet."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    _same_org(actor, "preset", preset)
    policy = create_sla_policy(
        actor=actor, name=preset.name, calendar=calendar, category=category, priority=priority,
        acknowledge_target=preset.acknowledge_target, assess_target=preset.acknowledge_target,
        respond_target=preset.respond_target, resolve_target=preset.resolve_target,
    )
    settings = get_settings(organization_id=actor.organization_id)
    if not settings.external_recourse.strip() and preset.external_recourse.strip():
        update_settings(actor=actor, external_recourse=preset.external_recourse)
    return policy


# Settings ---------------------------------------------------------------------------------------

def _check_pause_statuses(value: Any) -> list[str]:
    """The chosen statuses in process order, without repeats; "closed" and unknown ones are a 422."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput("pause_statuses", str(_("Give a list of statuses.")))
    wrong = sorted(set(value) - set(PAUSABLE_STATUSES))
    if wrong:
        raise InvalidInput("pause_statuses", str(_("These statuses cannot pause the clocks: %(statuses)s."))
                           % {"statuses": ", ".join(wrong)})
    return [status for status in PAUSABLE_STATUSES if status in value]


def _check_settings(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    if unknown:
        message = str(_("This field cannot be changed."))
        raise InvalidInput(errors=[{"field": field, "message": message} for field in unknown])
    if "pause_statuses" in data:
        data["pause_statuses"] = _check_pause_statuses(data["pause_statuses"])
    for field in ("retention_days", "max_attachment_mb"):
        _at_least(data, field, 1)
    if (data.get("reminder_before_percent") or 0) > 100:
        raise InvalidInput("reminder_before_percent",
                           str(_("Ensure this value is less than or equal to 100.")))
    return data


@transaction.atomic
def update_settings(*, actor: Actor, **fields: Any) -> ComplaintSettings:
    """Change the organisation's complaint settings (any of SETTINGS_FIELDS) and record one event
    with what changed. `pause_statuses` may be empty (no status pauses the clocks)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    data = _check_settings(dict(fields))
    current = get_settings(organization_id=actor.organization_id)
    settings = ComplaintSettings.objects.select_for_update().get(pk=current.pk)
    before = snapshot(settings, SETTINGS_FIELDS)
    for name, value in data.items():
        setattr(settings, name, value)
    # The model does not allow a blank list; an empty one is valid here ("never pause").
    validate(settings, exclude=["pause_statuses"])
    settings.save()
    changes = diff(before, snapshot(settings, SETTINGS_FIELDS))
    if changes:
        record_event(organization_id=actor.organization_id, actor=actor.user, action="updated", obj=settings,
                     changes=changes)
    return settings
