"""The hand-built data set behind the analytics tests, with every expected number worked out below.

Acme (Europe/Warsaw, UTC+1 in winter), period 2026-01-01 to 2026-02-28, "now" 2026-03-02 12:00 UTC.
Units: Hotel (site) > Front desk, Spa (teams); Airport (site). Rows are written directly: this is
a fixture for reads, and each timestamp must be exact.

ref  received (UTC)    unit        category     channel  touch point  status         ack h  resp h  res h
c1   Jan 05 09:00      Front desk  Cleanliness  web      Reception    closed         1      72      120
c2   Jan 10 09:00      Spa         Cleanliness  phone    Reception    closed (1 reopen) 12  120     240
c3   Jan 31 23:30 (= Feb 1 00:30 in Warsaw)
                       Front desk  Noise        email    Lift         acknowledged   2      -       -
c4   Feb 10 09:00      Airport     Cleanliness  web      -            closed         0.5    48      96
c5   Feb 20 09:00      -           Billing      phone    Lift         referred       1      96      -
c8   Feb 27 09:00      Front desk  Noise        web      Lift         received       -      -       -
c9   Feb 28 20:00      Spa         -            web      -            received       -      -       -
c10  Jan 20 09:00      Front desk  Noise        letter   Reception    investigating  2      -       -
out  Dec 31 22:30 (= Dec 31 23:30 in Warsaw: before the period), closed Jan 03 09:00
globex: one complaint in the period.

On time (done ≤ due; or not done and past due, except c5 while referred):
acknowledge 5/7 (c2 late, c8 overdue; c9 has no due date), assess 4/6 (c2 late, c3 overdue),
respond 3/6 (c3, c10 overdue, c4 late), resolve 2/5 (c3, c10 overdue, c4 late; c5 referred).
Outcomes: c1 upheld, c2 partly, c4 not, c5 upheld. Remedies (decision communicated): c1 Refund
50.00, c2 Voucher 20.00, c5 Refund 30.05. Open now: c3 29.52 days, c5 10.125, c8 3.125, c9 1.667,
c10 41.125.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from csm.accounts.models import Organization, Unit, UnitKind
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints.models import Complaint, ComplaintCategory, Remedy, ServiceVolume
from csm.complaints.workflow import Status

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 2, 28))
_references = itertools.count(1)


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def hours_after(start: dt.datetime, hours: float) -> dt.datetime:
    return start + dt.timedelta(hours=hours)


def make_complaint(organization: Organization, received_at: dt.datetime, **fields: Any) -> Complaint:
    number = next(_references)
    return Complaint.objects.create(
        organization=organization, reference=f"T-{number}", tracking_secret=f"secret-{number}",
        channel=fields.pop("channel", "web"), received_at=received_at, complainant_name="Jan Kowalski",
        complainant_email="jan@example.com", description="Test complaint.", **fields)


def hand_built(acme: Organization, globex: Organization) -> dict[str, Any]:
    """The rows of the module docstring; returns them by name."""
    hotel = Unit.objects.create(organization=acme, kind=UnitKind.SITE, name="Hotel")
    desk = Unit.objects.create(organization=acme, kind=UnitKind.TEAM, name="Front desk", parent=hotel)
    spa = Unit.objects.create(organization=acme, kind=UnitKind.TEAM, name="Spa", parent=hotel)
    airport = Unit.objects.create(organization=acme, kind=UnitKind.SITE, name="Airport")
    cleanliness, noise, billing = (ComplaintCategory.objects.create(organization=acme, name=name)
                                   for name in ("Cleanliness", "Noise", "Billing"))
    refund, voucher = (Remedy.objects.create(organization=acme, name=name) for name in ("Refund", "Voucher"))
    service = ServiceFactory(organization=acme, name="Stay")
    reception = TouchPointFactory(service=service, name="Reception")
    lift = TouchPointFactory(service=service, name="Lift")

    t1 = at(1, 5)
    c1 = make_complaint(acme, t1, unit=desk, category=cleanliness, channel="web", touch_point=reception,
                        status=Status.CLOSED, acknowledged_at=hours_after(t1, 1), acknowledge_due_at=at(1, 6),
                        assessed_at=at(1, 6), assess_due_at=at(1, 7), responded_at=hours_after(t1, 72),
                        respond_due_at=at(1, 9), closed_at=hours_after(t1, 120), resolve_due_at=at(1, 20),
                        outcome="upheld", remedy=refund, remedy_cost=Decimal("50.00"))
    t2 = at(1, 10)
    c2 = make_complaint(acme, t2, unit=spa, category=cleanliness, channel="phone", touch_point=reception,
                        status=Status.CLOSED, acknowledged_at=hours_after(t2, 12), acknowledge_due_at=at(1, 10, 17),
                        assessed_at=at(1, 13), assess_due_at=at(1, 12), responded_at=hours_after(t2, 120),
                        respond_due_at=at(1, 20), closed_at=hours_after(t2, 240), resolve_due_at=at(1, 25),
                        reopen_count=1, outcome="partly_upheld", remedy=voucher, remedy_cost=Decimal("20.00"))
    t3 = at(1, 31, 23, 30)
    c3 = make_complaint(acme, t3, unit=desk, category=noise, channel="email", touch_point=lift,
                        status=Status.ACKNOWLEDGED, acknowledged_at=hours_after(t3, 2), acknowledge_due_at=at(2, 2),
                        assess_due_at=at(2, 3), respond_due_at=at(2, 10), resolve_due_at=at(2, 20))
    t4 = at(2, 10)
    c4 = make_complaint(acme, t4, unit=airport, category=cleanliness, channel="web", status=Status.CLOSED,
                        acknowledged_at=hours_after(t4, 0.5), acknowledge_due_at=at(2, 11), assessed_at=at(2, 11),
                        assess_due_at=at(2, 12), responded_at=hours_after(t4, 48), respond_due_at=at(2, 11),
                        closed_at=hours_after(t4, 96), resolve_due_at=at(2, 13), outcome="not_upheld")
    t5 = at(2, 20)
    c5 = make_complaint(acme, t5, category=billing, channel="phone", touch_point=lift, status=Status.REFERRED,
                        acknowledged_at=hours_after(t5, 1), acknowledge_due_at=at(2, 21), assessed_at=at(2, 21),
                        assess_due_at=at(2, 23), responded_at=hours_after(t5, 96), respond_due_at=at(3, 1),
                        resolve_due_at=at(2, 28), outcome="upheld", remedy=refund, remedy_cost=Decimal("30.05"))
    c8 = make_complaint(acme, at(2, 27), unit=desk, category=noise, channel="web", touch_point=lift,
                        acknowledge_due_at=at(2, 28))
    c9 = make_complaint(acme, at(2, 28, 20), unit=spa, channel="web")
    t10 = at(1, 20)
    c10 = make_complaint(acme, t10, unit=desk, category=noise, channel="letter", touch_point=reception,
                         status=Status.INVESTIGATING, acknowledged_at=hours_after(t10, 2),
                         acknowledge_due_at=at(1, 21), assessed_at=at(1, 22), assess_due_at=at(1, 22, 12),
                         respond_due_at=at(2, 3), resolve_due_at=at(2, 10))
    before = make_complaint(acme, at(12, 31, 22, 30, year=2025), category=noise, status=Status.CLOSED,
                            closed_at=at(1, 3))
    theirs = make_complaint(globex, at(1, 15), channel="chat", status=Status.CLOSED, closed_at=at(1, 16))
    return {"units": {"hotel": hotel, "desk": desk, "spa": spa, "airport": airport},
            "complaints": [c1, c2, c3, c4, c5, c8, c9, c10], "before": before, "theirs": theirs,
            "categories": {"cleanliness": cleanliness, "noise": noise, "billing": billing}}


def add_volumes(acme: Organization, hotel: Unit) -> None:
    """Acme served 1,000 stays in January and 1,250 in February (Hotel alone: 600 in January), and
    a December figure outside the period."""
    for month, volume, unit in ((dt.date(2026, 1, 1), 1000, None), (dt.date(2026, 2, 1), 1250, None),
                                (dt.date(2025, 12, 1), 900, None), (dt.date(2026, 1, 1), 600, hotel)):
        ServiceVolume.objects.create(organization=acme, month=month, volume=volume, unit=unit)
