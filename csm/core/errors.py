"""Domain errors. Services raise these; one API handler and one view helper map them to HTTP.

Each carries a stable machine `code` and a human `detail`; `status` is the HTTP status it maps to.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, detail: Any = None, *, code: str | None = None) -> None:
        self.detail = detail if detail is not None else self.default_detail()
        if code:
            self.code = code
        super().__init__(str(self.detail))

    def default_detail(self) -> str:
        return gettext("The request could not be processed.")

    def as_text(self, *, with_fields: bool = False) -> str:
        """The detail on one line, for a log or a terminal: field problems joined by "; ", each
        prefixed with its field when `with_fields`."""
        if not isinstance(self.detail, list):
            return str(self.detail)
        return "; ".join(f"{item['field']}: {item['message']}" if with_fields and item.get("field")
                         else str(item.get("message", "")) for item in self.detail)


class NotFound(DomainError):
    """Missing, and not yours, look the same: nothing leaks about other organisations."""

    status = 404
    code = "not_found"

    def default_detail(self) -> str:
        return gettext("Not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"

    def default_detail(self) -> str:
        return gettext("Your role does not allow this action.")


class InvalidInput(DomainError):
    """Field-level problems found by a service. `detail` is a list of {field, message}."""

    status = 422
    code = "validation_error"

    def __init__(self, field: str = "", message: str = "", *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(errors if errors is not None else [{"field": field, "message": message}])


class Conflict(DomainError):
    status = 409
    code = "conflict"

    def default_detail(self) -> str:
        return gettext("The request conflicts with the current state.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def default_detail(self) -> str:
        return gettext("Too many attempts. Try again later.")
