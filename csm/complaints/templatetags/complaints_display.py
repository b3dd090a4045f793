"""Filters for the handler pages: an SLA clock as a badge (icon and words, never colour alone),
durations, and the labels of statuses and timeline events."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from csm.complaints.models import STATUS_LABELS, EventKind
from csm.complaints.views.clocks import StepClock
from csm.complaints.views.explanations import format_duration
from csm.complaints.workflow import Status

register = template.Library()

# status → (badge variant, icon, text); None text means "time left" / "overdue by", computed.
_BADGES: dict[str, tuple[str, str, Any]] = {
    "met": ("success", "✓", _("Met")),
    "missed": ("danger", "✗", _("Done late")),
    "running": ("info", "⏱", None),
    "warning": ("warning", "⚠", None),
    "breached": ("danger", "⚠", None),
    "paused": ("muted", "⏸", _("Paused")),
    "skipped": ("muted", "—", _("Not reached")),
    "none": ("muted", "—", _("No SLA")),
    "unavailable": ("muted", "?", _("Cannot compute")),
}


def _clock_text(clock: StepClock) -> str:
    text = _BADGES[clock.status][2]
    if text is not None:
        return str(text)
    days = not clock.is_working_time
    if clock.status == "breached":
        return gettext("Overdue by %(late)s") % {"late": format_duration(clock.overdue_seconds, days=days)}
    return gettext("%(left)s left") % {"left": format_duration(clock.remaining_seconds, days=days)}


def _due_title(clock: StepClock) -> str:
    if clock.due is None:
        return ""
    when = formats.date_format(timezone.localtime(clock.due), "SHORT_DATETIME_FORMAT")
    if clock.is_working_time:
        text = gettext("%(step)s due %(when)s (time counted in working hours)")
        return text % {"step": clock.label, "when": when}
    return gettext("%(step)s due %(when)s") % {"step": clock.label, "when": when}


@register.filter
def clock_badge(clock: StepClock) -> SafeString:
    """A badge such as "⏱ 5 h 20 min of working time left", its due time in the title."""
    variant, icon, _text = _BADGES.get(clock.status, _BADGES["unavailable"])
    return format_html(
        '<span class="badge {} clock clock-{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
        variant, clock.status, _due_title(clock), icon, _clock_text(clock))


@register.filter
def duration(seconds: float) -> str:
    return format_duration(seconds or 0)


@register.filter
def status_label(status: str) -> str:
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


@register.filter
def event_label(kind: str) -> str:
    try:
        return str(EventKind(kind).label)
    except ValueError:
        return kind


_ACTOR_LABELS = {"complainant": _("Complainant"), "system": _("System")}


@register.filter
def event_actor(label: str) -> str:
    """Who did it: a staff member's e-mail, or "complainant" / "system" in the reader's language."""
    return str(_ACTOR_LABELS.get(label, label))
