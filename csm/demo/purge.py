"""Deleting whole organisations with everything that hangs off them, for `seed-demo --reset` only.

Rows are found by following foreign keys from each table to the organisation (directly, or through
parents that cascade), and deleted table by table with plain DELETE statements, deepest tables first,
inside the caller's transaction. Model `delete()` is skipped on purpose: PROTECT keys inside the
organisation (a touch point protects its service) and the append-only audit log would refuse a
cascade, yet here every one of those rows goes. Django creates foreign keys DEFERRABLE INITIALLY
DEFERRED on PostgreSQL and SQLite, so a row left pointing at a deleted one fails the commit instead of
dangling. See docs/decisions/0004-demo-reset-deletes-whole-organisations.md.
"""

from __future__ import annotations

from collections import deque

from django.apps import apps
from django.db import models

from csm.accounts.models import Organization

MAX_DEPTH = 4


def _path_to_organization(model: type[models.Model]) -> str | None:
    """The shortest lookup from `model` to Organization's id, e.g. "touchface__organization"."""
    queue: deque[tuple[type[models.Model], str, int]] = deque([(model, "", 0)])
    while queue:
        current, prefix, depth = queue.popleft()
        for field in current._meta.concrete_fields:
            target = field.related_model if (field.many_to_one or field.one_to_one) else None
            if target is Organization:
                return f"{prefix}{field.name}"
            cascades = getattr(field.remote_field, "on_delete", None) is models.CASCADE
            if target is not None and target is not current and cascades and depth < MAX_DEPTH:
                queue.append((target, f"{prefix}{field.name}__", depth + 1))  # type: ignore[arg-type]
    return None


def deletion_plan() -> list[tuple[type[models.Model], str]]:
    """Every table holding organisation rows with its lookup path, deepest first."""
    plan = []
    for model in apps.get_models(include_auto_created=True):
        if model is Organization or model._meta.proxy or not model._meta.managed:
            continue
        path = _path_to_organization(model)
        if path is not None:
            plan.append((model, path))
    return sorted(plan, key=lambda item: (-item[1].count("__"), item[0]._meta.label))


def purge_organizations(organization_ids: list[int]) -> int:
    """Delete the organisations and all their rows; returns the number of rows deleted."""
    if not organization_ids:
        return 0
    deleted = 0
    for model, path in deletion_plan():
        rows = model._base_manager.filter(**{f"{path}__in": organization_ids})
        deleted += rows._raw_delete(rows.db)
    organizations = Organization.objects.filter(pk__in=organization_ids)
    return deleted + organizations._raw_delete(organizations.db)
