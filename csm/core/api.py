"""Core endpoints: business calendars and the audit trail."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["calendars and audit"])
