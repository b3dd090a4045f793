"""Forms of the assessment pages. They check shapes; the services check the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from csm.assessments.models import EvidenceType, ItemStatus, LinkKind, Mode
from csm.assessments.protocol import Protocol, localized


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


SCORE_CHOICES = [("", _("Not answered")), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3"), ("na", _("N/A"))]


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    standards = forms.MultipleChoiceField(label=_("Standards"), widget=forms.CheckboxSelectMultiple)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, widget=forms.RadioSelect)
    unit = forms.TypedChoiceField(label=_("Scope"), coerce=int, empty_value=None, required=False,
                                  help_text=_("The whole organisation, or one unit and the units below it."))
    lead_assessor = forms.TypedChoiceField(label=_("Lead assessor"), coerce=int)
    team = forms.TypedMultipleChoiceField(label=_("Team"), coerce=int, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    assessing_body = forms.CharField(label=_("Assessing body"), max_length=200, required=False,
                                     help_text=_("For an independent assessment by a third party, its name."))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Live figures cover the 12 months up to this day."))

    def __init__(self, *args: Any, protocol: Protocol, units: list[tuple[int, str]],
                 assessors: list[tuple[int, str]], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "standards").choices = [(s.id, f"{s.id} · {localized(s.title, language)}")
                                            for s in protocol.standards]
        _choice(self, "unit").choices = [("", _("Whole organisation")), *units]
        _choice(self, "lead_assessor").choices = assessors
        _choice(self, "team").choices = assessors


class AnswerForm(forms.Form):
    score = forms.ChoiceField(label=_("Score"), choices=SCORE_CHOICES, required=False, widget=forms.RadioSelect)
    na_reason = forms.CharField(label=_("Why it does not apply"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def score_value(self) -> tuple[int | None, bool]:
        raw = self.cleaned_data.get("score") or ""
        return (None, True) if raw == "na" else (int(raw) if raw else None, False)


class EvidenceForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=EvidenceType.choices)
    note = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("File"), required=False)
    link_kind = forms.ChoiceField(label=_("Link to"), choices=LinkKind.choices, required=False)
    link_ref = forms.CharField(label=_("Reference, number or address"), max_length=300, required=False,
                               help_text=_("A complaint reference, a survey number, a report number or a web address."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ImprovementItemForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None, required=False)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    closing_note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "owner").choices = [("", _("Nobody yet")), *members]
