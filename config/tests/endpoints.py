"""The endpoint table behind config/tests/test_api.py: every operation of the OpenAPI document, and
for each kind of object a maker, a valid create body and a valid patch body.

To add an endpoint: give its path parameter a maker in MAKERS, its POST body in POST_BODIES and its
PATCH body in PATCH_BODIES. Operations under ELSEWHERE are tested by their own app, which must keep
its own "charlie sees nothing" tests (csm/core/tests/test_api.py for calendars and audit).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client

from config.api import api
from csm.accounts.models import ClientOrganization, Membership, Organization, Unit
from csm.accounts.roles import Role
from csm.accounts.tests.factories import ClientOrganizationFactory, MembershipFactory, UnitFactory
from csm.catalogue.models import Service, ServiceCharacteristic, TouchFace, TouchLine, TouchPoint
from csm.catalogue.tests.factories import (
    ServiceCharacteristicFactory,
    ServiceFactory,
    TouchFaceFactory,
    TouchLineFactory,
    TouchPointFactory,
)
from csm.complaints.models import Complaint, ComplaintCategory, EscalationTier, Remedy, SlaPolicy
from csm.complaints.services import register_complaint
from csm.core.tests.factories import BusinessCalendarFactory

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
NOT_AUTHENTICATED = {"detail": "Authentication required: send a valid API token or sign in.",
                     "code": "not_authenticated"}
PERMISSION_DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}
# Path prefix -> the test module that keeps those operations' "charlie sees nothing" tests.
ELSEWHERE = {"/api/v1/calendars": "csm/core/tests/test_api.py", "/api/v1/audit": "csm/core/tests/test_api.py",
             "/api/v1/jurisdiction-presets": "csm/complaints/tests/test_config_api.py",
             "/api/v1/complaint-settings": "csm/complaints/tests/test_config_api.py",
             "/api/v1/public/": "csm/complaints/tests/test_public_api.py",
             "/api/v1/privacy/": "csm/complaints/tests/test_privacy.py",
             "/api/v1/complaints/{complaint_id}/legal-hold": "csm/complaints/tests/test_privacy.py",
             "/api/v1/complaints/analytics": "csm/complaints/tests/test_analytics_api.py",
             "/api/v1/service-volumes": "csm/complaints/tests/test_analytics_api.py",
             "/api/v1/surveys": "csm/surveys/tests/test_api.py",
             "/api/v1/survey-items": "csm/surveys/tests/test_api.py",
             "/api/v1/survey-follow-ups": "csm/surveys/tests/test_api.py",
             "/api/v1/service-events": "csm/surveys/tests/test_distribution_api.py",
             "/api/v1/assessments": "csm/assessments/tests/test_api.py",
             "/api/v1/assessment-reports": "csm/assessments/tests/test_api.py",
             "/api/v1/assessment-scores": "csm/assessments/tests/test_api.py",
             "/api/v1/improvement-items": "csm/assessments/tests/test_api.py"}
COVERED_ELSEWHERE = tuple(ELSEWHERE)
SINGLETONS = {("GET", "/api/v1/me"), ("GET", "/api/v1/organization"), ("PATCH", "/api/v1/organization")}
# Operations that need no authentication (the complainant's public intake and tracking).
PUBLIC = ("/api/v1/public/",)
# Writes open to complaint handlers (bob), which change a complaint through its actions and record
# them on its timeline: their roles are tested in csm/complaints/tests/test_api.py, not below.
HANDLER_WRITES = ("/api/v1/complaints",)
# Kinds that are never patched or deleted: a complaint changes only through its actions.
RECORD_KINDS = {"complaints"}

OPERATIONS = sorted(
    (method.upper(), path) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops
)


def make_service(org: Organization) -> Service:
    return ServiceFactory(organization=org)


def make_category(org: Organization) -> ComplaintCategory:
    return ComplaintCategory.objects.create(organization=org, name=f"Category {ComplaintCategory.objects.count()}")


def make_sla_policy(org: Organization) -> SlaPolicy:
    return SlaPolicy.objects.create(organization=org, name="Standard", calendar=BusinessCalendarFactory(organization=org))


def make_escalation_tier(org: Organization) -> EscalationTier:
    level = EscalationTier.objects.filter(organization=org).count() + 1
    return EscalationTier.objects.create(organization=org, level=level, name=f"Tier {level}",
                                         owner_role=Role.COMPLAINT_HANDLER)


def make_complaint(org: Organization) -> Complaint:
    return register_complaint(organization=org, data={
        "channel": "phone", "complainant_name": "Dora", "description": "Cold room."}).complaint


# One standalone, deletable object of each kind, by the path parameter that names it.
MAKERS: dict[str, Callable[[Organization], Any]] = {
    "unit_id": lambda org: UnitFactory(organization=org),
    "client_id": lambda org: ClientOrganizationFactory(organization=org),
    "membership_id": lambda org: MembershipFactory(organization=org, role=Role.VIEWER),
    "service_id": make_service,
    "touch_point_id": lambda org: TouchPointFactory(service=make_service(org)),
    "touch_line_id": lambda org: TouchLineFactory(service=make_service(org)),
    "touch_face_id": lambda org: TouchFaceFactory(service=make_service(org)),
    "characteristic_id": lambda org: ServiceCharacteristicFactory(organization=org),
    "category_id": make_category,
    "remedy_id": lambda org: Remedy.objects.create(organization=org, name=f"Remedy {Remedy.objects.count()}"),
    "sla_policy_id": make_sla_policy,
    "escalation_tier_id": make_escalation_tier,
    "complaint_id": make_complaint,
}
MODELS = {"unit_id": Unit, "client_id": ClientOrganization, "membership_id": Membership, "service_id": Service,
          "touch_point_id": TouchPoint, "touch_line_id": TouchLine, "touch_face_id": TouchFace,
          "characteristic_id": ServiceCharacteristic, "category_id": ComplaintCategory, "remedy_id": Remedy,
          "sla_policy_id": SlaPolicy, "escalation_tier_id": EscalationTier, "complaint_id": Complaint}


def _touch_line_body(org: Organization) -> dict[str, Any]:
    service = make_service(org)
    points = TouchPointFactory.create_batch(2, service=service)
    return {"service_id": service.pk, "name": "Arrival", "direction": "one_way",
            "touch_point_ids": [p.pk for p in points]}


def _touch_face_body(org: Organization) -> dict[str, Any]:
    point = TouchPointFactory(service=make_service(org))
    return {"service_id": point.service_id, "name": "Lobby", "openness": "fully_open",
            "touch_point_ids": [point.pk]}


# A valid body for each create, whose references are objects of `org`; the field charlie's
# request must be refused on when `org` is acme (None: the body refers to nothing of acme's).
POST_BODIES: dict[str, tuple[Callable[[Organization], dict[str, Any]], str | None]] = {
    "/api/v1/units": (lambda org: {"kind": "team", "name": "Night desk", "parent_id": UnitFactory(organization=org).pk},
                      "parent_id"),
    "/api/v1/clients": (lambda org: {"name": "Initech", "code": "INI"}, None),
    "/api/v1/memberships": (lambda org: {"email": "dora@example.test", "role": "viewer", "full_name": "Dora"}, None),
    "/api/v1/services": (lambda org: {"name": "Check-in", "unit_id": UnitFactory(organization=org).pk}, "unit_id"),
    "/api/v1/touch-points": (lambda org: {"service_id": make_service(org).pk, "name": "Reception",
                                          "staffing": "staffed", "channel": "in_person"}, "service_id"),
    "/api/v1/touch-lines": (_touch_line_body, "service_id"),
    "/api/v1/touch-faces": (_touch_face_body, "service_id"),
    "/api/v1/characteristics": (lambda org: {"name": "Clean rooms", "kind": "venue", "touch_point_ids": [
        TouchPointFactory(service=make_service(org)).pk]}, "touch_point_ids"),
    "/api/v1/complaint-categories": (lambda org: {"name": "Billing"}, None),
    "/api/v1/remedies": (lambda org: {"name": "Refund", "default_cost": "10.00"}, None),
    "/api/v1/sla-policies": (lambda org: {"name": "Fast", "calendar_id": BusinessCalendarFactory(organization=org).pk},
                             "calendar_id"),
    "/api/v1/escalation-tiers": (lambda org: {"level": 9, "name": "Ombudsman", "owner_role": "quality_manager",
                                              "is_external": True}, None),
    "/api/v1/complaints": (lambda org: {"channel": "phone", "complainant_name": "Dora", "description": "Cold room.",
                                        "service_id": make_service(org).pk}, "service_id"),
}
PATCH_BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/organization": {"name": "Renamed"},
    "/api/v1/units/{unit_id}": {"name": "Renamed"},
    "/api/v1/clients/{client_id}": {"name": "Renamed"},
    "/api/v1/memberships/{membership_id}": {"role": "inspector"},
    "/api/v1/services/{service_id}": {"name": "Renamed"},
    "/api/v1/touch-points/{touch_point_id}": {"name": "Renamed"},
    "/api/v1/touch-lines/{touch_line_id}": {"name": "Renamed"},
    "/api/v1/touch-faces/{touch_face_id}": {"name": "Renamed"},
    "/api/v1/characteristics/{characteristic_id}": {"name": "Renamed"},
    "/api/v1/complaint-categories/{category_id}": {"name": "Renamed"},
    "/api/v1/remedies/{remedy_id}": {"name": "Renamed"},
    "/api/v1/sla-policies/{sla_policy_id}": {"name": "Renamed"},
    "/api/v1/escalation-tiers/{escalation_tier_id}": {"name": "Renamed"},
}
# A valid body for each action on one object (POST /things/{id}/verb).
ACTION_BODIES: dict[str, dict[str, Any]] = {
    f"/api/v1/complaints/{{complaint_id}}/{verb}": body for verb, body in {
        "acknowledge": {}, "assess": {"severity": "low"}, "status": {"status": "investigating"},
        "assign": {"assignee_id": None}, "notes": {"body": "x"}, "messages": {"body": "x"},
        "request-information": {"body": "x"}, "propose": {"outcome": "upheld", "decision_text": "x"},
        "approve": {}, "decide": {}, "close": {"reason": "x"}, "reopen": {"reason": "x"}, "refer": {"body": "x"},
        "duplicate-of": {"original_id": 1},
    }.items()
}
ITEM_BODIES = {**PATCH_BODIES, **ACTION_BODIES}


def path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def list_param(path: str) -> str | None:
    """The id parameter of the item path below a list path: /units -> unit_id."""
    items = [p for _, p in OPERATIONS if p.startswith(path + "/{") and len(path_params(p)) == 1]
    return path_params(items[0])[0] if items else None


def classified(method: str, path: str) -> bool:
    params = path_params(path)
    if path.startswith(COVERED_ELSEWHERE) or (method, path) in SINGLETONS:
        return True
    if method == "POST":
        return path in POST_BODIES or path in ACTION_BODIES
    if not params:
        return method == "GET" and list_param(path) in MAKERS
    return all(p in MAKERS for p in params) and (method != "PATCH" or path in PATCH_BODIES)


MINE = [op for op in OPERATIONS if classified(*op) and not op[1].startswith(COVERED_ELSEWHERE)
        and op not in SINGLETONS]
ITEM_OPS = [op for op in MINE if path_params(op[1])]
LIST_OPS = [op for op in MINE if op[0] == "GET" and not path_params(op[1])]
WRITE_OPS = [op for op in MINE if op[0] != "GET" and not op[1].startswith(HANDLER_WRITES)] + [
    ("PATCH", "/api/v1/organization")]
AUTHENTICATED_OPS = [op for op in OPERATIONS if not op[1].startswith(PUBLIC)]


def op_ids(ops: list[tuple[str, str]]) -> list[str]:
    return [f"{m} {p}" for m, p in ops]


def call(client: Client, method: str, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
    if method in {"POST", "PATCH"}:
        return client.generic(method, path, json.dumps(body or {}), content_type="application/json", **kw)
    return client.generic(method, path, **kw)


def fill(path: str, obj: Any) -> str:
    return re.sub(r"{\w+}", str(obj.pk), path)


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (sessions aside), to prove a refused request changed nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label != "sessions.Session"
    }


def organization_state(org: Organization) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to `org`."""
    state = {"accounts.Organization": list(Organization.objects.filter(pk=org.pk).values())}
    for model in apps.get_models():
        if any(f.name == "organization" for f in model._meta.get_fields()):
            state[model._meta.label] = list(model._default_manager.filter(organization=org).order_by("pk").values())
    return state
