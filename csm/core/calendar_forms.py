"""Forms for business calendars and the audit-trail filter. They parse input only; the services
decide (and their 422s come back as field errors through `add_domain_errors`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.core import selectors
from csm.core.models import Weekday
from csm.core.public_holidays import country_names, time_zones
from csm.core.templatetags.audit_display import audit_action, audit_object_type

_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Working hours are wall-clock times here."))
    country = forms.ChoiceField(label=_("Country"), help_text=_("Public holidays come from this country."))
    subdivision = forms.CharField(
        label=_("Subdivision"), max_length=10, required=False,
        help_text=_("Optional region code for regional public holidays, e.g. BY for Bavaria."),
    )
    include_public_holidays = forms.BooleanField(label=_("Include public holidays"), required=False, initial=True)
    is_default = forms.BooleanField(
        label=_("Default calendar"), required=False, help_text=_("Used when nothing else names a calendar.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "timezone").choices = [(name, name) for name in sorted(time_zones())]
        _choice_field(self, "country").choices = [(code, f"{name} ({code})") for code, name in country_names().items()]


class WorkingIntervalForm(forms.Form):
    # A blank first choice lets an untouched extra row count as empty, so the formset skips it.
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), coerce=int, choices=[("", "—"), *Weekday.choices], required=True
    )
    start = forms.TimeField(label=_("Start"), widget=_TIME)
    end = forms.TimeField(label=_("End"), widget=_TIME)


MAX_EXTRA_ROWS = 21


class BaseIntervalFormSet(forms.BaseFormSet):
    """Every row may be left empty: an emptied row is dropped like a deleted one. (Bind posted data
    without `initial`, so an emptied row counts as unchanged rather than as a row missing values.)"""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"empty_permitted": True}


def interval_formset(extra: int = 3) -> type[forms.BaseFormSet]:
    """Rows of weekday/start/end, several per day, plus `extra` empty rows."""
    return forms.formset_factory(
        WorkingIntervalForm, formset=BaseIntervalFormSet, extra=extra, can_delete=True, max_num=200, absolute_max=200
    )


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_DATE)
    name = forms.CharField(label=_("Name"), max_length=120)


class AuditFilterForm(forms.Form):
    """Filters of the audit page; dates are whole days in the organisation's time zone."""

    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(label=_("From"), required=False, widget=_DATE)
    until = forms.DateField(label=_("To"), required=False, widget=_DATE, help_text=_("Inclusive."))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        _choice_field(self, "object_type").choices = everything + [
            (name, audit_object_type(name)) for name in selectors.audit_object_types(actor=actor)
        ]
        _choice_field(self, "action").choices = everything + [
            (name, audit_action(name)) for name in selectors.audit_actions(actor=actor)
        ]
        _choice_field(self, "actor").choices = everything + [
            (user.pk, user.full_name or user.email) for user in selectors.audit_actors(actor=actor)
        ]

    def audit_filter(self, timezone: dt.tzinfo) -> selectors.AuditFilter:
        """The selector's filter; call after is_valid()."""
        data = self.cleaned_data
        return selectors.AuditFilter(
            object_type=data.get("object_type") or None,
            action=data.get("action") or None,
            actor_id=data.get("actor"),
            since=_day_start(data.get("since"), timezone),
            until=_day_start(data["until"] + dt.timedelta(days=1), timezone) if data.get("until") else None,
        )


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _day_start(day: dt.date | None, timezone: dt.tzinfo) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone) if day else None
