"""Bridging service errors into Django forms, so a view shows a 422 as field errors."""

from __future__ import annotations

from django import forms

from csm.core.errors import DomainError, InvalidInput


def add_domain_errors(form: forms.BaseForm, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput) and isinstance(exc.detail, list):
        for item in exc.detail:
            field = item.get("field")
            name = field if field in form.fields else None
            form.add_error(name, item.get("message", ""))
    else:
        form.add_error(None, str(exc.detail))
