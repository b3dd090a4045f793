from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from csm.accounts.context import Actor
from csm.accounts.models import ClientOrganization, Membership, Organization, Unit, User
from csm.accounts.roles import Role
from csm.catalogue import services as catalogue
from csm.catalogue.models import (
    CharacteristicKind,
    Service,
    ServiceCharacteristic,
    TouchFace,
    TouchLine,
    TouchPoint,
)
from csm.core.models import AuditEvent, BusinessCalendar, WorkingInterval
from csm.demo.seeding import DEMO_PASSWORD, SEEDED_AT

pytestmark = pytest.mark.django_db

MODELS = {
    "units": Unit, "clients": ClientOrganization, "services": Service, "touch_points": TouchPoint,
    "touch_lines": TouchLine, "touch_faces": TouchFace, "characteristics": ServiceCharacteristic,
    "calendars": BusinessCalendar, "memberships": Membership,
}
EXPECTED_COUNTS = {
    "demo-hotels": {"units": 18, "clients": 0, "services": 4, "touch_points": 32, "touch_lines": 6,
                    "touch_faces": 5, "characteristics": 12, "calendars": 2, "memberships": 7},
    "demo-telecom": {"units": 11, "clients": 2, "services": 4, "touch_points": 22, "touch_lines": 4,
                     "touch_faces": 5, "characteristics": 12, "calendars": 2, "memberships": 7},
}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed-demo", *args, stdout=out)
    return out.getvalue()


def org(slug: str) -> Organization:
    return Organization.objects.get(slug=slug)


def counts(slug: str) -> dict[str, int]:
    org_id = org(slug).pk
    return {name: model.objects.filter(organization_id=org_id).count() for name, model in MODELS.items()}


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Everything the seed chose, in creation order, without ids."""
    return {
        "units": list(Unit.objects.order_by("id").values_list(
            "organization__slug", "name", "kind", "parent__name")),
        "points": list(TouchPoint.objects.order_by("id").values_list(
            "organization__slug", "service__name", "name", "staffing", "channel", "location", "unit__name")),
        "steps": list(TouchLine.objects.order_by("id", "steps__position").values_list(
            "name", "steps__touch_point__name")),
        "users": list(User.objects.order_by("email").values_list("email", "full_name", "preferred_language")),
        "roles": sorted(Membership.objects.values_list("organization__slug", "user__email", "role")),
        "created": sorted({*TouchPoint.objects.values_list("created_at", flat=True),
                           *Organization.objects.values_list("created_at", flat=True)}),
    }


def test_it_seeds_both_organisations_with_their_catalogue():
    output = seed()

    assert {slug: counts(slug) for slug in EXPECTED_COUNTS} == EXPECTED_COUNTS
    hotels, telecom = org("demo-hotels"), org("demo-telecom")
    assert (hotels.name, hotels.country, hotels.timezone, hotels.default_language) == (
        "Baltic Hotels Group", "PL", "Europe/Warsaw", "pl")
    assert (telecom.name, telecom.country, telecom.timezone, telecom.default_language) == (
        "Huayu Telecom Contact Centre", "CN", "Asia/Shanghai", "zh-hans")
    assert "Seeded demo-hotels (Baltic Hotels Group): 18 units, 4 services, 32 touch points" in output
    assert "admin@demo-hotels.example" in output and "auditor@csm.example" in output


def test_every_role_has_a_user_who_can_sign_in_with_the_demo_password():
    seed()

    for slug in EXPECTED_COUNTS:
        memberships = Membership.objects.filter(organization__slug=slug).select_related("user")
        assert sorted({m.role for m in memberships}) == sorted(Role.values)
        for membership in memberships:
            assert authenticate(username=membership.user.email, password=DEMO_PASSWORD) == membership.user
            validate_password(DEMO_PASSWORD, membership.user)
    hotel_users = User.objects.filter(email__endswith="@demo-hotels.example")
    assert sorted(hotel_users.values_list("email", flat=True)) == [
        f"{mailbox}@demo-hotels.example"
        for mailbox in ("admin", "assessor", "handler", "inspector", "quality", "viewer")
    ]


def test_the_auditor_is_an_assessor_in_both_organisations():
    seed()

    assert sorted(Membership.objects.filter(user__email="auditor@csm.example").values_list(
        "organization__slug", "role")) == [("demo-hotels", Role.ASSESSOR), ("demo-telecom", Role.ASSESSOR)]


def test_demo_telecom_has_exactly_two_units_serving_two_different_clients():
    seed()

    serving = Unit.objects.filter(organization__slug="demo-telecom", client__isnull=False)
    assert sorted(serving.values_list("name", "kind", "client__name")) == [
        ("东方移动服务团队", "team", "东方移动"), ("太平洋宽带服务团队", "team", "太平洋宽带"),
    ]
    assert not Unit.objects.filter(organization__slug="demo-hotels", client__isnull=False).exists()


@pytest.mark.parametrize("slug", ["demo-hotels", "demo-telecom"])
def test_each_organisation_has_all_twelve_characteristic_kinds_linked_to_touch_points(slug):
    seed()

    items = ServiceCharacteristic.objects.filter(organization__slug=slug)
    assert sorted(items.values_list("kind", flat=True)) == sorted(CharacteristicKind.values)
    assert sorted(items.filter(category="tangible").values_list("kind", flat=True)) == [
        "facilities", "staff", "supplies", "venue"]
    assert not items.filter(touch_points__isnull=True).exists()


def test_touch_points_lines_and_faces_follow_the_hotel_blueprint():
    seed()

    points = dict(TouchPoint.objects.filter(organization__slug="demo-hotels").values_list("name", "staffing"))
    names = ("Recepcja — Gdańsk", "Pokój hotelowy", "Kiosk samoobsługowego zameldowania",
             "Rezerwacje telefoniczne", "Bufet śniadaniowy")
    assert [points[name] for name in names] == ["staffed", "unstaffed", "unstaffed", "staffed", "unstaffed"]
    journey = TouchLine.objects.get(organization__slug="demo-hotels", name__startswith="Podróż gościa")
    assert journey.direction == "one_way"
    assert list(journey.steps.order_by("position").values_list("touch_point__name", flat=True)) == [
        "Strona rezerwacji online", "Potwierdzenie rezerwacji e-mailem", "Recepcja — Gdańsk",
        "Pokój hotelowy", "Wymeldowanie — kasa recepcji"]
    room_service = TouchLine.objects.get(organization__slug="demo-hotels", name="Room service")
    assert room_service.direction == "round_trip"
    faces = dict(TouchFace.objects.filter(organization__slug="demo-hotels").values_list("name", "openness"))
    assert [faces[name] for name in ("Lobby", "Piętra hotelowe", "Spa")] == [
        "fully_open", "semi_open", "semi_open"]


def test_calendars_have_their_working_hours_and_holidays():
    seed()

    office = BusinessCalendar.objects.get(name="Biuro (pn-pt 8-16 z przerwą)")
    assert (office.country, office.timezone, office.include_public_holidays, office.is_default) == (
        "PL", "Europe/Warsaw", True, True)
    assert list(office.intervals.filter(weekday=0).values_list("start", "end")) == [
        (dt.time(8), dt.time(12)), (dt.time(12, 30), dt.time(16))]
    assert not office.intervals.filter(weekday__gte=5).exists()
    reception = BusinessCalendar.objects.get(name="Recepcja 24/7")
    assert reception.intervals.count() == 7 and reception.include_public_holidays is False
    centre = BusinessCalendar.objects.get(name="客服中心")
    assert list(centre.intervals.filter(weekday=4).values_list("start", "end")) == [
        (dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18))]
    assert list(centre.holidays.values_list("date", "name")) == [(dt.date(2026, 1, 23), "公司年会")]
    assert WorkingInterval.objects.filter(calendar__organization__slug="demo-telecom").count() == 10 + 7


def test_all_rows_carry_the_fixed_seed_time():
    seed()

    assert snapshot()["created"] == [SEEDED_AT]
    assert set(User.objects.values_list("date_joined", flat=True)) == {SEEDED_AT}
    seeded = AuditEvent.objects.filter(action="seeded").values_list("organization__slug", "created_at")
    assert sorted(seeded) == [("demo-hotels", SEEDED_AT), ("demo-telecom", SEEDED_AT)]


def test_the_same_seed_gives_the_same_data_and_another_seed_other_choices():
    seed("--seed", "7", "--scale", "2")
    first = snapshot()
    seed("--seed", "7", "--scale", "2", "--reset")
    assert snapshot() == first

    seed("--seed", "8", "--scale", "2", "--reset")
    other = snapshot()
    assert other["users"] != first["users"]
    assert other["points"] != first["points"]
    assert len(other["points"]) == len(first["points"])
    assert other["units"] == first["units"] and other["steps"] == first["steps"]


def test_scale_adds_twenty_generated_touch_points_per_service_and_step():
    seed("--scale", "3")

    points = TouchPoint.objects.filter(organization__slug="demo-telecom")
    per_service = dict(points.values_list("service__code").annotate(n=Count("id")))
    assert per_service == {"HOTLINE": 5 + 40, "BILL": 7 + 40, "BB": 5 + 40, "CMP": 5 + 40}
    assert counts("demo-hotels")["touch_points"] == 32 + 4 * 40


def test_a_second_run_without_reset_changes_nothing():
    seed()
    before = snapshot()
    events = AuditEvent.objects.count()

    output = seed("--seed", "99")

    assert "already there (demo-hotels, demo-telecom, users); left unchanged" in output
    assert snapshot() == before and AuditEvent.objects.count() == events


def test_it_does_not_seed_over_leftover_demo_users():
    User.objects.create_user("viewer@demo-hotels.example", "another password 1")

    output = seed()

    assert "already there (users)" in output
    assert not Organization.objects.filter(slug__startswith="demo-").exists()


def test_reset_rebuilds_edited_demo_data_and_leaves_other_organisations_alone(alice):
    catalogue.create_service(actor=alice.actor, name="Acme laundry")
    seed()
    first = snapshot()
    hotels_admin = Membership.objects.select_related("organization", "user").get(
        user__email="admin@demo-hotels.example")
    actor = Actor(user=hotels_admin.user, organization=hotels_admin.organization, membership=hotels_admin)
    service = Service.objects.get(organization__slug="demo-hotels", code="SPA")
    catalogue.update_service(actor=actor, service=service, name="Spa (zamknięte)")

    output = seed("--reset")

    assert "Reset: deleted demo-hotels, demo-telecom" in output
    assert snapshot() == first
    assert list(Service.objects.filter(organization=alice.organization).values_list("name", flat=True)) == [
        "Acme laundry"]
    assert AuditEvent.objects.filter(organization=alice.organization).count() == 1
    connection.check_constraints()


def test_it_rejects_a_scale_below_one():
    with pytest.raises(CommandError, match="--scale must be 1 or more"):
        seed("--scale", "0")
    assert not Organization.objects.exists()
