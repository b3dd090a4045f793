from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from csm.core.request_context import current_request_id, reset_request_id, set_request_id


class RequestIdMiddleware:
    """Accepts a sane X-Request-ID or makes one, and echoes it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_id(request.headers.get("X-Request-ID"))
        try:
            request_id = current_request_id()
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            reset_request_id(token)
