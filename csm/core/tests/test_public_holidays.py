import datetime as dt

import pytest

from csm.core.public_holidays import holiday_language, public_holidays, supported_countries


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        ("PL", "pl", "pl"),
        ("PL", "en", "en_US"),
        ("PL", "zh-hans", "pl"),
        ("CN", "zh-hans", "zh_CN"),
        ("CN", "pl", "zh_CN"),
        ("DE", None, "de"),
        ("XX", "en", None),
    ],
)
def test_it_maps_django_languages_to_the_packages_languages(country, language, expected):
    assert holiday_language(country, language) == expected


@pytest.mark.parametrize(
    ("country", "language", "day", "name"),
    [
        ("PL", "pl", dt.date(2026, 11, 11), "Narodowe Święto Niepodległości"),
        ("PL", "en", dt.date(2026, 11, 11), "National Independence Day"),
        ("CN", "zh-hans", dt.date(2026, 10, 1), "国庆节"),
        ("CN", "en", dt.date(2026, 10, 1), "National Day"),
    ],
)
def test_it_names_public_holidays_in_the_users_language(country, language, day, name):
    assert dict(public_holidays(country, "", 2026, language=language))[day] == name


def test_it_falls_back_to_the_countrys_own_language():
    assert dict(public_holidays("PL", "", 2026, language="zh-hans"))[dt.date(2026, 1, 1)] == "Nowy Rok"


def test_it_lists_holidays_by_date():
    days = [day for day, _ in public_holidays("PL", "", 2026, language="pl")]
    assert days == sorted(days)
    assert len(days) == 14


def test_subdivisions_add_their_own_holidays():
    bavaria = dict(public_holidays("DE", "BY", 2026, language="en"))
    berlin = dict(public_holidays("DE", "BE", 2026, language="en"))
    assert dt.date(2026, 1, 6) in bavaria
    assert dt.date(2026, 1, 6) not in berlin


def test_it_lists_two_letter_countries_with_their_subdivisions():
    countries = supported_countries()
    assert countries["PL"] == ()
    assert "BY" in countries["DE"]
    assert all(len(code) == 2 for code in countries)
