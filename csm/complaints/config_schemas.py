"""API schemas for complaint configuration.

Patch schemas list every field as optional; a field that may not be empty is typed without None,
so an explicit null is a 422 on that field while an absent one leaves the value unchanged. A blank
category or priority of an SLA policy means "any".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from csm.accounts.roles import Role
from csm.complaints.workflow import Status
from csm.core.schemas import Id, InputSchema, omittable

SMALL_INT = 32767
MAX_DAYS = 36500
TARGET_DESCRIPTION = ('A time limit: "16h" working hours, "5wd" working days, "15d" calendar days, '
                      '"48ch" calendar hours; the amount is at least 1.')
# A priority, or "" for any: one Literal (not Priority | "") so a bad value is one error on "priority".
AnyPriority = Literal["", "low", "normal", "high", "urgent"]


def target(default: Any = ...) -> Any:
    return Field(default, min_length=2, max_length=12, description=TARGET_DESCRIPTION)


def target_patch() -> Any:
    return omittable(min_length=2, max_length=12, description=TARGET_DESCRIPTION)


class Timestamps(Schema):
    created_at: dt.datetime
    updated_at: dt.datetime


# Categories -------------------------------------------------------------------------------------

class CategoryIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    is_active: bool = True


class CategoryPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    code: str = omittable(max_length=40)
    is_active: bool = omittable()


class CategoryOut(Timestamps):
    id: int
    name: str
    code: str
    is_active: bool


# Remedies ---------------------------------------------------------------------------------------

class RemedyIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    default_cost: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    approval_limit: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2,
                                    description="A cost above this needs a quality manager's approval.")
    is_active: bool = True


class RemedyPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    description: str = omittable()
    default_cost: Decimal = omittable(ge=0, max_digits=12, decimal_places=2)
    approval_limit: Decimal = omittable(ge=0, max_digits=12, decimal_places=2)
    is_active: bool = omittable()


class RemedyOut(Timestamps):
    id: int
    name: str
    description: str
    default_cost: Decimal
    approval_limit: Decimal
    is_active: bool


# SLA policies -----------------------------------------------------------------------------------

class SlaPolicyIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    category_id: Id | None = Field(None, description="None: complaints of any category.")
    priority: AnyPriority = Field("", description='"": complaints of any priority.')
    calendar_id: Id
    acknowledge_target: str = target("1wd")
    assess_target: str = target("2wd")
    respond_target: str = target("10wd")
    resolve_target: str = target("15wd")
    is_active: bool = True


class SlaPolicyPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    category_id: Id | None = None
    priority: AnyPriority = omittable()
    calendar_id: Id = omittable()
    acknowledge_target: str = target_patch()
    assess_target: str = target_patch()
    respond_target: str = target_patch()
    resolve_target: str = target_patch()
    is_active: bool = omittable()


class SlaPolicyOut(Timestamps):
    id: int
    name: str
    category_id: int | None
    priority: str
    calendar_id: int
    acknowledge_target: str
    assess_target: str
    respond_target: str
    resolve_target: str
    is_active: bool


# Escalation tiers -------------------------------------------------------------------------------

class EscalationTierIn(InputSchema):
    level: int = Field(ge=1, le=SMALL_INT, description="1 is the front line; one tier per level.")
    name: str = Field(min_length=1, max_length=200)
    owner_role: Role
    time_limit: str = target("2wd")
    is_external: bool = False


class EscalationTierPatch(InputSchema):
    level: int = omittable(ge=1, le=SMALL_INT)
    name: str = omittable(min_length=1, max_length=200)
    owner_role: Role = omittable()
    time_limit: str = target_patch()
    is_external: bool = omittable()


class EscalationTierOut(Timestamps):
    id: int
    level: int
    name: str
    owner_role: str
    time_limit: str
    is_external: bool


# Jurisdiction presets ---------------------------------------------------------------------------

class PresetIn(InputSchema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=200)
    acknowledge_target: str = target()
    respond_target: str = target()
    resolve_target: str = target()
    external_recourse: str = ""
    source: str = ""


class PresetPatch(InputSchema):
    code: str = omittable(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = omittable(min_length=1, max_length=200)
    acknowledge_target: str = target_patch()
    respond_target: str = target_patch()
    resolve_target: str = target_patch()
    external_recourse: str = omittable()
    source: str = omittable()


class PresetOut(Timestamps):
    id: int
    code: str
    name: str
    acknowledge_target: str
    respond_target: str
    resolve_target: str
    external_recourse: str
    source: str


class PresetsLoadedOut(Schema):
    created: list[PresetOut] = Field(
        description="The presets added; codes the organisation had are left as they are.")


class PresetApplyIn(InputSchema):
    calendar_id: Id
    category_id: Id | None = None
    priority: AnyPriority = ""


# Settings ---------------------------------------------------------------------------------------

class SettingsOut(Schema):
    pause_statuses: list[str]
    retention_days: int
    reopen_window_days: int
    duplicate_window_days: int
    reminder_before_percent: int
    public_intake_enabled: bool
    external_recourse: str
    max_attachment_mb: int


class SettingsPatch(InputSchema):
    pause_statuses: list[Status] = omittable(
        description='Statuses that stop the SLA clocks; any status but "closed", may be empty.')
    retention_days: int = omittable(ge=1, le=MAX_DAYS)
    reopen_window_days: int = omittable(ge=0, le=MAX_DAYS)
    duplicate_window_days: int = omittable(ge=0, le=MAX_DAYS)
    reminder_before_percent: int = omittable(ge=0, le=100)
    public_intake_enabled: bool = omittable()
    external_recourse: str = omittable()
    max_attachment_mb: int = omittable(ge=1, le=SMALL_INT)
