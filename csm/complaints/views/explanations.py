"""How a due date came about, in sentences: each `sla.ExplanationStep` kind becomes one translated
sentence, with its times in the calendar's timezone and its durations in hours and minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext, ngettext

from csm.complaints import sla

K = sla.ExplanationKind


@dataclass(frozen=True)
class ExplainedStep:
    kind: str
    at: dt.datetime  # in the calendar's timezone
    text: str


def format_duration(seconds: float, *, days: bool = False) -> str:
    """"2 h 30 min"; with `days` (calendar time) "3 d 4 h" from a day up. Rounded down to the minute."""
    minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(minutes, 60)
    if days and hours >= 24:
        whole_days, hours = divmod(hours, 24)
        return gettext("%(days)d d %(hours)d h") % {"days": whole_days, "hours": hours}
    if hours and minutes:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if hours:
        return gettext("%(hours)d h") % {"hours": hours}
    return gettext("%(minutes)d min") % {"minutes": minutes}


def explain(explanation: sla.Explanation) -> list[ExplainedStep]:
    zone = ZoneInfo(explanation.timezone)
    return [ExplainedStep(str(step.kind), step.at.astimezone(zone), _sentence(step, zone, explanation))
            for step in explanation.steps]


def _when(at: dt.datetime, zone: ZoneInfo) -> str:
    return formats.date_format(at.astimezone(zone), "DATETIME_FORMAT")


def _day(iso_date: str) -> str:
    return formats.date_format(dt.date.fromisoformat(iso_date), "DATE_FORMAT")


def _counted(seconds: float, explanation: sla.Explanation) -> str:
    return format_duration(seconds, days=not explanation.target.is_working)


def _received(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    if "working_time" not in step.detail:
        return gettext("Received; calendar time counts from this moment.")
    if step.detail["working_time"]:
        return gettext("Received during working time: the clock starts at once.")
    return gettext("Received outside working time.")


def _clock_starts(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    return gettext("The clock starts: the first working moment after receipt.")


def _holiday(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    day = _day(step.detail["date"])
    if step.detail.get("working_day"):
        return gettext("%(day)s is a holiday: no working time that day.") % {"day": day}
    return gettext("%(day)s is a holiday, on a day without working hours anyway.") % {"day": day}


def _pause(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    end = dt.datetime.fromisoformat(step.detail["end"])
    return gettext("The clock was paused until %(end)s; %(paused)s did not count.") % {
        "end": _when(end, zone), "paused": _counted(step.detail["paused_seconds"], explanation)}


def _open_pause(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    return gettext("The clock has been paused since then, so there is no due date yet; %(left)s will remain "
                   "when it runs again.") % {"left": _counted(step.detail["remaining_seconds"], explanation)}


def _working_days(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    days = step.detail["days"]
    return ngettext(
        "The end of the working time of %(last_day)s, %(days)d working day after the day of receipt "
        "(which does not count).",
        "The end of the working time of %(last_day)s, the last of %(days)d working days after the day of "
        "receipt (which does not count).", days,
    ) % {"days": days, "last_day": _day(step.detail["last_day"])}


def _calendar_days(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    days = step.detail["days"]
    return ngettext(
        "Midnight after %(last_day)s, the end of %(days)d calendar day after the day of receipt (which does "
        "not count).",
        "Midnight after %(last_day)s, the end of %(days)d calendar days after the day of receipt (which does "
        "not count).", days,
    ) % {"days": days, "last_day": _day(step.detail["last_day"])}


def _due(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    values = {"target": _counted(step.detail["target_seconds"], explanation),
              "paused": _counted(step.detail["paused_seconds"], explanation)}
    paused = bool(step.detail["paused_seconds"])
    if explanation.target.is_working and paused:
        text = gettext("Due: %(target)s of working time counted, plus %(paused)s paused.")
    elif explanation.target.is_working:
        text = gettext("Due: %(target)s of working time counted.")
    elif paused:
        text = gettext("Due: %(target)s counted, plus %(paused)s paused.")
    else:
        text = gettext("Due: %(target)s counted.")
    return text % values


_SENTENCES: dict[str, Callable[[sla.ExplanationStep, ZoneInfo, sla.Explanation], str]] = {
    K.RECEIVED: _received,
    K.CLOCK_STARTS: _clock_starts,
    K.HOLIDAY: _holiday,
    K.PAUSE: _pause,
    K.OPEN_PAUSE: _open_pause,
    K.WORKING_DAYS: _working_days,
    K.CALENDAR_DAYS: _calendar_days,
    K.DUE: _due,
}


def _sentence(step: sla.ExplanationStep, zone: ZoneInfo, explanation: sla.Explanation) -> str:
    render: Any = _SENTENCES.get(str(step.kind))
    return render(step, zone, explanation) if render else str(step.kind)
