"""Complaint configuration endpoints: categories, remedies, SLA policies, escalation tiers,
jurisdiction presets and the organisation's complaint settings.

Reading needs `complaints.view` (every role); writing needs `complaints.configure`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from csm.accounts.context import Actor
from csm.complaints import config_selectors as selectors
from csm.complaints import config_services as services
from csm.complaints.config_schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    EscalationTierIn,
    EscalationTierOut,
    EscalationTierPatch,
    PresetApplyIn,
    PresetIn,
    PresetOut,
    PresetPatch,
    PresetsLoadedOut,
    RemedyIn,
    RemedyOut,
    RemedyPatch,
    SettingsOut,
    SettingsPatch,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaPolicyPatch,
)
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery
from csm.core.selectors import access_calendar
from csm.core.writes import resolve_reference

router = Router(tags=["complaint settings"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _refs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Turn calendar_id / category_id into objects of the actor's organisation (422 on a foreign id)."""
    if "calendar_id" in data:
        calendar_id = data.pop("calendar_id")
        data["calendar"] = resolve_reference(
            "calendar_id", lambda: access_calendar(actor=actor, calendar_id=calendar_id))
    if "category_id" in data:
        category_id = data.pop("category_id")
        data["category"] = None if category_id is None else resolve_reference(
            "category_id", lambda: selectors.access_category(actor=actor, category_id=category_id))
    return data


class ActiveFilter(PageQuery):
    is_active: bool | None = None


def _active(qs: Any, filters: ActiveFilter) -> Any:
    return qs if filters.is_active is None else qs.filter(is_active=filters.is_active)


# Categories -------------------------------------------------------------------------------------

@router.get("/complaint-categories", response={200: PageOut[CategoryOut], **ERRORS})
def list_complaint_categories(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    qs = _active(selectors.list_categories(actor=_actor(request)), filters)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/complaint-categories", response={201: CategoryOut, **ERRORS})
def create_complaint_category(request: HttpRequest, payload: CategoryIn) -> Any:
    return Status(201, services.create_category(actor=_actor(request), **payload.dict()))


@router.get("/complaint-categories/{category_id}", response={200: CategoryOut, **ERRORS})
def get_complaint_category(request: HttpRequest, category_id: int) -> Any:
    return selectors.access_category(actor=_actor(request), category_id=category_id)


@router.patch("/complaint-categories/{category_id}", response={200: CategoryOut, **ERRORS})
def update_complaint_category(request: HttpRequest, category_id: int, payload: CategoryPatch) -> Any:
    actor = _actor(request)
    category = selectors.access_category(actor=actor, category_id=category_id)
    return services.update_category(actor=actor, category=category, **payload.dict(exclude_unset=True))


@router.delete("/complaint-categories/{category_id}", response={204: None, **ERRORS})
def delete_complaint_category(request: HttpRequest, category_id: int) -> Any:
    actor = _actor(request)
    category = selectors.access_category(actor=actor, category_id=category_id)
    services.delete_category(actor=actor, category=category)
    return Status(204, None)


# Remedies ---------------------------------------------------------------------------------------

@router.get("/remedies", response={200: PageOut[RemedyOut], **ERRORS})
def list_remedies(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    qs = _active(selectors.list_remedies(actor=_actor(request)), filters)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/remedies", response={201: RemedyOut, **ERRORS})
def create_remedy(request: HttpRequest, payload: RemedyIn) -> Any:
    return Status(201, services.create_remedy(actor=_actor(request), **payload.dict()))


@router.get("/remedies/{remedy_id}", response={200: RemedyOut, **ERRORS})
def get_remedy(request: HttpRequest, remedy_id: int) -> Any:
    return selectors.access_remedy(actor=_actor(request), remedy_id=remedy_id)


@router.patch("/remedies/{remedy_id}", response={200: RemedyOut, **ERRORS})
def update_remedy(request: HttpRequest, remedy_id: int, payload: RemedyPatch) -> Any:
    actor = _actor(request)
    remedy = selectors.access_remedy(actor=actor, remedy_id=remedy_id)
    return services.update_remedy(actor=actor, remedy=remedy, **payload.dict(exclude_unset=True))


@router.delete("/remedies/{remedy_id}", response={204: None, **ERRORS})
def delete_remedy(request: HttpRequest, remedy_id: int) -> Any:
    actor = _actor(request)
    services.delete_remedy(actor=actor, remedy=selectors.access_remedy(actor=actor, remedy_id=remedy_id))
    return Status(204, None)


# SLA policies -----------------------------------------------------------------------------------

@router.get("/sla-policies", response={200: PageOut[SlaPolicyOut], **ERRORS})
def list_sla_policies(request: HttpRequest, filters: Query[ActiveFilter]) -> Any:
    qs = _active(selectors.list_sla_policies(actor=_actor(request)), filters)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/sla-policies", response={201: SlaPolicyOut, **ERRORS})
def create_sla_policy(request: HttpRequest, payload: SlaPolicyIn) -> Any:
    actor = _actor(request)
    return Status(201, services.create_sla_policy(actor=actor, **_refs(actor, payload.dict())))


@router.get("/sla-policies/{sla_policy_id}", response={200: SlaPolicyOut, **ERRORS})
def get_sla_policy(request: HttpRequest, sla_policy_id: int) -> Any:
    return selectors.access_sla_policy(actor=_actor(request), sla_policy_id=sla_policy_id)


@router.patch("/sla-policies/{sla_policy_id}", response={200: SlaPolicyOut, **ERRORS})
def update_sla_policy(request: HttpRequest, sla_policy_id: int, payload: SlaPolicyPatch) -> Any:
    actor = _actor(request)
    policy = selectors.access_sla_policy(actor=actor, sla_policy_id=sla_policy_id)
    data = _refs(actor, payload.dict(exclude_unset=True))
    return services.update_sla_policy(actor=actor, sla_policy=policy, **data)


@router.delete("/sla-policies/{sla_policy_id}", response={204: None, **ERRORS})
def delete_sla_policy(request: HttpRequest, sla_policy_id: int) -> Any:
    actor = _actor(request)
    policy = selectors.access_sla_policy(actor=actor, sla_policy_id=sla_policy_id)
    services.delete_sla_policy(actor=actor, sla_policy=policy)
    return Status(204, None)


# Escalation tiers -------------------------------------------------------------------------------

@router.get("/escalation-tiers", response={200: PageOut[EscalationTierOut], **ERRORS})
def list_escalation_tiers(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """The ladder in id order (cursor pages); sort by `level` to draw it."""
    return paginate(selectors.list_escalation_tiers(actor=_actor(request)), cursor=filters.cursor,
                    limit=filters.limit)


@router.post("/escalation-tiers", response={201: EscalationTierOut, **ERRORS})
def create_escalation_tier(request: HttpRequest, payload: EscalationTierIn) -> Any:
    return Status(201, services.create_escalation_tier(actor=_actor(request), **payload.dict()))


@router.get("/escalation-tiers/{escalation_tier_id}", response={200: EscalationTierOut, **ERRORS})
def get_escalation_tier(request: HttpRequest, escalation_tier_id: int) -> Any:
    return selectors.access_escalation_tier(actor=_actor(request), escalation_tier_id=escalation_tier_id)


@router.patch("/escalation-tiers/{escalation_tier_id}", response={200: EscalationTierOut, **ERRORS})
def update_escalation_tier(request: HttpRequest, escalation_tier_id: int, payload: EscalationTierPatch) -> Any:
    actor = _actor(request)
    tier = selectors.access_escalation_tier(actor=actor, escalation_tier_id=escalation_tier_id)
    return services.update_escalation_tier(actor=actor, escalation_tier=tier, **payload.dict(exclude_unset=True))


@router.delete("/escalation-tiers/{escalation_tier_id}", response={204: None, **ERRORS})
def delete_escalation_tier(request: HttpRequest, escalation_tier_id: int) -> Any:
    actor = _actor(request)
    tier = selectors.access_escalation_tier(actor=actor, escalation_tier_id=escalation_tier_id)
    services.delete_escalation_tier(actor=actor, escalation_tier=tier)
    return Status(204, None)


# Jurisdiction presets ---------------------------------------------------------------------------

class PresetFilter(PageQuery):
    code: str | None = Field(None, max_length=40)


@router.get("/jurisdiction-presets", response={200: PageOut[PresetOut], **ERRORS})
def list_jurisdiction_presets(request: HttpRequest, filters: Query[PresetFilter]) -> Any:
    qs = selectors.list_presets(actor=_actor(request))
    if filters.code:
        qs = qs.filter(code=filters.code)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/jurisdiction-presets", response={201: PresetOut, **ERRORS})
def create_jurisdiction_preset(request: HttpRequest, payload: PresetIn) -> Any:
    return Status(201, services.create_preset(actor=_actor(request), **payload.dict()))


@router.post("/jurisdiction-presets/load", response={200: PresetsLoadedOut, **ERRORS})
def load_jurisdiction_presets(request: HttpRequest) -> Any:
    """Copy the shipped presets (CN telecom, CN SAMR, EU ADR, UK FCA DISP, UK Housing Ombudsman) into
    the organisation; codes it already has are left untouched, so this is safe to repeat."""
    return {"created": services.load_presets(actor=_actor(request))}


@router.get("/jurisdiction-presets/{preset_id}", response={200: PresetOut, **ERRORS})
def get_jurisdiction_preset(request: HttpRequest, preset_id: int) -> Any:
    return selectors.access_preset(actor=_actor(request), preset_id=preset_id)


@router.patch("/jurisdiction-presets/{preset_id}", response={200: PresetOut, **ERRORS})
def update_jurisdiction_preset(request: HttpRequest, preset_id: int, payload: PresetPatch) -> Any:
    actor = _actor(request)
    preset = selectors.access_preset(actor=actor, preset_id=preset_id)
    return services.update_preset(actor=actor, preset=preset, **payload.dict(exclude_unset=True))


@router.delete("/jurisdiction-presets/{preset_id}", response={204: None, **ERRORS})
def delete_jurisdiction_preset(request: HttpRequest, preset_id: int) -> Any:
    actor = _actor(request)
    services.delete_preset(actor=actor, preset=selectors.access_preset(actor=actor, preset_id=preset_id))
    return Status(204, None)


@router.post("/jurisdiction-presets/{preset_id}/apply", response={201: SlaPolicyOut, **ERRORS})
def apply_jurisdiction_preset(request: HttpRequest, preset_id: Id, payload: PresetApplyIn) -> Any:
    """Create an SLA policy from the preset; its external recourse becomes the organisation's if
    the organisation has none yet."""
    actor = _actor(request)
    preset = selectors.access_preset(actor=actor, preset_id=preset_id)
    return Status(201, services.apply_preset(actor=actor, preset=preset, **_refs(actor, payload.dict())))


# Settings ---------------------------------------------------------------------------------------

@router.get("/complaint-settings", response={200: SettingsOut, **ERRORS})
def get_complaint_settings(request: HttpRequest) -> Any:
    return selectors.settings_for(actor=_actor(request))


@router.patch("/complaint-settings", response={200: SettingsOut, **ERRORS})
def update_complaint_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    return services.update_settings(actor=_actor(request), **payload.dict(exclude_unset=True))
