"""Business-calendar pages: list, detail (weekly grid, holidays, 14-day preview, history), create,
edit, delete, working hours (a formset, no JS needed) and manual holidays.

Views are thin: a form parses, a service decides and audits, a selector reads. Each view goes
through `@org_view(permission)`: 404 for other organisations, 403 for roles without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core import clock, selectors, services
from csm.core.calendar_forms import MAX_EXTRA_ROWS, CalendarForm, HolidayForm, interval_formset
from csm.core.errors import DomainError, InvalidInput
from csm.core.forms import add_domain_errors
from csm.core.models import BusinessCalendar, Weekday

T = TypeVar("T")
PREVIEW_DAYS = 14


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": _actor(request).organization.slug, **kwargs})


def _detail_url(request: HttpRequest, calendar: BusinessCalendar) -> str:
    return _url(request, "core:calendar", calendar_id=calendar.pk)


def _submit(request: HttpRequest, form: forms.Form, write: Callable[[dict[str, Any]], T]) -> T | None:
    """Run the service on a valid posted form; None (with the problems on the form) otherwise."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except DomainError as exc:
        add_domain_errors(form, exc)
        return None


def _calendar(request: HttpRequest, calendar_id: int) -> BusinessCalendar:
    return selectors.access_calendar(actor=_actor(request), calendar_id=calendar_id)


# List and detail -------------------------------------------------------------------------------

@org_view(roles.VIEW_CALENDARS)
def calendars(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    context = {"calendars": selectors.list_calendars(actor=actor), "can_edit": actor.can(roles.EDIT_CALENDARS)}
    return render(request, "core/calendars.html", context)


def weekly_grid(calendar: BusinessCalendar) -> list[tuple[Any, list[Any]]]:
    """(weekday label, its intervals) for Monday to Sunday."""
    intervals = list(calendar.intervals.all())
    return [(label, [i for i in intervals if i.weekday == day]) for day, label in Weekday.choices]


@org_view(roles.VIEW_CALENDARS)
def calendar_detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    today = clock.now().astimezone(ZoneInfo(calendar.timezone)).date()
    context = {
        "calendar": calendar,
        "grid": weekly_grid(calendar),
        "holidays": selectors.calendar_holidays(calendar=calendar, years=[today.year, today.year + 1]),
        "preview": selectors.preview_days(calendar=calendar, first=today, days=PREVIEW_DAYS),
        "events": selectors.audit_events_for_object(actor=actor, obj=calendar),
        "can_edit": actor.can(roles.EDIT_CALENDARS),
    }
    return render(request, "core/calendar_detail.html", context)


# Create, edit, delete, default -----------------------------------------------------------------

@org_view(roles.EDIT_CALENDARS)
def calendar_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial = {"timezone": actor.organization.timezone, "country": actor.organization.country}
    form = CalendarForm(request.POST or None, initial=initial)
    calendar = _submit(request, form, lambda data: services.create_calendar(actor=actor, **data))
    if calendar is not None:
        messages.success(request, _("Calendar “%(name)s” created. Now set its working hours.") % {"name": calendar.name})
        return redirect(_url(request, "core:calendar_hours", calendar_id=calendar.pk))
    return render(request, "core/calendar_form.html", {"form": form, "calendar": None})


@org_view(roles.EDIT_CALENDARS)
def calendar_edit(request: HttpRequest, calendar_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    initial = {name: getattr(calendar, name) for name in services.CALENDAR_FIELDS}
    form = CalendarForm(request.POST or None, initial=initial)
    if _submit(request, form, lambda data: services.update_calendar(actor=actor, calendar=calendar, **data)):
        messages.success(request, _("Calendar saved."))
        return redirect(_detail_url(request, calendar))
    if request.method == "POST":
        calendar.refresh_from_db()
    return render(request, "core/calendar_form.html", {"form": form, "calendar": calendar})


@org_view(roles.EDIT_CALENDARS)
def calendar_delete(request: HttpRequest, calendar_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    error = None
    if request.method == "POST":
        try:
            services.delete_calendar(actor=actor, calendar=calendar)
        except DomainError as exc:
            error = exc.detail
        else:
            messages.success(request, _("Calendar “%(name)s” deleted.") % {"name": calendar.name})
            return redirect(_url(request, "core:calendars"))
    return render(request, "core/calendar_confirm_delete.html", {"calendar": calendar, "error": error})


@require_POST
@org_view(roles.EDIT_CALENDARS)
def calendar_make_default(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(request, calendar_id)
    services.make_default(actor=_actor(request), calendar=calendar)
    messages.success(request, _("“%(name)s” is now the default calendar.") % {"name": calendar.name})
    return redirect(_detail_url(request, calendar))


# Working hours ---------------------------------------------------------------------------------

def _interval_rows(formset: Any) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The (weekday, start, end) rows of the filled, undeleted forms, and those forms in order."""
    kept = [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return [(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"]) for f in kept], kept


def _show_interval_errors(formset: Any, kept: list[Any], exc: DomainError) -> None:
    """Put a service 422 on the form of the row it names (`intervals.<index>`), else above the table."""
    items = exc.detail if isinstance(exc, InvalidInput) and isinstance(exc.detail, list) else []
    for item in items or [{"field": "", "message": str(exc.detail)}]:
        index = str(item.get("field", "")).rpartition(".")[2]
        if index.isdigit() and int(index) < len(kept):
            kept[int(index)].add_error(None, item["message"])
        else:
            formset.non_form_errors().append(item["message"])


@org_view(roles.EDIT_CALENDARS)
def calendar_hours(request: HttpRequest, calendar_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    formset_class = interval_formset(_extra_rows(request))
    if request.method == "POST":
        formset = formset_class(request.POST, prefix="intervals")
    else:
        initial = [{"weekday": i.weekday, "start": i.start, "end": i.end} for i in calendar.intervals.all()]
        formset = formset_class(initial=initial, prefix="intervals")
    if request.method == "POST" and formset.is_valid():
        rows, kept = _interval_rows(formset)
        try:
            services.set_working_intervals(actor=actor, calendar=calendar, intervals=rows)
        except DomainError as exc:
            _show_interval_errors(formset, kept, exc)
        else:
            messages.success(request, _("Working hours saved."))
            return redirect(_detail_url(request, calendar))
    context = {"calendar": calendar, "formset": formset, "more_rows": min(_extra_rows(request) + 3, MAX_EXTRA_ROWS)}
    return render(request, "core/calendar_hours.html", context)


def _extra_rows(request: HttpRequest) -> int:
    """Empty rows to offer (`?extra=`), so more intervals can be added without JavaScript."""
    text = request.GET.get("extra", "")
    return min(max(int(text), 1), MAX_EXTRA_ROWS) if text.isdigit() else 3


# Manual holidays -------------------------------------------------------------------------------

@org_view(roles.EDIT_CALENDARS)
def calendar_holiday_add(request: HttpRequest, calendar_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    form = HolidayForm(request.POST or None)
    if _submit(request, form, lambda data: services.add_holiday(actor=actor, calendar=calendar, **data)):
        messages.success(request, _("Holiday added."))
        return redirect(_detail_url(request, calendar))
    return render(request, "core/calendar_holiday_form.html", {"calendar": calendar, "form": form})


@require_POST
@org_view(roles.EDIT_CALENDARS)
def calendar_holiday_remove(request: HttpRequest, calendar_id: int, holiday_id: int) -> HttpResponse:
    actor = _actor(request)
    calendar = _calendar(request, calendar_id)
    holiday = selectors.access_calendar_holiday(actor=actor, calendar=calendar, holiday_id=holiday_id)
    services.remove_holiday(actor=actor, calendar=calendar, holiday=holiday)
    messages.success(request, _("Holiday “%(name)s” removed.") % {"name": holiday.name})
    return redirect(_detail_url(request, calendar))
