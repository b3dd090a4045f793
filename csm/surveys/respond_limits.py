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
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Counter:
    """One completion from `ip` to a survey: `submit_response` calls it inside its transaction
    before it writes the response (RateLimited rolls the count back with the rest), or puts
    `statement()` into the one statement that writes the response (services/response_rows.py)."""

    survey_id: int
    ip: str
    kiosk: bool

    def statement(self) -> intake_limits.Count:
        digest = hashlib.sha256(f"{self.survey_id}:{self.ip}:{self.kiosk}".encode()).hexdigest()[:32]
        return intake_limits.counting_keys({f"{KIND}:{digest}": _window(kiosk=self.kiosk)}, now=clock.now())

    def refusal(self) -> RateLimited:
        return RateLimited(gettext("Too many answers were sent from this connection. Please try again later."))

    def __call__(self) -> None:
        statement = self.statement()
        counts = intake_limits.increment(statement)
        if any(counts[key] > window.limit for key, window in statement.keys.items()):
            raise self.refusal()


def counter(*, survey_id: int, ip: str, kiosk: bool) -> Counter:
    return Counter(survey_id, ip, kiosk)


def delete_past_counters(*, now: dt.datetime) -> int:
    window = _window(kiosk=False)
    deleted, _by_model = IntakeCounter.objects.filter(key__startswith=f"{KIND}:",
                                                      window_start__lt=window.start(now)).delete()
    return deleted


@task()
def sweep_survey_counters() -> int:
    """Hourly: the counters of hours that have passed."""
    return delete_past_counters(now=clock.now())
