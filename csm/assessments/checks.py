"""The start-up check: every shipped protocol is read and validated before the first request.

`csm check`, `runserver`, `migrate` and the worker all run system checks, so a broken protocol file
stops them with every problem listed rather than failing in front of an assessor.
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from csm.assessments.protocol import ProtocolError
from csm.assessments.protocol_store import shipped_protocols


@checks.register()
def check_protocols(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    shipped_protocols.cache_clear()
    try:
        shipped_protocols()
    except ProtocolError as exc:
        return [checks.Error(problem, id="assessments.E001", obj="csm/assessments/protocols")
                for problem in exc.problems]
    return []
