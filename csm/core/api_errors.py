"""One error shape for the whole API: {"detail": …, "code": …}.

Validation errors (422) carry `detail` as a list of {field, message}, one per bad field, named as
the client sent it: a service names a reference by its model field (`parent`), the request body by
its id field (`parent_id`), so the handler reports the name that was in the body.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from csm.core.errors import DomainError, InvalidInput
from csm.core.writes import validation_errors

_STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 422: "validation_error", 429: "rate_limited"}
_LOCATION_PREFIXES = {"body", "query", "path", "payload", "data", "form", "header", "cookie"}


def error_body(detail: Any, code: str) -> dict[str, Any]:
    return {"detail": detail, "code": code}


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    while len(parts) > 1 and parts[0] in _LOCATION_PREFIXES:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def validation_detail(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"field": _field_name(list(e.get("loc", []))), "message": str(e.get("msg", "Invalid value."))}
            for e in errors]


def _sent_fields(request: HttpRequest) -> set[str]:
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, RawPostDataException):
        return set()
    return {str(k) for k in body} if isinstance(body, dict) else set()


def as_sent(detail: list[dict[str, str]], sent: set[str]) -> list[dict[str, str]]:
    """Rename `x` to `x_id` where the body carried `x_id` and not `x`."""
    def name(field: str) -> str:
        return f"{field}_id" if field not in sent and f"{field}_id" in sent else field

    return [{**item, "field": name(str(item.get("field", "")))} for item in detail]


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, detail: Any, code: str, status: int) -> HttpResponse:
        return api.create_response(request, error_body(detail, code), status=status)

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.detail, exc.code, exc.status)

    @api.exception_handler(InvalidInput)
    def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        detail = cast("list[dict[str, str]]", exc.detail)
        return respond(request, as_sent(detail, _sent_fields(request)), exc.code, exc.status)

    @api.exception_handler(DjangoValidationError)
    def on_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, validation_errors(exc), "validation_error", 422)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, validation_detail(list(exc.errors)), "validation_error", 422)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, gettext("Authentication required: send a valid API token or sign in."),
                       "not_authenticated", 401)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, gettext("Not found."), "not_found", 404)

    @api.exception_handler(DjangoPermissionDenied)
    def on_forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return respond(request, gettext("Your role does not allow this action."), "permission_denied", 403)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, str(exc), _STATUS_CODES.get(exc.status_code, "error"), exc.status_code)
