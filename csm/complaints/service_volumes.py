"""Monthly service volumes: the exposure behind the complaint rate on the analytics page.

Reading needs `complaints.analytics`; writing needs `complaints.configure`. A volume is set, not
added: `set_service_volume` replaces the month's figure for the organisation (no unit) or for one
unit, so entering a month again corrects it. Every change records one audit event; a unit of
another organisation is a 422 on `unit_id` before anything is written.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Unit
from csm.complaints.models import ServiceVolume
from csm.core.errors import NotFound
from csm.core.lookups import check_same_organization, get_or_not_found
from csm.core.writes import create_audited, delete_audited, update_audited

FIELDS = ("unit", "month", "volume")


def list_service_volumes(*, actor: Actor) -> QuerySet[ServiceVolume]:
    """The organisation's volumes, the latest month first."""
    actor.require(roles.COMPLAINTS_ANALYTICS)
    return ServiceVolume.objects.filter(organization_id=actor.organization_id).select_related("unit")


def access_service_volume(*, actor: Actor, volume_id: int) -> ServiceVolume:
    return get_or_not_found(list_service_volumes(actor=actor), volume_id)


@transaction.atomic
def set_service_volume(*, actor: Actor, month: dt.date, volume: int,
                       unit: Unit | None = None) -> tuple[ServiceVolume, bool]:
    """Record the volume of `month` (its first day) for the organisation or `unit`, replacing the
    figure already recorded for that month and unit; returns the row and whether it is new."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    check_same_organization(actor.organization_id, "unit_id", unit)
    existing = (ServiceVolume.objects.select_for_update()
                .filter(organization_id=actor.organization_id, unit=unit, month=month).first())
    if existing is not None:
        update_audited(existing, actor=actor.user, data={"volume": volume}, fields=FIELDS,
                       organization_id=actor.organization_id)
        return existing, False
    row = ServiceVolume(organization=actor.organization, unit=unit, month=month, volume=volume)
    return create_audited(row, actor=actor.user, fields=FIELDS, organization_id=actor.organization_id), True


@transaction.atomic
def delete_service_volume(*, actor: Actor, service_volume: ServiceVolume) -> None:
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if service_volume.organization_id != actor.organization_id:
        raise NotFound()
    delete_audited(service_volume, actor=actor.user, organization_id=actor.organization_id)


def volumes_by_month(*, organization_id: int, unit_id: int | None, first: dt.date,
                     last: dt.date) -> dict[dt.date, int]:
    """{month: volume} recorded for the organisation (unit_id None) or exactly that unit, for the
    months from `first` to `last` (first days), in one query."""
    rows = ServiceVolume.objects.filter(organization_id=organization_id, month__gte=first, month__lte=last)
    rows = rows.filter(unit__isnull=True) if unit_id is None else rows.filter(unit_id=unit_id)
    return dict(rows.values_list("month", "volume"))
