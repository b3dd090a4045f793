"""Filters that render audit events for people: action names, object types and changed values."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.utils.translation import gettext_lazy as _

register = template.Library()

_ACTIONS = {
    "created": _("created"),
    "updated": _("updated"),
    "deleted": _("deleted"),
    "holiday_added": _("holiday added"),
    "holiday_removed": _("holiday removed"),
    "revoked": _("revoked"),
    "seeded": _("demo data loaded"),
}

# The models' Meta.verbose_name is not marked for translation, so audited models are named here.
_OBJECT_TYPES = {
    "accounts.organization": _("organisation"),
    "accounts.clientorganization": _("client organisation"),
    "accounts.unit": _("unit"),
    "accounts.user": _("user"),
    "accounts.membership": _("membership"),
    "accounts.apitoken": _("API token"),
    "core.businesscalendar": _("business calendar"),
    "catalogue.service": _("service"),
    "catalogue.touchpoint": _("touch point"),
    "catalogue.touchline": _("touch line"),
    "catalogue.touchface": _("touch face"),
    "catalogue.servicecharacteristic": _("service characteristic"),
}


@register.filter
def audit_action(action: str) -> Any:
    """The translated name of a known action; other actions show as recorded."""
    return _ACTIONS.get(action, action)


@register.filter
def audit_object_type(object_type: str) -> Any:
    """The model's verbose name for "app_label.model", or the raw label when the model is unknown."""
    if object_type in _OBJECT_TYPES:
        return _OBJECT_TYPES[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return model._meta.verbose_name


@register.filter
def audit_value(value: Any) -> str:
    """One JSON value as short text: lists are comma-separated, nothing is a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(audit_value(item) for item in value) if value else "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


@register.filter
def audit_actor(event: Any) -> str:
    """The actor's name when the user still exists, else the label recorded at the time."""
    user = getattr(event, "actor", None)
    if user is not None:
        return user.full_name or user.email
    return event.actor_label or str(_("system"))
