"""Service volumes: recording (replacing) a month's figure, deleting, and the monthly lookup that
the analytics use."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.accounts.models import Unit, UnitKind
from csm.complaints.models import ServiceVolume
from csm.complaints.service_volumes import (
    delete_service_volume,
    list_service_volumes,
    set_service_volume,
    volumes_by_month,
)
from csm.core.errors import InvalidInput, NotFound, PermissionDenied
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def unit(org, name="Hotel"):
    return Unit.objects.create(organization=org, kind=UnitKind.SITE, name=name)


def test_recording_a_month_again_replaces_its_volume(alice):
    first, created = set_service_volume(actor=alice.actor, month=JANUARY, volume=1000)
    again, created_again = set_service_volume(actor=alice.actor, month=JANUARY, volume=1200)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert list(ServiceVolume.objects.values_list("month", "unit", "volume")) == [(JANUARY, None, 1200)]


def test_the_same_volume_again_records_no_second_event(alice):
    set_service_volume(actor=alice.actor, month=JANUARY, volume=1000)
    before = AuditEvent.objects.count()
    set_service_volume(actor=alice.actor, month=JANUARY, volume=1000)
    assert AuditEvent.objects.count() == before


def test_a_unit_and_the_organisation_each_have_their_own_month(alice):
    hotel = unit(alice.organization)
    set_service_volume(actor=alice.actor, month=JANUARY, volume=1000)
    set_service_volume(actor=alice.actor, month=JANUARY, volume=600, unit=hotel)
    assert sorted(ServiceVolume.objects.values_list("unit", "volume"), key=str) == [(hotel.pk, 600), (None, 1000)]


@pytest.mark.parametrize(("month", "volume", "field"), [(dt.date(2026, 1, 15), 10, "month"), (JANUARY, 0, "volume")])
def test_a_bad_month_or_volume_is_refused(alice, month, volume, field):
    with pytest.raises(InvalidInput) as raised:
        set_service_volume(actor=alice.actor, month=month, volume=volume)
    assert [error["field"] for error in raised.value.detail] == [field]
    assert not ServiceVolume.objects.exists()


def test_a_unit_of_another_organisation_is_refused(charlie, alice):
    with pytest.raises(InvalidInput) as raised:
        set_service_volume(actor=charlie.actor, month=JANUARY, volume=10, unit=unit(alice.organization))
    assert raised.value.detail == [{"field": "unit_id", "message": "No such object in this organisation."}]
    assert not ServiceVolume.objects.exists()


def test_recording_needs_the_configure_permission(bob):
    with pytest.raises(PermissionDenied):
        set_service_volume(actor=bob.actor, month=JANUARY, volume=10)
    assert not ServiceVolume.objects.exists()


def test_deleting_another_organisations_volume_is_not_found(alice, charlie):
    row, _ = set_service_volume(actor=alice.actor, month=JANUARY, volume=10)
    with pytest.raises(NotFound):
        delete_service_volume(actor=charlie.actor, service_volume=row)
    assert ServiceVolume.objects.count() == 1
    delete_service_volume(actor=alice.actor, service_volume=row)
    assert not ServiceVolume.objects.exists()


def test_the_list_is_the_organisations_own(alice, charlie):
    set_service_volume(actor=alice.actor, month=JANUARY, volume=10)
    theirs, _ = set_service_volume(actor=charlie.actor, month=JANUARY, volume=20)
    assert list(list_service_volumes(actor=charlie.actor)) == [theirs]


def test_volumes_by_month_reads_the_organisations_or_exactly_one_units(alice):
    hotel = unit(alice.organization)
    desk = Unit.objects.create(organization=alice.organization, kind=UnitKind.TEAM, name="Desk", parent=hotel)
    for month, volume, where in ((JANUARY, 1000, None), (FEBRUARY, 1100, None), (JANUARY, 600, hotel),
                                 (JANUARY, 50, desk), (dt.date(2026, 3, 1), 9, None)):
        set_service_volume(actor=alice.actor, month=month, volume=volume, unit=where)
    org_id = alice.organization.pk
    assert volumes_by_month(organization_id=org_id, unit_id=None, first=JANUARY, last=FEBRUARY) == {
        JANUARY: 1000, FEBRUARY: 1100}
    assert volumes_by_month(organization_id=org_id, unit_id=hotel.pk, first=JANUARY, last=FEBRUARY) == {JANUARY: 600}
