"""The data set behind the dashboard tests: acme's published hotel survey (items room, staff and
check-in, each tied to a service characteristic, with importance), 150 complete responses given
through `submit_response` and counted by the rollup poller, and a globex survey that must stay
hidden. Everything is seeded, so every test sees the same answers.

Units: Warsaw (site) > Warsaw spa (team); Kraków (site). Touch points of the service "Hotel stay":
Reception, Restaurant. Response r (0-149):
- completed on 2026-01-05 + (r × 17 mod 80) days, 10:00 Warsaw time (January to March);
- unit: Warsaw for r % 3 == 0, Warsaw spa for r % 3 == 1, Kraków otherwise;
- touch point: Reception for even r, Restaurant for odd r, none for every tenth;
- channel: qr for r % 4 == 0, link otherwise;
- purpose (the segment): business for r < 90, leisure for 90 ≤ r < 110 (20: below the base of
  30), none after;
- ratings drawn around a respondent's mood; effort (CES) on every other response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from csm.accounts.models import Organization, Unit, UnitKind
from csm.catalogue.models import Service, TouchPoint
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.core import clock
from csm.surveys.models import Survey
from csm.surveys.services import rollups
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = dt.datetime(2026, 4, 2, 12, 0, tzinfo=dt.UTC)
COUNT = 150
ITEM_KEYS = ("chars.room", "chars.staff", "chars.checkin")


@dataclass(frozen=True)
class Given:
    """One response as given: its answers and where, when and how."""

    answers: dict[str, Any]
    day: dt.date
    unit: Unit
    touch_point: TouchPoint | None
    channel: str
    segment: str


@dataclass(frozen=True)
class DataSet:
    survey: Survey
    service: Service
    warsaw: Unit
    spa: Unit
    krakow: Unit
    reception: TouchPoint
    restaurant: TouchPoint
    given: list[Given]


def _answers(rng: np.random.Generator, r: int) -> dict[str, Any]:
    mood = rng.normal(3.6, 0.9)

    def rating(spread: float = 0.8) -> int:
        return int(np.clip(np.rint(mood + rng.normal(0, spread)), 1, 5))

    segment = "business" if r < 90 else "leisure" if r < 110 else None
    return full_answers(**{
        "chars.room": rating(), "chars.staff": rating(), "chars.checkin": rating(1.1),
        "chars.room.second": int(rng.integers(3, 6)), "chars.staff.second": int(rng.integers(2, 6)),
        "chars.checkin.second": int(rng.integers(1, 6)), "overall": rating(0.5),
        "nps": int(np.clip(np.rint(2.2 * mood + rng.normal(0, 1.2)), 0, 10)),
        "effort": int(rng.integers(1, 8)) if r % 2 == 0 else None, "purpose": segment,
        "why_low": None, "comment": None})


def build(organization: Organization, persona: Any, *, count: int = COUNT, seed: int = 11) -> DataSet:
    """The survey and its responses (under a clock frozen at NOW), rolled up."""
    with clock.frozen(NOW):
        warsaw = Unit.objects.create(organization=organization, kind=UnitKind.SITE, name="Warsaw")
        spa = Unit.objects.create(organization=organization, kind=UnitKind.TEAM, name="Warsaw spa", parent=warsaw)
        krakow = Unit.objects.create(organization=organization, kind=UnitKind.SITE, name="Kraków")
        service = ServiceFactory(organization=organization, name="Hotel stay")
        reception = TouchPointFactory(service=service, name="Reception")
        restaurant = TouchPointFactory(service=service, name="Restaurant")
        survey = published_survey(persona, service=service)
        rng = np.random.default_rng(seed)
        given = []
        for r in range(count):
            answers = _answers(rng, r)
            day = dt.date(2026, 1, 5) + dt.timedelta(days=(r * 17) % 80)
            unit = (warsaw, spa, krakow)[r % 3]
            point = None if r % 10 == 0 else (reception if r % 2 == 0 else restaurant)
            channel = "qr" if r % 4 == 0 else "link"
            submit_response(survey=survey, submission=Submission(
                answers, new_key(), complete=True, channel=channel, unit_id=unit.pk,
                touch_point_id=point.pk if point else None,
                completed_at=dt.datetime.combine(day, dt.time(10), tzinfo=WARSAW)))
            given.append(Given(answers, day, unit, point, channel, answers.get("purpose", "")))
        while rollups.roll_up_pending():
            pass
    return DataSet(survey, service, warsaw, spa, krakow, reception, restaurant, given)


def other_organisation(globex: Organization, persona: Any) -> Survey:
    """A globex survey with five responses, rolled up."""
    with clock.frozen(NOW):
        survey = published_survey(persona)
        for _ in range(5):
            submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
        while rollups.roll_up_pending():
            pass
    return survey


CSV_COLUMNS = (*ITEM_KEYS, *(f"{key}.second" for key in ITEM_KEYS), "overall", "nps", "effort", "purpose", "day")


def csv_rows(given: list[Given]) -> list[list[str]]:
    """The responses as the rows of a survey export (blank: not answered)."""
    return [[str(g.answers.get(column, "")) if column != "day" else g.day.isoformat() for column in CSV_COLUMNS]
            for g in given]
