"""One error shape for the whole API: each error type maps to its status and code, and field
errors are named as the client sent them."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.test import RequestFactory
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from csm.core.api_errors import as_sent, install_error_handlers, validation_detail
from csm.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited

_api = NinjaAPI(urls_namespace="test-api-errors")
install_error_handlers(_api)


def _respond(exc: Exception, body: object = None) -> tuple[int, object]:
    request = RequestFactory().post("/x", json.dumps(body) if body is not None else "",
                                    content_type="application/json")
    response = _api.on_exception(request, exc)
    return response.status_code, json.loads(response.content)


@pytest.mark.parametrize(("exc", "status", "body"), [
    (NotFound(), 404, {"detail": "Not found.", "code": "not_found"}),
    (PermissionDenied(), 403, {"detail": "Your role does not allow this action.", "code": "permission_denied"}),
    (Conflict("Taken."), 409, {"detail": "Taken.", "code": "conflict"}),
    (RateLimited(), 429, {"detail": "Too many attempts. Try again later.", "code": "rate_limited"}),
    (InvalidInput("name", "Required."), 422,
     {"detail": [{"field": "name", "message": "Required."}], "code": "validation_error"}),
    (Http404(), 404, {"detail": "Not found.", "code": "not_found"}),
    (DjangoPermissionDenied(), 403, {"detail": "Your role does not allow this action.", "code": "permission_denied"}),
    (AuthenticationError(), 401, {"detail": "Authentication required: send a valid API token or sign in.",
                                  "code": "not_authenticated"}),
    (HttpError(405, "Nope."), 405, {"detail": "Nope.", "code": "method_not_allowed"}),
    (HttpError(418, "Teapot."), 418, {"detail": "Teapot.", "code": "error"}),
    (DjangoValidationError({"name": ["Too long."]}), 422,
     {"detail": [{"field": "name", "message": "Too long."}], "code": "validation_error"}),
])
def test_each_error_has_the_one_shape(exc, status, body):
    assert _respond(exc) == (status, body)


def test_ninja_validation_errors_name_the_field_without_its_location():
    exc = ValidationError([
        {"loc": ("body", "payload", "name"), "msg": "Field required"},
        {"loc": ("query", "limit"), "msg": "Too big"},
        {"loc": ("path", "unit_id"), "msg": "Not an integer"},
        {"loc": ("body", "payload", "touch_point_ids", 1), "msg": "Not an integer"},
        {"loc": (), "msg": "Broken"},
    ])
    assert _respond(exc) == (422, {"code": "validation_error", "detail": [
        {"field": "name", "message": "Field required"}, {"field": "limit", "message": "Too big"},
        {"field": "unit_id", "message": "Not an integer"},
        {"field": "touch_point_ids.1", "message": "Not an integer"}, {"field": "__all__", "message": "Broken"}]})


def test_a_service_error_on_a_reference_is_named_as_the_body_named_it():
    exc = InvalidInput(errors=[{"field": "parent", "message": "Loop."}, {"field": "name", "message": "Bad."}])
    assert _respond(exc, {"parent_id": 3, "name": ""})[1]["detail"] == [{"field": "parent_id", "message": "Loop."}, {"field": "name", "message": "Bad."}]


@pytest.mark.parametrize(("sent", "expected"), [
    ({"service_id", "name"}, "service_id"),
    ({"service", "service_id"}, "service"),
    ({"name"}, "service"),
    (set(), "service"),
])
def test_as_sent_renames_only_when_the_body_used_the_id_name(sent, expected):
    assert as_sent([{"field": "service", "message": "m"}], sent) == [{"field": expected, "message": "m"}]


def test_a_body_that_is_not_an_object_renames_nothing():
    assert _respond(InvalidInput("parent", "Loop."), ["parent_id"]) == (
        422, {"detail": [{"field": "parent", "message": "Loop."}], "code": "validation_error"})


def test_validation_detail_keeps_a_message_default():
    assert validation_detail([{"loc": ["body", "x"]}]) == [{"field": "x", "message": "Invalid value."}]


def test_a_domain_error_reads_as_one_line():
    from csm.core.errors import Conflict, InvalidInput

    problems = InvalidInput(errors=[{"field": "slug", "message": "Taken."}, {"field": "", "message": "Bad."}])
    assert problems.as_text() == "Taken.; Bad."
    assert problems.as_text(with_fields=True) == "slug: Taken.; Bad."
    assert Conflict("Closed.").as_text(with_fields=True) == "Closed."
