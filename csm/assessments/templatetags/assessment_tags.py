"""Template filters of the assessment pages: protocol texts in the page's language, and lookups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from csm.assessments import rounding
from csm.assessments.protocol import localized

register = template.Library()


@register.filter
def loc(texts: Mapping[str, str] | None, language: str) -> str:
    """`{{ question.text|loc:language }}`: the text in that language, else English."""
    return localized(texts, language) if texts else ""


@register.filter
def descriptor(question: Any, level: int) -> Mapping[str, str]:
    """`{{ question|descriptor:2 }}`: the level descriptor texts of a score."""
    return question.levels.get(int(level), {})  # type: ignore[no-any-return]


@register.filter
def get(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{rounding.percent(value)} %"
