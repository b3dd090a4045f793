"""`csm sla-due`: explain the due date of a time limit on a business calendar.

An administrator's diagnostic: it reads any organisation's calendar by its id, with no actor and no
permission check, and changes nothing. Times without an offset are in the calendar's timezone.

    csm sla-due --calendar 3 --start 2026-04-30T18:30 --target 16h --pause 2026-05-04T10:00/2026-05-04T12:00
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from csm.complaints import sla
from csm.core.models import BusinessCalendar
from csm.core.selectors import calendar_for_computation

MOMENT_FORMAT = "D Y-m-d H:i T"
DAY_FORMAT = "D Y-m-d"


class Command(BaseCommand):
    help = ("Explain the due date of a time limit on a business calendar, step by step. An administrator's "
            "command: it reads any organisation's calendar by id (no actor, no permission check).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--calendar", type=int, required=True, metavar="ID", help="BusinessCalendar id.")
        parser.add_argument("--start", required=True, metavar="ISO",
                            help="When the clock starts, e.g. 2026-04-30T18:30 (no offset: the calendar's "
                                 "timezone).")
        parser.add_argument("--target", required=True,
                            help="16h (working hours), 5wd (working days), 15d (calendar days) or 48ch "
                                 "(calendar hours).")
        parser.add_argument("--pause", action="append", default=[], metavar="START/END",
                            help="A pause of the clock; repeat for several. START/ (no end) is still paused.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="Language of the explanation.")
        parser.add_argument("--json", action="store_true", help="Print JSON for machines instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            calendar = _load_calendar(options["calendar"])
            zone = ZoneInfo(calendar.timezone)
            start = _parse_moment(options["start"], zone, "--start")
            target = _parse_target(options["target"])
            pauses = [_parse_pause(text, zone) for text in options["pause"]]
            explanation = _explain(calendar, start, target, pauses)
            lines = _as_json(calendar, explanation) if options["json"] else _as_text(calendar, explanation)
            self.stdout.write(lines)


# Input -----------------------------------------------------------------------------------------

def _load_calendar(calendar_id: int) -> BusinessCalendar:
    try:
        return BusinessCalendar.objects.get(pk=calendar_id)
    except BusinessCalendar.DoesNotExist:
        raise CommandError(_("Calendar %(id)s does not exist.") % {"id": calendar_id}) from None


def _parse_moment(text: str, zone: ZoneInfo, option: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        message = _("%(option)s: %(text)r is not an ISO 8601 date and time (e.g. 2026-05-04T09:30 or "
                    "2026-05-04T09:30+02:00).")
        raise CommandError(message % {"option": option, "text": text}) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _parse_target(text: str) -> sla.Target:
    try:
        return sla.parse_target(text)
    except ValueError as exc:
        raise CommandError(f"--target: {exc}") from None


def _parse_pause(text: str, zone: ZoneInfo) -> sla.Pause:
    start, _slash, end = text.partition("/")
    begin = _parse_moment(start, zone, "--pause")
    finish = _parse_moment(end, zone, "--pause") if end.strip() else None
    try:
        return sla.Pause(begin, finish)
    except ValueError as exc:
        raise CommandError(f"--pause: {exc}") from None


# Compute ---------------------------------------------------------------------------------------

def _explain(calendar: BusinessCalendar, start: dt.datetime, target: sla.Target,
             pauses: Sequence[sla.Pause]) -> sla.Explanation:
    """`sla.due_at` with the public holidays of every year up to the due date (or the open pause)."""
    first, last = start.year - 1, start.year + 1
    while True:
        computed = calendar_for_computation(calendar=calendar, years=range(first, last + 1))
        try:
            explanation = sla.due_at(start=start, target=target, calendar=computed, pauses=pauses)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        reach = explanation.due or explanation.pauses[-1].start
        if computed.local_date(reach).year <= last:
            return explanation
        last = computed.local_date(reach).year + 1


# Output ----------------------------------------------------------------------------------------

def _as_json(calendar: BusinessCalendar, explanation: sla.Explanation) -> str:
    zone = ZoneInfo(calendar.timezone)
    data = {"calendar": calendar.pk, **explanation.as_dict()}
    data["due_local"] = explanation.due.astimezone(zone).isoformat() if explanation.due else None
    for step, row in zip(explanation.steps, data["steps"], strict=True):
        row["at_local"] = step.at.astimezone(zone).isoformat()
    return json.dumps(data, indent=2, ensure_ascii=False)


def _as_text(calendar: BusinessCalendar, explanation: sla.Explanation) -> str:
    zone = ZoneInfo(calendar.timezone)
    lines = [_("Calendar %(id)s “%(name)s” (%(timezone)s), target %(target)s:") % {
        "id": calendar.pk, "name": calendar.name, "timezone": calendar.timezone,
        "target": _target_text(explanation.target)}]
    for step in explanation.steps:
        local = step.at.astimezone(zone)
        layout = DAY_FORMAT if step.kind == sla.ExplanationKind.HOLIDAY else MOMENT_FORMAT
        when = formats.date_format(local, layout)
        lines.append(f"  {when:<25} {_STEP_TEXT[step.kind](step.detail, zone)}")
    lines.append(_due_text(explanation, zone))
    return "\n".join(lines)


def _target_text(target: sla.Target) -> str:
    n = target.amount
    return {
        "working_hours": ngettext("%(n)d working hour", "%(n)d working hours", n),
        "working_days": ngettext("%(n)d working day", "%(n)d working days", n),
        "calendar_days": ngettext("%(n)d calendar day", "%(n)d calendar days", n),
        "calendar_hours": ngettext("%(n)d hour", "%(n)d hours", n),
    }[target.unit] % {"n": n}


def _due_text(explanation: sla.Explanation, zone: ZoneInfo) -> str:
    if explanation.due is None:
        return _("No due date yet: the clock is paused.")
    return _("Due: %(local)s (%(timezone)s) = %(utc)s UTC") % {
        "local": formats.date_format(explanation.due.astimezone(zone), MOMENT_FORMAT),
        "timezone": zone.key, "utc": f"{explanation.due:%Y-%m-%d %H:%M}"}


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return _("%(hours)dh %(minutes)02dm") % {"hours": minutes // 60, "minutes": minutes % 60}


def _received(detail: dict[str, Any], zone: ZoneInfo) -> str:
    if "working_time" not in detail:
        return _("Received.")
    return _("Received in working time.") if detail["working_time"] else _("Received outside working time.")


def _holiday(detail: dict[str, Any], zone: ZoneInfo) -> str:
    return _("Holiday: no working time.") if detail["working_day"] else _("Holiday on a day off.")


def _pause(detail: dict[str, Any], zone: ZoneInfo) -> str:
    end = dt.datetime.fromisoformat(detail["end"]).astimezone(zone)
    return _("Paused until %(end)s: %(paused)s of counted time.") % {
        "end": formats.date_format(end, MOMENT_FORMAT), "paused": _duration(detail["paused_seconds"])}


def _open_pause(detail: dict[str, Any], zone: ZoneInfo) -> str:
    return _("Paused, still waiting: %(left)s left when the clock restarts.") % {
        "left": _duration(detail["remaining_seconds"])}


def _days(detail: dict[str, Any], zone: ZoneInfo) -> str:
    return _("End of day %(days)d counted (the day of receipt does not count).") % {"days": detail["days"]}


def _due(detail: dict[str, Any], zone: ZoneInfo) -> str:
    if not detail["paused_seconds"]:
        return _("Due.")
    return _("Due, %(paused)s later for the pauses.") % {"paused": _duration(detail["paused_seconds"])}


_STEP_TEXT: dict[str, Callable[[dict[str, Any], ZoneInfo], str]] = {
    sla.ExplanationKind.RECEIVED: _received,
    sla.ExplanationKind.CLOCK_STARTS: lambda detail, zone: _("The clock starts: the first working moment."),
    sla.ExplanationKind.HOLIDAY: _holiday,
    sla.ExplanationKind.PAUSE: _pause,
    sla.ExplanationKind.OPEN_PAUSE: _open_pause,
    sla.ExplanationKind.WORKING_DAYS: _days,
    sla.ExplanationKind.CALENDAR_DAYS: _days,
    sla.ExplanationKind.DUE: _due,
}
