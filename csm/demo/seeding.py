"""Turning an `OrgSpec` into rows: fast, and the same rows for the same seed.

Guarantees: for a given spec, `seed` and `scale` every name, number, link and timestamp is the same on
every run and every database (timestamps come from `SEEDED_AT`, randomness from one
`random.Random(seed)`); only password hashes and API token secrets differ. Large tables are written
with `bulk_create`, and every demo user shares one precomputed password hash. This is a seed, not a
user action: it writes models directly instead of going through the services, and records a single
"seeded" audit event per organisation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models

from csm.accounts.models import ClientOrganization, Membership, Organization, Unit, User
from csm.catalogue.models import (
    Service,
    ServiceCharacteristic,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
    category_of,
)
from csm.core.audit import record_event
from csm.core.models import BusinessCalendar, CalendarHoliday, WorkingInterval
from csm.demo.spec import CalendarSpec, OrgSpec, PersonSpec, ServiceSpec

SEEDED_AT = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.UTC)
DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - published in the README and the demo banner
EXTRA_POINTS_PER_SERVICE = 20


@dataclass
class SeededOrganization:
    """What was made for one organisation: the row, its people by mailbox and the row counts."""

    organization: Organization
    people: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def extra_points_per_service(scale: int) -> int:
    """`--scale N` adds 20 * (N - 1) generated touch points to every service."""
    return EXTRA_POINTS_PER_SERVICE * (scale - 1)


class OrgBuilder:
    """Builds one organisation from its spec; keys in the spec resolve through the maps kept here."""

    def __init__(self, spec: OrgSpec, *, rng: random.Random, scale: int, password_hash: str) -> None:
        self.spec, self.rng, self.scale, self.password_hash = spec, rng, scale, password_hash
        self.clients: dict[str, ClientOrganization] = {}
        self.units: dict[str, Unit] = {}
        self.services: dict[str, Service] = {}
        self.points: dict[str, TouchPoint] = {}
        self.lines: dict[str, TouchLine] = {}

    def build(self) -> SeededOrganization:
        spec = self.spec
        org = Organization.objects.create(
            slug=spec.slug, name=spec.name, country=spec.country, timezone=spec.timezone,
            default_language=spec.language,
        )
        self.result = SeededOrganization(organization=org)
        self._clients(org)
        self._units(org)
        self._services(org)
        self._points(org)
        self._lines(org)
        self._faces(org)
        self._characteristics(org)
        self._calendars(org)
        self._people(org)
        return self.result

    def _count(self, name: str, rows: Iterable[models.Model]) -> None:
        self.result.counts[name] = self.result.counts.get(name, 0) + len(list(rows))

    def _clients(self, org: Organization) -> None:
        rows = [
            ClientOrganization(organization=org, name=name, code=code) for _, name, code in self.spec.clients
        ]
        ClientOrganization.objects.bulk_create(rows)
        self.clients = {key: row for (key, _, _), row in zip(self.spec.clients, rows, strict=True)}
        self._count("clients", rows)

    def _units(self, org: Organization) -> None:
        # Parents come before their children in the spec, so each unit can point at a saved parent.
        for item in self.spec.units:
            self.units[item.key] = Unit.objects.create(
                organization=org, kind=item.kind, name=item.name, code=item.code,
                parent=self.units[item.parent] if item.parent else None,
                client=self.clients[item.client] if item.client else None,
            )
        self._count("units", self.units.values())

    def _services(self, org: Organization) -> None:
        rows = [
            Service(organization=org, name=s.name, code=s.code, description=s.description,
                    unit=self._unit(s.unit))
            for s in self.spec.services
        ]
        Service.objects.bulk_create(rows)
        self.services = {s.key: row for s, row in zip(self.spec.services, rows, strict=True)}
        self._count("services", rows)

    def _unit(self, key: str | None) -> Unit | None:
        return self.units[key] if key else None

    def _points(self, org: Organization) -> None:
        keyed: list[tuple[str, TouchPoint]] = []
        generated: list[TouchPoint] = []
        for service_spec in self.spec.services:
            service = self.services[service_spec.key]
            keyed += [
                (p.key, TouchPoint(organization=org, service=service, name=p.name,
                                   code=f"{service.code}-{i:02d}", staffing=p.staffing, channel=p.channel,
                                   location=p.location, unit=self._unit(p.unit), description=p.description))
                for i, p in enumerate(service_spec.points, start=1)
            ]
            generated += self._generated_points(org, service_spec, service)
        TouchPoint.objects.bulk_create([point for _, point in keyed] + generated, batch_size=1000)
        self.points = dict(keyed)
        self._count("touch_points", [*self.points.values(), *generated])

    def _generated_points(self, org: Organization, spec: ServiceSpec, service: Service) -> list[TouchPoint]:
        numbers = {template.name: template.first for template in spec.templates}
        points = []
        for index in range(1, extra_points_per_service(self.scale) + 1):
            template = self.rng.choice(spec.templates)
            number, numbers[template.name] = numbers[template.name], numbers[template.name] + 1
            points.append(TouchPoint(
                organization=org, service=service, name=template.name.format(n=number),
                code=f"{service.code}-G{index:03d}",
                staffing=template.staffing, channel=template.channel,
                location=template.location.format(place=self.rng.choice(template.places)),
            ))
        return points

    def _lines(self, org: Organization) -> None:
        rows = [
            TouchLine(organization=org, service=self.services[line.service], name=line.name,
                      direction=line.direction, description=line.description)
            for line in self.spec.lines
        ]
        TouchLine.objects.bulk_create(rows)
        steps = [
            TouchLineStep(line=row, touch_point=self.points[key], position=position)
            for line, row in zip(self.spec.lines, rows, strict=True)
            for position, key in enumerate(line.points)
        ]
        TouchLineStep.objects.bulk_create(steps)
        self.lines = {row.name: row for row in rows}
        self._count("touch_lines", rows)

    def _faces(self, org: Organization) -> None:
        rows = [
            TouchFace(organization=org, service=self.services[face.service], name=face.name,
                      openness=face.openness, description=face.description)
            for face in self.spec.faces
        ]
        TouchFace.objects.bulk_create(rows)
        point_links, line_links = TouchFace.touch_points.through, TouchFace.touch_lines.through
        pairs = list(zip(self.spec.faces, rows, strict=True))
        point_links.objects.bulk_create(
            point_links(touchface=row, touchpoint=self.points[key])
            for face, row in pairs
            for key in face.points
        )
        line_links.objects.bulk_create(
            line_links(touchface=row, touchline=self.lines[name])
            for face, row in pairs
            for name in face.lines
        )
        self._count("touch_faces", rows)

    def _characteristics(self, org: Organization) -> None:
        rows = [
            ServiceCharacteristic(organization=org, name=c.name, kind=c.kind, category=category_of(c.kind),
                                  description=c.description)
            for c in self.spec.characteristics
        ]
        ServiceCharacteristic.objects.bulk_create(rows)
        links = ServiceCharacteristic.touch_points.through
        links.objects.bulk_create(
            links(servicecharacteristic=row, touchpoint=self.points[key])
            for c, row in zip(self.spec.characteristics, rows, strict=True)
            for key in c.points
        )
        self._count("characteristics", rows)

    def _calendars(self, org: Organization) -> None:
        rows = [_calendar(org, item) for item in self.spec.calendars]
        BusinessCalendar.objects.bulk_create(rows)
        pairs = list(zip(self.spec.calendars, rows, strict=True))
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=row, weekday=day, start=start, end=end)
            for item, row in pairs
            for day, start, end in item.intervals
        )
        CalendarHoliday.objects.bulk_create(
            CalendarHoliday(calendar=row, date=date, name=name)
            for item, row in pairs
            for date, name in item.holidays
        )
        self._count("calendars", rows)

    def _people(self, org: Organization) -> None:
        users = [self._user(person) for person in self.spec.people]
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(
            Membership(organization=org, user=user, role=person.role)
            for person, user in zip(self.spec.people, users, strict=True)
        )
        self.result.people = {
            person.mailbox: user for person, user in zip(self.spec.people, users, strict=True)
        }
        self._count("users", users)

    def _user(self, person: PersonSpec) -> User:
        full_name = self.spec.full_name_format.format(
            given=self.rng.choice(self.spec.given_names), family=self.rng.choice(self.spec.family_names)
        )
        return User(email=f"{person.mailbox}@{self.spec.email_domain}", full_name=full_name,
                    password=self.password_hash, preferred_language=self.spec.language)


def _calendar(org: Organization, item: CalendarSpec) -> BusinessCalendar:
    return BusinessCalendar(
        organization=org, name=item.name, timezone=item.timezone, country=item.country,
        include_public_holidays=item.include_public_holidays, is_default=item.is_default,
    )


def record_seeded(seeded: SeededOrganization, *, seed: int, scale: int) -> None:
    record_event(
        organization_id=seeded.organization.pk, actor="seed-demo", action="seeded", obj=seeded.organization,
        changes={"seed": [None, seed], "scale": [None, scale]},
    )
