"""Reads for complaint configuration: categories, remedies, SLA policies, escalation tiers,
jurisdiction presets and the per-organisation settings.

Every list is scoped to the actor's organisation and needs `complaints.view`; an `access_*` of a
missing id and of another organisation's id both raise NotFound. `get_settings` and `policy_for`
take an organisation id instead of an actor because the complaint services (and the worker) call
them on behalf of the organisation, not of a user.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Organization
from csm.complaints.models import (
    ComplaintCategory,
    ComplaintSettings,
    EscalationTier,
    JurisdictionPreset,
    Remedy,
    SlaPolicy,
)
from csm.complaints.workflow import Status
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found

M = TypeVar("M", bound=models.Model)

DEFAULT_PAUSE_STATUSES = [Status.AWAITING_CUSTOMER.value]



def _scoped(model: type[M], actor: Actor) -> QuerySet[M]:
    actor.require(roles.COMPLAINTS_VIEW)
    return model._default_manager.filter(organization_id=actor.organization_id)


def list_categories(*, actor: Actor) -> QuerySet[ComplaintCategory]:
    return _scoped(ComplaintCategory, actor)


def access_category(*, actor: Actor, category_id: int) -> ComplaintCategory:
    return get_or_not_found(list_categories(actor=actor), category_id)


def list_remedies(*, actor: Actor) -> QuerySet[Remedy]:
    return _scoped(Remedy, actor)


def access_remedy(*, actor: Actor, remedy_id: int) -> Remedy:
    return get_or_not_found(list_remedies(actor=actor), remedy_id)


def list_sla_policies(*, actor: Actor) -> QuerySet[SlaPolicy]:
    return _scoped(SlaPolicy, actor).select_related("category", "calendar")


def access_sla_policy(*, actor: Actor, sla_policy_id: int) -> SlaPolicy:
    return get_or_not_found(list_sla_policies(actor=actor), sla_policy_id)


def list_escalation_tiers(*, actor: Actor) -> QuerySet[EscalationTier]:
    """The escalation ladder, lowest level first."""
    return _scoped(EscalationTier, actor).order_by("level", "id")


def access_escalation_tier(*, actor: Actor, escalation_tier_id: int) -> EscalationTier:
    return get_or_not_found(list_escalation_tiers(actor=actor), escalation_tier_id)


def list_presets(*, actor: Actor) -> QuerySet[JurisdictionPreset]:
    return _scoped(JurisdictionPreset, actor)


def access_preset(*, actor: Actor, preset_id: int) -> JurisdictionPreset:
    return get_or_not_found(list_presets(actor=actor), preset_id)


def get_settings(*, organization_id: int) -> ComplaintSettings:
    """The organisation's complaint settings, created with the defaults on first use (by default
    "awaiting customer" pauses the SLA clocks)."""
    settings, _created = ComplaintSettings.objects.get_or_create(
        organization_id=organization_id, defaults={"pause_statuses": list(DEFAULT_PAUSE_STATUSES)}
    )
    return settings


_GATE_FIELDS = ("id", "slug", "name", "timezone", "default_language")
GATE_SECONDS = 10.0  # how long a web process trusts what it read (see intake_organization)
_GATE_MAX = 1000  # slugs remembered at most, so that made-up slugs cannot fill the memory
_gates: dict[str, tuple[float, Organization | None]] = {}


def intake_organization(*, slug: str) -> Organization:
    """The organisation `slug` names if it takes complaints through its public form and API (no
    settings row yet means the defaults, which do), with only the fields the intake reads loaded;
    NotFound otherwise. The public intake's first step (decision 0010): one plain query, whose
    answer (either way) this process keeps for GATE_SECONDS, and forgets at once when it saves an
    organisation or complaint settings itself (`forget_intake_gates`); so switching the public form
    off takes effect everywhere within GATE_SECONDS."""
    now = time.monotonic()
    found = _gates.get(slug)
    if found is None or found[0] <= now:
        if len(_gates) >= _GATE_MAX:
            _gates.clear()
        found = _gates[slug] = (now + GATE_SECONDS, _read_gate(slug))
    if found[1] is None:
        raise NotFound()
    return found[1]


def forget_intake_gates(**_kwargs: Any) -> None:
    """Drop what `intake_organization` remembers (a signal receiver: see apps.py)."""
    _gates.clear()


def _read_gate(slug: str) -> Organization | None:
    quote = connection.ops.quote_name
    org, settings = Organization._meta, ComplaintSettings._meta
    fields = [field for field in org.concrete_fields if field.attname in _GATE_FIELDS]  # from_db's order
    columns = ", ".join(f"o.{quote(str(field.column))}" for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(org.db_table)} o "  # noqa: S608 - names come from the models
            f"LEFT JOIN {quote(settings.db_table)} s ON s.{_column(settings, 'organization')} = o.id "
            f"WHERE o.{_column(org, 'slug')} = %s "
            f"AND (s.id IS NULL OR s.{_column(settings, 'public_intake_enabled')})", [slug])
        row = cursor.fetchone()
    return None if row is None else Organization.from_db(connection.alias, [f.attname for f in fields], list(row))


def _column(meta: Any, name: str) -> str:
    field = meta.get_field(name)
    return str(connection.ops.quote_name(field.column))


def settings_for(*, actor: Actor) -> ComplaintSettings:
    """`get_settings` of the actor's organisation, for anyone who may view complaints."""
    actor.require(roles.COMPLAINTS_VIEW)
    return get_settings(organization_id=actor.organization_id)


def _specificity(policy: SlaPolicy) -> int:
    return 2 * (policy.category_id is not None) + (policy.priority != "")


def _matching(field: str, value: object) -> models.Q:
    """Policies for exactly this value or for any (blank); a complaint without one matches only "any"."""
    blank = models.Q(**{f"{field}__isnull": True}) if field == "category_id" else models.Q(**{field: ""})
    return blank | models.Q(**{field: value}) if value not in (None, "") else blank


def policy_for(*, organization_id: int, category_id: int | None, priority: str) -> SlaPolicy | None:
    """The most specific active SLA policy of the organisation for a complaint: one for its category
    and priority, else for its category (any priority), else for its priority (any category), else
    one for any complaint; None when nothing matches. Among equally specific policies the oldest
    (lowest id) wins, so the choice is stable. The calendar comes with it."""
    candidates = (
        SlaPolicy.objects.filter(organization_id=organization_id, is_active=True)
        .filter(_matching("category_id", category_id), _matching("priority", priority))
        .select_related("calendar")
        .order_by("id")
    )
    return max(candidates, key=_specificity, default=None)
