"""Public holidays from the `holidays` package, with names in the user's language where it has them.

The package knows each country's subdivisions and the languages its holiday names come in (e.g.
PL: pl, en_US, de, uk; CN: zh_CN, zh_TW, en_US, th). A Django language code is matched to one of
those ("zh-hans" → "zh_CN", "en" → "en_US"); when none matches, the country's own language is used.
Countries without translations give their names in the language the package wrote them in.
Results are cached per (country, subdivision, year, language): the data ships with the package.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

import holidays
from django.utils import translation
from holidays import registry

# Django language code → holidays language codes to try, in order.
_LANGUAGE_CANDIDATES = {
    "en": ("en_US", "en_GB", "en"),
    "pl": ("pl",),
    "zh-hans": ("zh_CN", "zh_Hans", "zh"),
}


@functools.cache
def supported_countries() -> dict[str, tuple[str, ...]]:
    """ISO 3166 alpha-2 code → the subdivision codes the package knows for it."""
    return {code: tuple(subs) for code, subs in holidays.list_supported_countries().items() if len(code) == 2}


@functools.cache
def country_names() -> dict[str, str]:
    """ISO code → the English country name the package uses ("GB" → "United Kingdom"), by code."""
    names = {entry[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]) for entry in registry.COUNTRIES.values()}
    return {code: names.get(code, code) for code in sorted(supported_countries())}


@functools.cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def holiday_language(country: str, language: str | None) -> str | None:
    """The holidays-package language for a Django language code, else the country's own language
    (None when the package has no translations for the country). Never the server's locale,
    which the package would otherwise pick up from the environment."""
    supported = _supported_languages(country)
    base = (language or "").lower()
    candidates = _LANGUAGE_CANDIDATES.get(base) or _LANGUAGE_CANDIDATES.get(base.split("-")[0], (base,))
    return next((code for code in candidates if code in supported), _default_language(country))


def public_holidays(
    country: str, subdivision: str, year: int, *, language: str | None = None
) -> list[tuple[dt.date, str]]:
    """(date, name) of the public holidays of a country (and subdivision) in a year, by date.

    `language` is a Django language code; by default the active one."""
    chosen = holiday_language(country, language if language is not None else translation.get_language())
    return list(_cached(country, subdivision, year, chosen))


def makeup_working_days(country: str, subdivision: str, year: int) -> tuple[dt.date, ...]:
    """Weekend dates of `year` that are worked in exchange for a longer public holiday (China's
    调休, which the package knows as `weekend_workdays`); empty for countries without them."""
    return _makeup_cached(country, subdivision, year)


@functools.lru_cache(maxsize=512)
def _makeup_cached(country: str, subdivision: str, year: int) -> tuple[dt.date, ...]:
    entries = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    worked = getattr(entries, "weekend_workdays", None) or ()
    return tuple(sorted(day for day in worked if day.year == year))


@functools.lru_cache(maxsize=512)
def _cached(country: str, subdivision: str, year: int, language: str | None) -> tuple[tuple[dt.date, str], ...]:
    entries = holidays.country_holidays(country, subdiv=subdivision or None, years=year, language=language)
    return tuple(sorted(entries.items()))


@functools.cache
def _supported_languages(country: str) -> tuple[str, ...]:
    return tuple(holidays.list_localized_countries().get(country, ()))


@functools.cache
def _default_language(country: str) -> str | None:
    if country not in supported_countries():
        return None
    language = holidays.country_holidays(country).default_language
    return language if isinstance(language, str) else None
