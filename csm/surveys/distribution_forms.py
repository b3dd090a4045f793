"""Forms of the distribution pages: the contact list upload, quotas, paper batches and the
sample-size calculator. They only shape input; the services check it against the survey."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.accounts.selectors import list_units
from csm.catalogue.selectors import list_touch_points
from csm.surveys import contacts_csv, distribution_selectors
from csm.surveys.models import QuotaAction, Survey
from csm.surveys.respond_form import words
from csm.surveys.services.quotas import quota_questions


class ContactUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Contact list (CSV)"),
        help_text=_("UTF-8, separated by commas or semicolons. First line: email (required), name, phone, "
                    "language (en, pl, zh-Hans), segment, external_ref."))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > contacts_csv.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it into smaller lists."))
        return bytes(upload.read())


class QuotaForm(forms.Form):
    question = forms.ChoiceField(label=_("Counts"), required=False)
    value = forms.CharField(label=_("Answer or segment"), max_length=60,
                            help_text=_("An option's value (e.g. business), a number on the scale, or a segment."))
    limit = forms.IntegerField(label=_("At most (complete responses)"), min_value=1)
    action = forms.ChoiceField(label=_("When full"), choices=QuotaAction.choices, initial=QuotaAction.MESSAGE)
    message = forms.CharField(label=_("Message when full"), max_length=500, required=False,
                              help_text=_("Shown instead of the survey; blank: a standard thank-you."))

    def __init__(self, *args: Any, survey: Survey, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", str(_("The respondent's segment")))]
        choices += [(str(q["id"]), f"{q['id']}: {words(q['text'], language)}"[:90]) for q in quota_questions(survey)]
        cast(forms.ChoiceField, self.fields["question"]).choices = choices


class BatchForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    label = forms.CharField(label=_("Label"), max_length=100,
                            help_text=_("What is written on the stack, e.g. \"Lobby box, week 23\"."))
    collected_on = forms.DateField(label=_("Collected on"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Survey.objects.none(), required=False)
    touch_point = forms.ModelChoiceField(label=_("Touch point"), queryset=Survey.objects.none(), required=False,
                                         help_text=_("Where the forms were put out."))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = distribution_selectors.distributable_surveys(actor=actor)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = list_units(actor=actor)  # type: ignore[attr-defined]
        self.fields["touch_point"].queryset = list_touch_points(actor=actor).filter(is_active=True)  # type: ignore[attr-defined]




def _percent(label: Any, *, initial: Decimal | None = None, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, initial=initial, required=False, min_value=Decimal("0"),
                              max_value=Decimal("100"), decimal_places=1, help_text=help_text)


class SampleSizeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Estimate"), initial="proportion", choices=[
        # xgettext:no-python-format
        ("proportion", _("A proportion (e.g. % satisfied)")), ("mean", _("A mean (e.g. average rating)")),
        ("nps", _("Net Promoter Score"))])
    confidence = forms.TypedChoiceField(label=_("Confidence level"), coerce=float, initial="0.95", choices=[
        ("0.9", "90 %"), ("0.95", "95 %"), ("0.99", "99 %")])
    margin = forms.DecimalField(label=_("Margin of error (±)"), initial=Decimal("5"), min_value=Decimal("0.1"),
                                max_value=Decimal("100"), decimal_places=2,
                                help_text=_("Percentage points for a proportion, NPS points for the NPS, scale "
                                            "points for a mean."))
    proportion = _percent(_("Expected proportion (%)"), initial=Decimal("50"),
                          # xgettext:no-python-format
                          help_text=_("50 % is the safe choice when unsure."))
    sd = forms.DecimalField(label=_("Standard deviation"), initial=Decimal("1"), required=False,
                            min_value=Decimal("0.01"), decimal_places=3,
                            help_text=_("Of the ratings, in scale points (about 1 on a 1-5 scale)."))
    promoters = _percent(_("Expected promoters (%)"), initial=Decimal("50"))
    detractors = _percent(_("Expected detractors (%)"), initial=Decimal("50"),
                          help_text=_("50 % and 50 % is the worst case."))
    population = forms.IntegerField(label=_("Population (optional)"), min_value=1, required=False,
                                    help_text=_("How many customers there are in all, when it is a known number."))
    response_rate = forms.DecimalField(label=_("Expected response rate (%)"), required=False,
                                       min_value=Decimal("0.1"), max_value=Decimal("100"), decimal_places=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        promoters, detractors = data.get("promoters"), data.get("detractors")
        if data.get("kind") == "nps" and promoters is not None and detractors is not None \
                and promoters + detractors > 100:
            self.add_error("detractors", _("Promoters and detractors together cannot be more than 100 %."))
        return data
