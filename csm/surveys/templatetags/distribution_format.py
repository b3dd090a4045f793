"""Numbers of the distribution pages: a share as a percentage, a margin of error in points."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

NONE = "—"


@register.filter
def percent(value: float | None, places: int = 0) -> str:
    """0.4236 → "42 %" (or "42.4 %" with 1 place, in the active locale's format)."""
    if value is None:
        return NONE
    return f"{number_format(value * 100, decimal_pos=places)} %"


@register.filter
def margin_points(value: float | None) -> str:
    """A margin of error as a fraction → "±4.9" percentage points."""
    if value is None:
        return NONE
    return f"±{number_format(value * 100, decimal_pos=1)}"
