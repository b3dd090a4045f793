"""Catalogue services, called directly (as the web pages do): organisation and service scoping of
every reference, one audit event per write, and nothing written when a write is refused."""

from __future__ import annotations

import pytest

from csm.accounts.tests.factories import UnitFactory
from csm.catalogue import services
from csm.catalogue.models import (
    Channel,
    CharacteristicCategory,
    CharacteristicKind,
    Direction,
    Openness,
    Staffing,
    TouchFace,
    TouchLine,
    TouchPoint,
)
from csm.catalogue.tests.factories import (
    ServiceCharacteristicFactory,
    ServiceFactory,
    TouchFaceFactory,
    TouchLineFactory,
    TouchPointFactory,
)
from csm.core.errors import InvalidInput, PermissionDenied
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(acme):
    return ServiceFactory(organization=acme, name="Front desk")


@pytest.fixture
def spa(acme):
    return ServiceFactory(organization=acme, name="Spa")


def _fields(caught: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [e["field"] for e in caught.value.detail]


def test_references_to_another_organisation_are_refused_even_when_called_directly(alice, globex, desk):
    foreign_service = ServiceFactory(organization=globex)
    foreign_unit = UnitFactory(organization=globex)
    with pytest.raises(InvalidInput) as caught:
        services.create_touch_point(actor=alice.actor, service=foreign_service, name="x",
                                    staffing=Staffing.STAFFED, channel=Channel.WEB)
    assert _fields(caught) == ["service"]
    with pytest.raises(InvalidInput) as caught:
        services.create_service(actor=alice.actor, name="x", unit=foreign_unit)
    assert _fields(caught) == ["unit"]
    point = TouchPointFactory(service=desk)
    with pytest.raises(InvalidInput):
        services.update_touch_point(actor=alice.actor, touch_point=point, unit=foreign_unit)
    assert TouchPoint.objects.get(pk=point.pk).unit_id is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_catalogue_editors_write(request, persona, desk):
    actor = request.getfixturevalue(persona).actor
    point = TouchPointFactory(service=desk)
    with pytest.raises(PermissionDenied):
        services.create_service(actor=actor, name="x")
    with pytest.raises(PermissionDenied):
        services.update_touch_point(actor=actor, touch_point=point, name="y")
    with pytest.raises(PermissionDenied):
        services.delete_service(actor=actor, service=desk)
    assert not AuditEvent.objects.exists()


def test_a_touch_point_moves_service_only_when_no_line_or_face_uses_it(alice, desk, spa):
    on_line, on_face, free = TouchPointFactory.create_batch(3, service=desk)
    TouchLineFactory(service=desk, points=[on_line, free])
    TouchFaceFactory(service=desk, touch_points=[on_face])
    for point in (on_line, on_face):
        with pytest.raises(InvalidInput) as caught:
            services.update_touch_point(actor=alice.actor, touch_point=point, service=spa)
        assert _fields(caught) == ["service"]
    services.update_touch_point(actor=alice.actor, touch_point=on_face, service=desk)  # same service is fine
    free_again = TouchPointFactory(service=desk)
    services.update_touch_point(actor=alice.actor, touch_point=free_again, service=spa)
    assert TouchPoint.objects.get(pk=free_again.pk).service == spa


def test_a_touch_line_is_written_with_one_event_after_every_check(alice, desk):
    a, b, c = TouchPointFactory.create_batch(3, service=desk)
    line = services.create_touch_line(actor=alice.actor, service=desk, name="Arrival", direction=Direction.ONE_WAY,
                                      touch_point_ids=[c.pk, a.pk, b.pk])
    assert list(line.steps.values_list("touch_point_id", "position")) == [(c.pk, 0), (a.pk, 1), (b.pk, 2)]
    [event] = AuditEvent.objects.all()
    assert event.changes["touch_point_ids"] == [None, [c.pk, a.pk, b.pk]]


def test_a_touch_line_through_another_service_writes_nothing(alice, desk, spa):
    mine, theirs = TouchPointFactory(service=desk), TouchPointFactory(service=spa)
    with pytest.raises(InvalidInput) as caught:
        services.create_touch_line(actor=alice.actor, service=desk, name="x", direction=Direction.ONE_WAY,
                                   touch_point_ids=[mine.pk, theirs.pk])
    assert _fields(caught) == ["touch_point_ids"]
    assert (TouchLine.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_a_line_moves_service_only_with_points_of_the_new_service(alice, desk, spa):
    line = TouchLineFactory(service=desk)
    with pytest.raises(InvalidInput) as caught:
        services.update_touch_line(actor=alice.actor, touch_line=line, service=spa)
    assert _fields(caught) == ["service"]
    spa_points = TouchPointFactory.create_batch(2, service=spa)
    services.update_touch_line(actor=alice.actor, touch_line=line, service=spa,
                               touch_point_ids=[p.pk for p in spa_points])
    assert TouchLine.objects.get(pk=line.pk).service == spa
    [event] = AuditEvent.objects.all()
    assert set(event.changes) == {"service", "touch_point_ids"}


def test_a_line_on_a_face_cannot_move_service(alice, desk, spa):
    line = TouchLineFactory(service=desk)
    TouchFaceFactory(service=desk, touch_lines=[line])
    with pytest.raises(InvalidInput) as caught:
        services.update_touch_line(actor=alice.actor, touch_line=line, service=spa,
                                   touch_point_ids=[p.pk for p in TouchPointFactory.create_batch(2, service=spa)])
    assert _fields(caught) == ["service"]
    assert TouchLine.objects.get(pk=line.pk).service == desk


def test_an_edit_form_may_resend_the_same_service(alice, desk):
    line = TouchLineFactory(service=desk, name="Old")
    face = TouchFaceFactory(service=desk, name="Old")
    services.update_touch_line(actor=alice.actor, touch_line=line, service=desk, name="New")
    services.update_touch_face(actor=alice.actor, touch_face=face, service=desk, name="New",
                               touch_point_ids=[], touch_line_ids=[])
    assert (TouchLine.objects.get().name, TouchFace.objects.get().name) == ("New", "New")


def test_a_face_holds_only_its_services_members_and_moves_only_with_them(alice, desk, spa):
    desk_point = TouchPointFactory(service=desk)
    spa_line = TouchLineFactory(service=spa)
    with pytest.raises(InvalidInput) as caught:
        services.create_touch_face(actor=alice.actor, service=desk, name="x", openness=Openness.SEMI_OPEN,
                                   touch_line_ids=[spa_line.pk])
    assert _fields(caught) == ["touch_line_ids"]
    face = services.create_touch_face(actor=alice.actor, service=desk, name="Lobby", openness=Openness.SEMI_OPEN,
                                      touch_point_ids=[desk_point.pk])
    with pytest.raises(InvalidInput) as caught:
        services.update_touch_face(actor=alice.actor, touch_face=face, service=spa)
    assert _fields(caught) == ["service"]
    services.update_touch_face(actor=alice.actor, touch_face=face, service=spa, touch_point_ids=[],
                               touch_line_ids=[spa_line.pk])
    face.refresh_from_db()
    assert (face.service, list(face.touch_points.all()), list(face.touch_lines.all())) == (spa, [], [spa_line])


def test_the_category_is_derived_from_the_kind_and_cannot_be_set(alice, acme):
    item = services.create_characteristic(actor=alice.actor, name="Price", kind=CharacteristicKind.FEE)
    assert item.category == CharacteristicCategory.INTANGIBLE
    with pytest.raises(InvalidInput) as caught:
        services.update_characteristic(actor=alice.actor, characteristic=item, category="tangible")
    assert _fields(caught) == ["category"]
    services.update_characteristic(actor=alice.actor, characteristic=item, kind=CharacteristicKind.VENUE)
    item.refresh_from_db()
    assert item.category == CharacteristicCategory.TANGIBLE


def test_a_characteristic_refuses_another_organisations_point(alice, globex):
    foreign = TouchPointFactory(service=ServiceFactory(organization=globex))
    item = ServiceCharacteristicFactory(organization=alice.organization)
    with pytest.raises(InvalidInput):
        services.update_characteristic(actor=alice.actor, characteristic=item, touch_point_ids=[foreign.pk])
    assert list(item.touch_points.all()) == []
