"""The shape of a demo organisation, as plain frozen data.

`hotels.py` and `telecom.py` each describe one organisation with these types; `seeding.py` turns a
description into rows. Keys (`key`, `unit`, `points`, …) name other parts of the same description,
so the data reads like the organisation chart and the service blueprint it stands for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from csm.accounts.roles import Role


@dataclass(frozen=True)
class UnitSpec:
    key: str
    kind: str
    name: str
    parent: str | None = None
    code: str = ""
    client: str | None = None


@dataclass(frozen=True)
class PointSpec:
    key: str
    name: str
    staffing: str
    channel: str
    location: str = ""
    unit: str | None = None
    description: str = ""


@dataclass(frozen=True)
class PointTemplate:
    """A pattern for extra touch points made by `--scale`: `{n}` counts up from `first`, `{place}` is
    drawn from `places`."""

    name: str
    staffing: str
    channel: str
    location: str
    places: tuple[str, ...]
    first: int = 1


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    name: str
    code: str
    description: str
    unit: str | None
    points: tuple[PointSpec, ...]
    templates: tuple[PointTemplate, ...]


@dataclass(frozen=True)
class LineSpec:
    service: str
    name: str
    direction: str
    points: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class FaceSpec:
    service: str
    name: str
    openness: str
    points: tuple[str, ...]
    lines: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CharacteristicSpec:
    kind: str
    name: str
    points: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class CalendarSpec:
    name: str
    timezone: str
    country: str
    intervals: tuple[tuple[int, dt.time, dt.time], ...]
    holidays: tuple[tuple[dt.date, str], ...] = ()
    include_public_holidays: bool = True
    is_default: bool = False


@dataclass(frozen=True)
class PersonSpec:
    """A demo user: `mailbox`@`OrgSpec.email_domain`, with a name drawn from the organisation's pools."""

    mailbox: str
    role: str


# One person for every role, in every demo organisation.
PEOPLE = (
    PersonSpec("admin", Role.ORG_ADMIN),
    PersonSpec("quality", Role.QUALITY_MANAGER),
    PersonSpec("handler", Role.COMPLAINT_HANDLER),
    PersonSpec("inspector", Role.INSPECTOR),
    PersonSpec("assessor", Role.ASSESSOR),
    PersonSpec("viewer", Role.VIEWER),
)


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    country: str
    timezone: str
    language: str
    email_domain: str
    clients: tuple[tuple[str, str, str], ...]
    units: tuple[UnitSpec, ...]
    services: tuple[ServiceSpec, ...]
    lines: tuple[LineSpec, ...]
    faces: tuple[FaceSpec, ...]
    characteristics: tuple[CharacteristicSpec, ...]
    calendars: tuple[CalendarSpec, ...]
    people: tuple[PersonSpec, ...]
    given_names: tuple[str, ...]
    family_names: tuple[str, ...]
    full_name_format: str = "{given} {family}"
