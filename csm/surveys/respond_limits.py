"""Rate limits of the public survey pages and API: completed responses per client IP and survey in a
fixed clock hour, counted in the complaints intake's counter table (intake_limits) by one upsert in
the same transaction as the response, so only accepted responses count, the limit holds across
web processes and costs one statement. A kiosk is one device answering for many people, so it has
its own, higher limit. Saving a page of a partial response is not limited: it cannot be counted.
Keys are hashed: no address is stored; `sweep_survey_counters` deletes the past hours' counters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext
from django_tasks import task

from csm.complaints import intake_limits
from csm.complaints.models import IntakeCounter
from csm.core import clock
from csm.core.errors import RateLimited

KIND = "survey"


def _window(*, kiosk: bool) -> intake_limits.Window:
    limit = settings.CSM_SURVEY_KIOSK_PER_HOUR if kiosk else settings.CSM_SURVEY_RESPONSES_PER_IP_HOUR
    return intake_limits.Window(KIND, intake_limits.HOUR, int(limit))


def counter(*, survey_id: int, ip: str, kiosk: bool) -> Callable[[], None]:
    """What `submit_response` calls inside its transaction before it writes a completed response:
    count it, or raise RateLimited (the transaction then rolls the count back)."""
    def count() -> None:
        window = _window(kiosk=kiosk)
        digest = hashlib.sha256(f"{survey_id}:{ip}:{kiosk}".encode()).hexdigest()[:32]
        statement = intake_limits.counting_keys({f"{KIND}:{digest}": window}, now=clock.now())
        counts = intake_limits.increment(statement)
        if any(value > window.limit for value in counts.values()):
            raise RateLimited(gettext("Too many answers were sent from this connection. Please try again later."))
    return count


def delete_past_counters(*, now: dt.datetime) -> int:
    window = _window(kiosk=False)
    deleted, _by_model = IntakeCounter.objects.filter(key__startswith=f"{KIND}:",
                                                      window_start__lt=window.start(now)).delete()
    return deleted


@task()
def sweep_survey_counters() -> int:
    """Hourly: the counters of hours that have passed."""
    return delete_past_counters(now=clock.now())
