"""The dashboard's filter form (GET): survey, period of days, unit (with the units below it), touch
point, segment, channel, and the trend's granularity. Every field may be left blank: all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.accounts.selectors import unit_tree
from csm.surveys.dashboards import DashboardFilters
from csm.surveys.models import ResponseChannel, Survey

PERIOD_CHOICES = (("month", _("Month")), ("quarter", _("Quarter")), ("week", _("Week")))
FIELDS = ("survey", "from", "to", "unit", "touch_point", "segment", "channel", "period")


class DashboardFilterForm(forms.Form):
    def __init__(self, data: QueryDict, *, actor: Actor, surveys: Sequence[Survey], survey: Survey | None,
                 segments: Sequence[str], touch_points: Sequence[tuple[int, str]]) -> None:
        values = data.copy()
        if survey is not None:
            values["survey"] = str(survey.pk)
        values.setdefault("period", "month")
        super().__init__(values)
        date_widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["survey"] = forms.TypedChoiceField(
            label=_("Survey"), coerce=int, choices=[(str(s.pk), s.name) for s in surveys])
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=date_widget)
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=date_widget)
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Unit"), required=False, coerce=int, empty_value=None,
            choices=[("", _("All units"))] + [(str(u.pk), "\u2003" * depth + u.name)
                                              for u, depth in unit_tree(actor=actor)])
        self.fields["touch_point"] = forms.TypedChoiceField(
            label=_("Touch point"), required=False, coerce=int, empty_value=None,
            choices=[("", _("All touch points"))] + [(str(pk), name) for pk, name in touch_points])
        self.fields["segment"] = forms.ChoiceField(
            label=_("Segment"), required=False, choices=[("", _("All segments"))] + [(s, s) for s in segments])
        self.fields["channel"] = forms.ChoiceField(
            label=_("Channel"), required=False, choices=[("", _("All channels")), *ResponseChannel.choices])
        self.fields["period"] = forms.ChoiceField(label=_("Trend by"), choices=PERIOD_CHOICES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the period comes before its start."))
        return cleaned

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data
        return DashboardFilters(start=data.get("from"), end=data.get("to"), unit_id=data.get("unit"),
                                touch_point_id=data.get("touch_point"), segment=data.get("segment") or None,
                                channel=data.get("channel") or None, period_by=data.get("period") or "month")

    def query(self) -> dict[str, str]:
        """The filter as query parameters (blank ones left out), for the export links."""
        out = {}
        for name in FIELDS:
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out
