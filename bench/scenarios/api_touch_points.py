"""GET /api/v1/touch-points?limit=500 from the middle of 10,000 touch points, against a bare view.

Both go through Django's test Client in this process, with the same middleware, database and rows;
the API adds bearer-token authentication, organisation scoping, cursor decoding and schema
validation. The target is p50(API) <= 1.5 x p50(floor).
"""

from __future__ import annotations

from django.test import Client, override_settings

from bench.result import Result, interleaved_medians
from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token
from csm.catalogue.models import Channel, Service, Staffing, TouchPoint
from csm.core.pagination import encode_cursor

NAME = "api_touch_points_list_10k"
ROWS = 10_000
PAGE = 500
WARMUP = 20
TARGET_RATIO = 1.5


def _make_touch_points(org: Organization) -> list[int]:
    service = Service.objects.create(organization=org, name="Bench service")
    kinds = [
        (Staffing.STAFFED, Channel.IN_PERSON),
        (Staffing.UNSTAFFED, Channel.WEB),
        (Staffing.STAFFED, Channel.PHONE),
    ]
    TouchPoint.objects.bulk_create(
        (
            TouchPoint(organization=org, service=service, name=f"Touch point {i}", code=f"TP-{i:05d}",
                       staffing=kinds[i % 3][0], channel=kinds[i % 3][1], location=f"Floor {i % 20}",
                       description="A touch point made for the benchmark.")
            for i in range(ROWS)
        ),
        batch_size=1000,
    )
    return list(TouchPoint.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True))


def _token(org: Organization) -> str:
    user = User.objects.create_user("bench@bench.example")
    membership = Membership.objects.create(organization=org, user=user, role=Role.ORG_ADMIN)
    _, raw = create_api_token(actor=Actor(user=user, organization=org, membership=membership), name="bench")
    return raw


def _get_json(client: Client, url: str, **headers: str) -> dict:
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return response.json()


def run(n: int) -> Result:
    org = Organization.objects.create(slug="bench", name="Bench", country="PL", timezone="Europe/Warsaw")
    ids = _make_touch_points(org)
    after = ids[len(ids) // 2 - 1]
    auth = {"Authorization": f"Bearer {_token(org)}"}
    api_url = f"/api/v1/touch-points?limit={PAGE}&cursor={encode_cursor(after)}"
    floor_url = f"/bench/floor/touch-points?organization={org.pk}&after={after}&limit={PAGE}"
    client = Client()
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        api_ids = [row["id"] for row in _get_json(client, api_url, **auth)["items"]]
        floor_ids = [row["id"] for row in _get_json(client, floor_url)["items"]]
        if api_ids != floor_ids or len(api_ids) != PAGE:
            raise RuntimeError("The API and the floor view returned different rows.")
        def call_api() -> object:
            return client.get(api_url, headers=auth)

        def call_floor() -> object:
            return client.get(floor_url)

        interleaved_medians(call_api, call_floor, WARMUP)
        api, floor = interleaved_medians(call_api, call_floor, n)
    return Result(scenario=NAME, value=api * 1000, unit="ms", floor=floor * 1000, n=n,
                  target_ratio=TARGET_RATIO)
