"""Forms of the analytics pages: the period and unit filter (GET) and a month's service volume."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.accounts.selectors import unit_tree
from csm.complaints import analytics


def unit_choices(actor: Actor, blank: Any) -> list[tuple[str, str]]:
    """The organisation's units in tree order, indented by depth, after a blank choice."""
    return [("", str(blank))] + [(str(unit.pk), "\u2003" * depth + unit.name) for unit, depth in unit_tree(actor=actor)]


class AnalyticsFilterForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&unit=<id>; a missing date takes the default period's (the last
    twelve calendar months up to today in the organisation's timezone)."""

    def __init__(self, data: QueryDict, *, actor: Actor) -> None:
        self.default_start, self.default_end = analytics.default_period(analytics.organization_today(actor))
        values = data.copy()
        values.setdefault("from", self.default_start.isoformat())
        values.setdefault("to", self.default_end.isoformat())
        super().__init__(values)
        date_widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=date_widget)
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=date_widget)
        self.fields["unit"] = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None,
                                                     choices=unit_choices(actor, _("All units")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned.get("from") or self.default_start
        end = cleaned.get("to") or self.default_end
        if "from" in cleaned and "to" in cleaned and end < start:
            self.add_error("to", _("The end of the period comes before its start."))
        cleaned["from"], cleaned["to"] = start, end
        return cleaned

    def period(self) -> tuple[dt.date, dt.date, int | None]:
        return self.cleaned_data["from"], self.cleaned_data["to"], self.cleaned_data.get("unit")

    def query(self) -> dict[str, str]:
        """The filter as query parameters, for the export links."""
        start, end, unit = self.period()
        params = {"from": start.isoformat(), "to": end.isoformat()}
        return {**params, "unit": str(unit)} if unit else params


class ServiceVolumeForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            help_text=_("Year and month, e.g. 2026-01."))
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    volume = forms.IntegerField(label=_("Volume"), min_value=1,
                                help_text=_("Stays, calls or transactions served in the month."))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(actor, _("The whole organisation"))  # type: ignore[attr-defined]
