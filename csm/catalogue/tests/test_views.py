"""The catalogue pages: who may open them, what they show, and what their forms save."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from csm.accounts.models import Unit
from csm.catalogue import services
from csm.catalogue.models import (
    Service,
    ServiceCharacteristic,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
)
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@dataclass
class Catalogue:
    service: Service
    other_service: Service
    reception: TouchPoint
    kiosk: TouchPoint
    room: TouchPoint
    spa_desk: TouchPoint
    check_in: TouchLine
    lobby: TouchFace
    friendly: ServiceCharacteristic


def _point(actor, service, name, staffing="staffed", channel="in_person", **extra) -> TouchPoint:
    return services.create_touch_point(actor=actor, service=service, name=name, staffing=staffing,
                                       channel=channel, **extra)


def _catalogue(actor) -> Catalogue:
    unit = Unit.objects.create(organization=actor.organization, kind="branch", name="Warsaw")
    stay = services.create_service(actor=actor, name="Hotel stay", unit=unit)
    spa = services.create_service(actor=actor, name="Spa")
    reception = _point(actor, stay, "Recepcja główna", code="R1")
    kiosk = _point(actor, stay, "自助服务终端", staffing="unstaffed", channel="kiosk")
    room = _point(actor, stay, "Room")
    spa_desk = _point(actor, spa, "Spa desk")
    check_in = services.create_touch_line(actor=actor, service=stay, name="Check-in", direction="one_way",
                                          touch_point_ids=[reception.pk, kiosk.pk, room.pk])
    lobby = services.create_touch_face(actor=actor, service=stay, name="大堂 Lobby", openness="semi_open",
                                       touch_point_ids=[reception.pk], touch_line_ids=[check_in.pk])
    friendly = services.create_characteristic(actor=actor, name="Friendly staff", kind="staff",
                                              touch_point_ids=[reception.pk])
    return Catalogue(stay, spa, reception, kiosk, room, spa_desk, check_in, lobby, friendly)


@pytest.fixture
def acme_catalogue(alice) -> Catalogue:
    return _catalogue(alice.actor)


@pytest.fixture
def globex_catalogue(charlie) -> Catalogue:
    return _catalogue(charlie.actor)


def url(name: str, org: str = "acme", **kwargs) -> str:
    return reverse(f"catalogue:{name}", kwargs={"org_slug": org, **kwargs})


def _pages(cat: Catalogue) -> list[tuple[str, dict]]:
    objects = {
        "service": cat.service, "touch_point": cat.reception, "touch_line": cat.check_in,
        "touch_face": cat.lobby, "characteristic": cat.friendly,
    }
    pages = [("blueprint", {})]
    for prefix, obj in objects.items():
        plural = "services" if prefix == "service" else f"{prefix}s"
        pages += [(plural, {}), (f"{prefix}_create", {})]
        pages += [(f"{prefix}_{page}", {"pk": obj.pk}) for page in ("detail", "edit", "delete")]
    return pages


# Access -----------------------------------------------------------------------------------------

def test_every_page_opens_for_an_admin(alice, acme_catalogue):
    browser = alice.browser()
    statuses = {name: browser.get(url(name, **kwargs)).status_code for name, kwargs in _pages(acme_catalogue)}
    assert statuses == dict.fromkeys(statuses, 200)
    assert len(statuses) == 26


def test_another_organisations_member_gets_404_on_every_acme_page(charlie, acme_catalogue):
    browser = charlie.browser()
    statuses = {name: browser.get(url(name, **kwargs)).status_code for name, kwargs in _pages(acme_catalogue)}
    assert statuses == dict.fromkeys(statuses, 404)


def test_an_acme_id_inside_another_organisations_urls_is_not_found(charlie, acme_catalogue, globex_catalogue):
    browser = charlie.browser()
    object_pages = [(name, kwargs) for name, kwargs in _pages(acme_catalogue) if kwargs]
    statuses = {n: browser.get(url(n, org="globex", **kw)).status_code for n, kw in object_pages}
    assert statuses == dict.fromkeys(statuses, 404)
    assert len(statuses) == 15
    blueprint = browser.get(url("blueprint", org="globex") + f"?service={acme_catalogue.service.pk}")
    assert blueprint.status_code == 404


def test_another_organisations_objects_never_appear_in_lists(charlie, acme_catalogue, globex_catalogue):
    browser = charlie.browser()
    for name in ("services", "touch_points", "touch_lines", "touch_faces", "characteristics", "blueprint"):
        body = browser.get(url(name, org="globex")).content.decode()
        assert "/o/acme/" not in body, name
    points = browser.get(url("touch_points", org="globex")).context["page"].object_list
    assert {p.organization_id for p in points} == {charlie.organization.pk}


def test_a_complaint_handler_may_look_but_not_change(bob, acme_catalogue):
    browser = bob.browser()
    edit_pages = [(n, kw) for n, kw in _pages(acme_catalogue) if n.endswith(("_create", "_edit", "_delete"))]
    opened = {n: browser.get(url(n, **kw)).status_code for n, kw in edit_pages}
    assert opened == {n: 403 for n, _ in edit_pages}
    posted = {n: browser.post(url(n, **kw), {"name": "Hacked"}).status_code for n, kw in edit_pages}
    assert posted == {n: 403 for n, _ in edit_pages}
    assert Service.objects.filter(name="Hacked").count() == 0
    assert TouchPoint.objects.count() == 4


def test_edit_controls_are_hidden_from_roles_that_cannot_edit(alice, bob, acme_catalogue):
    detail = url("touch_point_detail", pk=acme_catalogue.reception.pk)
    edit_link = url("touch_point_edit", pk=acme_catalogue.reception.pk)
    assert edit_link in alice.browser().get(detail).content.decode()
    assert edit_link not in bob.browser().get(detail).content.decode()
    assert url("touch_point_create") not in bob.browser().get(url("touch_points")).content.decode()


# Lists ------------------------------------------------------------------------------------------

def test_the_touch_point_list_filters_by_service_staffing_and_search(alice, acme_catalogue):
    browser = alice.browser()
    cat = acme_catalogue

    def names(query: str) -> list[str]:
        return [p.name for p in browser.get(url("touch_points") + query).context["page"].object_list]

    assert names("") == ["Recepcja główna", "自助服务终端", "Room", "Spa desk"]
    assert names(f"?service={cat.other_service.pk}") == ["Spa desk"]
    assert names("?staffing=unstaffed") == ["自助服务终端"]
    assert names("?channel=kiosk") == ["自助服务终端"]
    assert names("?q=r1") == ["Recepcja główna"]
    assert names(f"?unit={cat.service.unit_id}") == []


def test_the_touch_point_list_pages_by_fifty_without_more_queries_for_more_rows(
    alice, acme_catalogue, django_assert_max_num_queries
):
    browser = alice.browser()
    browser.get(url("touch_points"))  # warm the session and the membership lookup
    with django_assert_max_num_queries(12) as few:
        browser.get(url("touch_points"))
    TouchPoint.objects.bulk_create(
        TouchPoint(organization=alice.organization, service=acme_catalogue.service, name=f"Desk {i}",
                   staffing="staffed", channel="web", unit=acme_catalogue.service.unit)
        for i in range(120)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = browser.get(url("touch_points") + "?page=2")
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 124


def test_the_services_list_filters_by_activity(alice, acme_catalogue):
    services.update_service(actor=alice.actor, service=acme_catalogue.other_service, is_active=False)
    response = alice.browser().get(url("services") + "?active=no")
    assert [s.name for s in response.context["page"].object_list] == ["Spa"]


def test_characteristics_are_listed_under_their_category(alice, acme_catalogue):
    services.create_characteristic(actor=alice.actor, name="Opening hours", kind="time")
    body = alice.browser().get(url("characteristics")).content.decode()
    tangible, intangible = body.index(">Tangible</h2>"), body.index(">Intangible</h2>")
    assert tangible < body.index("Friendly staff") < intangible < body.index("Opening hours")


# Details ----------------------------------------------------------------------------------------

def test_a_touch_point_page_shows_its_characteristics_lines_faces_and_history(alice, acme_catalogue):
    response = alice.browser().get(url("touch_point_detail", pk=acme_catalogue.reception.pk))
    body = response.content.decode()
    assert "Friendly staff" in body
    assert "Check-in" in body
    assert "大堂 Lobby" in body
    assert [e.action for e in response.context["events"]] == ["created"]


def test_a_touch_line_page_lists_its_steps_in_order(alice, acme_catalogue):
    body = alice.browser().get(url("touch_line_detail", pk=acme_catalogue.check_in.pk)).content.decode()
    assert body.index("Recepcja główna") < body.index("自助服务终端") < body.index("Room")


# Forms ------------------------------------------------------------------------------------------

def _line_post(cat: Catalogue, *point_ids: int, **extra) -> dict:
    data = {"service": cat.service.pk, "name": "Checkout", "direction": "round_trip", "description": "",
            "step_count": len(point_ids)}
    data.update({f"step_{i}": pk for i, pk in enumerate(point_ids, start=1)})
    return {**data, **extra}


def test_it_creates_a_touch_line_from_ordered_steps(alice, acme_catalogue):
    cat = acme_catalogue
    data = _line_post(cat, cat.room.pk, "", cat.reception.pk)
    response = alice.browser().post(url("touch_line_create"), data)
    line = TouchLine.objects.get(name="Checkout")
    assert response.status_code == 302
    assert response["Location"] == url("touch_line_detail", pk=line.pk)
    assert list(line.steps.values_list("touch_point_id", flat=True)) == [cat.room.pk, cat.reception.pk]
    assert line.direction == "round_trip"


def test_it_rejects_a_touch_line_through_another_services_point(alice, acme_catalogue):
    cat = acme_catalogue
    data = _line_post(cat, cat.reception.pk, cat.spa_desk.pk)
    response = alice.browser().post(url("touch_line_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["step_2"]
    assert not TouchLine.objects.filter(name="Checkout").exists()
    assert TouchLineStep.objects.count() == 3


def test_it_rejects_a_touch_line_through_another_orgs_point(alice, acme_catalogue, globex_catalogue):
    cat = acme_catalogue
    foreign = globex_catalogue.reception.pk
    response = alice.browser().post(url("touch_line_create"), _line_post(cat, cat.reception.pk, foreign))
    assert response.status_code == 200
    assert response.context["form"].errors["step_2"]
    assert not TouchLine.objects.filter(name="Checkout").exists()


def test_it_rejects_a_touch_line_of_one_point(alice, acme_catalogue):
    cat = acme_catalogue
    response = alice.browser().post(url("touch_line_create"), _line_post(cat, cat.reception.pk, ""))
    assert response.context["form"].non_field_errors()
    assert not TouchLine.objects.filter(name="Checkout").exists()


def test_a_service_rule_appears_as_a_form_error_not_a_crash(alice, acme_catalogue):
    cat = acme_catalogue
    data = _line_post(cat, cat.room.pk, cat.kiosk.pk, cat.kiosk.pk)
    response = alice.browser().post(url("touch_line_create"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["A touch point cannot follow itself on a line."]
    assert not TouchLine.objects.filter(name="Checkout").exists()


def test_add_step_redraws_the_form_with_one_more_step_and_saves_nothing(alice, acme_catalogue):
    cat = acme_catalogue
    response = alice.browser().post(url("touch_line_create"),
                                    _line_post(cat, cat.room.pk, cat.kiosk.pk, add_step="1"))
    form = response.context["form"]
    assert [f.name for f in form.step_fields] == ["step_1", "step_2", "step_3"]
    assert form.initial["step_2"] == str(cat.kiosk.pk)
    assert not form.is_bound
    assert not TouchLine.objects.filter(name="Checkout").exists()


def test_editing_a_touch_line_replaces_its_steps_and_records_them(alice, acme_catalogue):
    cat = acme_catalogue
    line = cat.check_in
    response = alice.browser().post(url("touch_line_edit", pk=line.pk),
                                    _line_post(cat, cat.kiosk.pk, cat.room.pk, name="Check-in"))
    assert response.status_code == 302
    assert list(line.steps.values_list("touch_point_id", flat=True)) == [cat.kiosk.pk, cat.room.pk]
    event = AuditEvent.objects.filter(object_type="catalogue.touchline", action="updated").get()
    assert event.changes == {
        "direction": ["one_way", "round_trip"],
        "touch_point_ids": [[cat.reception.pk, cat.kiosk.pk, cat.room.pk], [cat.kiosk.pk, cat.room.pk]],
    }


def test_an_edit_records_an_audit_event_with_the_changed_fields(alice, acme_catalogue):
    point = acme_catalogue.reception
    data = {"service": point.service_id, "name": "Front desk", "code": "R1", "staffing": "staffed",
            "channel": "in_person", "location": "", "unit": "", "description": "", "is_active": "on"}
    response = alice.browser().post(url("touch_point_edit", pk=point.pk), data)
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="catalogue.touchpoint", object_id=str(point.pk),
                                      action="updated").get()
    assert event.changes == {"name": ["Recepcja główna", "Front desk"]}
    assert event.actor == alice.user
    detail = alice.browser().get(url("touch_point_detail", pk=point.pk))
    assert [e.action for e in detail.context["events"]] == ["updated", "created"]


def test_the_service_form_offers_only_the_organisations_units(alice, charlie, acme_catalogue,
                                                              globex_catalogue):
    form = alice.browser().get(url("service_create")).context["form"]
    assert [u.name for u in form.fields["unit"].queryset] == ["Warsaw"]
    assert {u.organization_id for u in form.fields["unit"].queryset} == {alice.organization.pk}
    foreign_unit = Unit.objects.get(organization=charlie.organization)
    response = alice.browser().post(url("service_create"), {"name": "Laundry", "unit": foreign_unit.pk})
    assert response.context["form"].errors["unit"]
    assert not Service.objects.filter(name="Laundry").exists()


def test_a_duplicate_service_name_is_a_form_error(alice, acme_catalogue):
    response = alice.browser().post(url("service_create"), {"name": "Spa", "is_active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Service.objects.filter(name="Spa").count() == 1


def test_it_creates_a_touch_face_with_the_services_points_and_lines(alice, acme_catalogue):
    cat = acme_catalogue
    data = {"service": cat.service.pk, "name": "Rooms", "openness": "fully_open", "description": "",
            "touch_points": [cat.room.pk, cat.kiosk.pk], "touch_lines": [cat.check_in.pk]}
    response = alice.browser().post(url("touch_face_create"), data)
    face = TouchFace.objects.get(name="Rooms")
    assert response.status_code == 302
    assert sorted(face.touch_points.values_list("pk", flat=True)) == sorted([cat.room.pk, cat.kiosk.pk])
    assert list(face.touch_lines.values_list("pk", flat=True)) == [cat.check_in.pk]


def test_the_touch_face_form_offers_only_the_chosen_services_points(alice, acme_catalogue):
    cat = acme_catalogue
    form = alice.browser().get(url("touch_face_create") + f"?service={cat.other_service.pk}").context["form"]
    assert form.fields["touch_points"].choices == [(str(cat.spa_desk.pk), "Spa desk")]
    assert form.fields["touch_lines"].choices == []
    data = {"service": cat.other_service.pk, "name": "Spa", "openness": "semi_open",
            "touch_points": [cat.reception.pk]}
    response = alice.browser().post(url("touch_face_create"), data)
    assert response.context["form"].errors["touch_points"]
    assert not TouchFace.objects.filter(name="Spa").exists()


def test_it_links_a_characteristic_to_touch_points_grouped_by_service(alice, acme_catalogue):
    cat = acme_catalogue
    form = alice.browser().get(url("characteristic_create")).context["form"]
    assert [group for group, _ in form.fields["touch_points"].choices] == ["Hotel stay", "Spa"]
    data = {"name": "Clean room", "kind": "venue", "description": "", "touch_points": [cat.room.pk]}
    alice.browser().post(url("characteristic_create"), data)
    item = ServiceCharacteristic.objects.get(name="Clean room")
    assert item.category == "tangible"
    assert list(item.touch_points.all()) == [cat.room]


# Delete -----------------------------------------------------------------------------------------

def test_deleting_a_touch_point_on_a_line_is_refused_with_a_message(alice, acme_catalogue):
    point = acme_catalogue.kiosk
    response = alice.browser().post(url("touch_point_delete", pk=point.pk))
    assert response.status_code == 409
    assert "cannot be deleted" in response.content.decode()
    assert TouchPoint.objects.filter(pk=point.pk).exists()


def test_deleting_a_touch_face_goes_back_to_the_list(alice, acme_catalogue):
    face = acme_catalogue.lobby
    response = alice.browser().post(url("touch_face_delete", pk=face.pk))
    assert response.status_code == 302
    assert response["Location"] == url("touch_faces")
    assert not TouchFace.objects.filter(pk=face.pk).exists()
    assert AuditEvent.objects.filter(object_type="catalogue.touchface", action="deleted").count() == 1


# Blueprint --------------------------------------------------------------------------------------

def test_the_blueprint_draws_every_point_and_face_of_the_service(alice, acme_catalogue):
    cat = acme_catalogue
    response = alice.browser().get(url("blueprint") + f"?service={cat.service.pk}")
    body = response.content.decode()
    svg = body[body.index("<svg"):body.index("</svg>")]
    assert 'role="img"' in svg
    for name in ("Recepcja główna", "自助服务终端", "Room", "大堂 Lobby"):
        assert name in svg
    assert "Spa desk" not in svg
    assert url("touch_point_detail", pk=cat.kiosk.pk) in svg
    assert "Noto Sans CJK SC" in svg


def test_the_blueprint_defaults_to_the_first_service_and_lists_the_same_data_in_a_table(alice,
                                                                                        acme_catalogue):
    response = alice.browser().get(url("blueprint"))
    assert response.context["service"] == acme_catalogue.service
    table = response.context["table"]
    assert [s.face.name if s.face else None for s in table] == ["大堂 Lobby"]
    rows = [(r.line.name if r.line else None, r.step, r.point.name) for r in table[0].rows]
    assert rows == [
        ("Check-in", 1, "Recepcja główna"), ("Check-in", 2, "自助服务终端"), ("Check-in", 3, "Room"),
    ]
    assert [c.name for c in table[0].rows[0].characteristics] == ["Friendly staff"]


def test_the_blueprint_marks_round_trip_lines(alice, acme_catalogue):
    cat = acme_catalogue
    services.update_touch_line(actor=alice.actor, touch_line=cat.check_in, direction="round_trip")
    body = alice.browser().get(url("blueprint")).content.decode()
    assert body.count('data-round-trip="true"') == 2


def test_the_blueprint_of_an_organisation_without_services_says_so(charlie):
    response = charlie.browser().get(url("blueprint", org="globex"))
    assert response.status_code == 200
    assert response.context["service"] is None
    assert "<svg xmlns" not in response.content.decode()
