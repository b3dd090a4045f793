"""Formatting the cells of an analytics table by column kind (analytics_export): shares as
percentages, rates with more digits, hours and money with two decimals, in the active locale."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

from csm.complaints import analytics_export as export

register = template.Library()

_PERCENT_DECIMALS = {export.RATIO: 1, export.RATE: 3}


@register.filter
def analytics_cell(value: Any, kind: str) -> str:
    """"—" for no value; a ratio 0.375 as "37.5 %"; a rate 0.00356 as "0.356 %"."""
    if value is None or value == "":
        return "—"
    if kind in _PERCENT_DECIMALS:
        return percent(value, _PERCENT_DECIMALS[kind])
    if kind in (export.NUMBER, export.MONEY):
        return formats.number_format(round(value, 2), 2)
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True)
    return formats.localize(value)


@register.filter
def percent(value: float | None, decimals: int = 1) -> str:
    """0.66667 as "66.7 %" (rounded half to even first: number_format alone would cut the digits)."""
    if value is None:
        return "—"
    return f"{formats.number_format(round(value * 100, decimals), decimals)} %"


@register.simple_tag
def cells(row: tuple[Any, ...], kinds: tuple[str, ...]) -> list[tuple[Any, str]]:
    """The row's (value, kind) pairs, for the template to loop over."""
    return list(zip(row, kinds, strict=True))
