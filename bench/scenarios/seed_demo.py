"""Seconds to seed the demo at scale 5, against bulk-inserting as many touch points as it writes rows.

The floor is the cheapest way to put the same number of rows into the database: one bulk_create
into one table. The seed also hashes one password (argon2) and resolves keys between tables.
"""

from __future__ import annotations

import statistics

from django.apps import apps
from django.db import transaction

from bench.result import Result, elapsed
from csm.accounts.models import Organization
from csm.catalogue.models import Channel, Service, Staffing, TouchPoint
from csm.demo.services import remove_demo, seed_demo

NAME = "seed_demo_scale_5"
SCALE = 5


def _row_count() -> int:
    return sum(model._base_manager.count() for model in apps.get_models(include_auto_created=True))


def _seed() -> int:
    """Seed once and return the number of rows it added."""
    remove_demo()
    before = _row_count()
    seed_demo(seed=1, scale=SCALE)
    return _row_count() - before


def _bulk_insert(rows: int) -> None:
    with transaction.atomic():
        org = Organization.objects.create(slug="bench-floor", name="Floor", country="PL")
        service = Service.objects.create(organization=org, name="Floor")
        TouchPoint.objects.bulk_create(
            (TouchPoint(organization=org, service=service, name=f"Row {i}", staffing=Staffing.STAFFED,
                        channel=Channel.WEB) for i in range(rows - 2)),
            batch_size=1000,
        )
        transaction.set_rollback(True)


def run(n: int) -> Result:
    rows = _seed()
    seeds, floors = [], []
    for _ in range(n):
        remove_demo()
        seeds.append(elapsed(lambda: seed_demo(seed=1, scale=SCALE)))
        floors.append(elapsed(lambda: _bulk_insert(rows)))
    return Result(scenario=NAME, value=statistics.median(seeds), unit="s", floor=statistics.median(floors),
                  n=n)
