"""Formatting the satisfaction dashboard's figures in the active locale: scores and NPS with one
decimal, shares as percentages, intervals as "[low – high]", p-values with three decimals (or
"< 0.001"), differences signed; "—" for none. The files keep the unrounded numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from csm.surveys import dashboard_export as export
from csm.surveys.dashboard_blueprint import heat_colour

register = template.Library()
DASH = "—"


def _number(value: float, decimals: int) -> str:
    return str(formats.number_format(round(value, decimals), decimals))


@register.filter
def score(value: float | None, decimals: int = 1) -> str:
    return DASH if value is None else _number(value, decimals)


@register.filter
def share(value: float | None, decimals: int = 1) -> str:
    """0.6667 as "66.7 %"."""
    return DASH if value is None else f"{_number(value * 100, decimals)} %"


@register.filter
def signed(value: float | None, decimals: int = 1) -> str:
    """A difference with its sign: "+3.2", "−1.0"."""
    if value is None:
        return DASH
    text = _number(abs(value), decimals)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


@register.filter
def signed_share(value: float | None) -> str:
    """A difference of shares in percentage points: "+4.1 pp"."""
    return DASH if value is None else f"{signed(value * 100)} pp"


@register.filter
def p_value(value: float | None) -> str:
    if value is None:
        return DASH
    return f"< {_number(0.001, 3)}" if value < 0.001 else _number(value, 3)


@register.filter
def interval(estimate: Any, kind: str = "score") -> str:
    """An estimate's 95 % interval as "[low – high]" ("" without one); kind "share" in %."""
    if estimate is None or estimate.ci_low is None or estimate.ci_high is None:
        return ""
    shown = share if kind == "share" else score
    return f"[{shown(estimate.ci_low)} – {shown(estimate.ci_high)}]"


@register.filter
def label(words: Mapping[str, str]) -> str:
    """An item's wording in the active language."""
    return export.localized(words)


@register.filter
def heat(value: float | None) -> str:
    return heat_colour(value)


@register.filter
def quadrant(value: str | None) -> str:
    return export.quadrant_label(value)


@register.simple_tag
def versus(test: Any, kind: str = "score") -> SafeString:
    """A segment against the rest: the difference with ▲ or ▼ when significant (Holm), and p."""
    if test is None:
        return format_html("{}", DASH)
    diff = signed_share(test.diff) if kind == "share" else signed(test.diff)
    if not test.significant:
        return format_html('<span class="muted">{} <small>(p = {})</small></span>', diff, p_value(test.p_adjusted))
    arrow, tone = ("▲", "success") if test.diff > 0 else ("▼", "danger")
    return format_html('<span class="badge {}" title="{}">{} {}</span> <small>(p = {})</small>', tone,
                       _("Significant at 5% (Holm-adjusted)"), arrow, diff, p_value(test.p_adjusted))


@register.simple_tag
def change(value: Any, kind: str = "score") -> SafeString:
    """A period's change: the difference (▲/▼ when significant), p and the MDD."""
    if value is None:
        return format_html("{}", DASH)
    shown = signed_share if kind == "share" else signed
    if value.mdd is None:
        mdd = DASH
    else:
        mdd = f"{_number(value.mdd * 100, 1)} pp" if kind == "share" else score(value.mdd)
    if value.significant:
        arrow, tone = ("▲", "success") if value.diff > 0 else ("▼", "danger")
        head = format_html('<span class="badge {}">{} {}</span>', tone, arrow, shown(value.diff))
    else:
        head = format_html("{}", shown(value.diff))
    return format_html('{} <small class="muted">p = {} · {} {}</small>', head, p_value(value.p_value), _("MDD"), mdd)
