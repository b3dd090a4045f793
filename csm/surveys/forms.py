"""Web forms of the quality manager's survey pages. They collect and check input; the views hand
`cleaned_data` to csm.surveys.services. Every choice of a unit, service, touch point,
characteristic, item or survey comes from a selector scoped to the actor's organisation, so
another organisation's ids are "not a valid choice". As in the catalogue, model forms are never
given `instance=` (the audit diff would come out empty): edit pages pass `initial=`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.accounts.selectors import list_units
from csm.catalogue import selectors as catalogue
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
from csm.surveys import selectors, starter
from csm.surveys.models import FollowUpStatus, Purpose, Survey, SurveyItem, SurveyStatus
from csm.surveys.starter import RatedItem

STARTER_CHOICES = (
    ("post_service", _("After the service: each characteristic's satisfaction and importance, the overall "
                       "rating, NPS, effort, comments and a request to be contacted")),
    ("pre_service", _("Before the service: how important each characteristic is (expectations)")),
    ("complaint_closure", _("After a complaint is closed: speed, fairness and updates (its own items)")),
)
SETTINGS_FIELDS: tuple[str, ...] = ("name", "purpose", "is_anonymous", "unit", "service", "touch_point",
                                    "expectations_for", "closes_at", "follow_up_at_most", "retention_days")
CREATE_FIELDS: tuple[str, ...] = SETTINGS_FIELDS[:7]


def _point_label(point: TouchPoint) -> str:
    return f"{point.service.name} · {point.name}"


class SurveyForm(forms.ModelForm):
    """A survey's settings, its references limited to the organisation's."""

    class Meta:
        model = Survey
        fields = SETTINGS_FIELDS
        widgets = {"closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        help_texts = {
            "expectations_for": _("For a survey before the service: the survey after the service it goes with."),
            "follow_up_at_most": _("A rated item or the overall rating at or below this raises a follow-up task; "
                                   "a detractor (NPS 0-6) and a request to be contacted always do."),
        }

    def __init__(self, *args: Any, actor: Actor, survey: Survey | None = None, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.actor, self.survey = actor, survey
        fields = self.fields
        fields["unit"].queryset = list_units(actor=actor).order_by("name", "id")  # type: ignore[attr-defined]
        fields["service"].queryset = catalogue.list_services(actor=actor).order_by("name", "id")  # type: ignore[attr-defined]
        points = catalogue.list_touch_points(actor=actor).select_related("service").order_by("service__name", "name")
        fields["touch_point"].queryset = points  # type: ignore[attr-defined]
        fields["touch_point"].label_from_instance = _point_label  # type: ignore[attr-defined]
        post_service = (selectors.list_surveys(actor=actor).filter(purpose=Purpose.POST_SERVICE)
                        .select_related(None).only("id", "name").order_by("name", "id"))
        if survey is not None:
            post_service = post_service.exclude(pk=survey.pk)
        fields["expectations_for"].queryset = post_service  # type: ignore[attr-defined]
        if survey is not None and survey.current_version_id:
            fields["is_anonymous"].disabled = True
            fields["is_anonymous"].help_text = _("A published survey's anonymity cannot change; make a new survey.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("expectations_for") and cleaned.get("purpose") != Purpose.PRE_SERVICE:
            self.add_error("expectations_for", _("Only a survey before the service has a survey it prepares."))
        point, service = cleaned.get("touch_point"), cleaned.get("service")
        if point is not None and service is not None and point.service_id != service.pk:
            self.add_error("touch_point", _("This touch point belongs to another service."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SETTINGS_FIELDS if name in self.fields}


class SurveyCreateForm(SurveyForm):
    """A new survey and where it starts: a starter filled with the characteristics ticked in the
    item bank (with their wording per language) or straight from the blueprint (their name in
    every language, to translate in the builder)."""

    starter = forms.ChoiceField(label=_("Start from"), choices=STARTER_CHOICES, initial="post_service",
                                widget=forms.RadioSelect)
    items = forms.ModelMultipleChoiceField(label=_("From the item bank"), queryset=SurveyItem.objects.none(),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    characteristics = forms.ModelMultipleChoiceField(
        label=_("From the blueprint's service characteristics"), queryset=ServiceCharacteristic.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A characteristic takes its name in every language until you translate it in the builder; "
                    "one already ticked in the item bank is not asked twice."))

    class Meta(SurveyForm.Meta):
        fields = CREATE_FIELDS

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        items: QuerySet[SurveyItem] = selectors.list_items(actor=actor).filter(is_active=True)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["items"].label_from_instance = _item_label  # type: ignore[attr-defined]
        characteristics = catalogue.list_characteristics(actor=actor).prefetch_related(None).order_by("name", "id")
        self.fields["characteristics"].queryset = characteristics  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("starter") != "complaint_closure" and not (cleaned.get("items") or cleaned.get("characteristics")):
            self.add_error(None, _("Tick at least one characteristic, from the item bank or the blueprint."))
        return cleaned

    def draft(self) -> dict[str, Any]:
        data = self.cleaned_data
        return starter.start(data["starter"], rated_items(data["items"], data["characteristics"]),
                             anonymous=bool(data["is_anonymous"]))


def _item_label(item: SurveyItem) -> str:
    text = item.text.get("en") or next(iter(item.text.values()), "") if isinstance(item.text, dict) else ""
    characteristic = f" ({item.characteristic.name})" if item.characteristic_id and item.characteristic else ""
    return f"{item.code}: {text}{characteristic}"


def rated_items(items: Any, characteristics: Any) -> list[RatedItem]:
    """The matrix rows of a starter: the bank's items, then the characteristics no item covers."""
    rated: list[RatedItem] = []
    taken: set[str] = set()
    for item in items:
        rated.append(RatedItem(starter.row_id(item.code, taken), _every_language(item.text), item.code,
                               item.characteristic_id, item.touch_point_id))
        taken.add(rated[-1].id)
    covered = {item.characteristic_id for item in items}
    for characteristic in characteristics:
        if characteristic.pk not in covered:
            rated.append(RatedItem(starter.row_id(characteristic.name, taken),
                                   _every_language({"en": characteristic.name}), None, characteristic.pk))
            taken.add(rated[-1].id)
    return rated


def _every_language(text: Any) -> dict[str, str]:
    """The wording in each language, the first one given standing in for those missing."""
    given = {lang: str(value) for lang, value in (text or {}).items() if isinstance(value, str) and value.strip()}
    fallback = next(iter(given.values()), "")
    return {lang: given.get(lang, fallback) for lang in ("en", "pl", "zh-Hans")}


class ItemForm(forms.ModelForm):
    """An item of the bank: its code, its wording per language, and where it sits in the blueprint."""

    text_en = forms.CharField(label=_("Text (English)"), max_length=500, required=False)
    text_pl = forms.CharField(label=_("Text (Polish)"), max_length=500, required=False)
    text_zh = forms.CharField(label=_("Text (Simplified Chinese)"), max_length=500, required=False)

    class Meta:
        model = SurveyItem
        fields = ("code", "characteristic", "touch_point", "is_active")
        help_texts = {"code": _("Stays the same across surveys and versions, so results can be compared.")}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "text_en", "text_pl", "text_zh", "characteristic", "touch_point", "is_active"])
        characteristics = catalogue.list_characteristics(actor=actor).prefetch_related(None).order_by("name", "id")
        self.fields["characteristic"].queryset = characteristics  # type: ignore[attr-defined]
        points = catalogue.list_touch_points(actor=actor).select_related("service").order_by("service__name", "name")
        self.fields["touch_point"].queryset = points  # type: ignore[attr-defined]
        self.fields["touch_point"].label_from_instance = _point_label  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: SurveyItem) -> dict[str, Any]:
        text = item.text if isinstance(item.text, dict) else {}
        return {"code": item.code, "text_en": text.get("en", ""), "text_pl": text.get("pl", ""),
                "text_zh": text.get("zh-Hans", ""), "characteristic": item.characteristic_id,
                "touch_point": item.touch_point_id, "is_active": item.is_active}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any((cleaned.get(name) or "").strip() for name in ("text_en", "text_pl", "text_zh")):
            self.add_error("text_en", _("Give the wording in at least one language."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        text = {lang: data[name].strip() for lang, name in (("en", "text_en"), ("pl", "text_pl"),
                                                             ("zh-Hans", "text_zh")) if data[name].strip()}
        return {"code": data["code"], "text": text, "characteristic": data["characteristic"],
                "touch_point": data["touch_point"], "is_active": data["is_active"]}


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           help_text=_("Kept with the follow-up: who was contacted, what was agreed, what changes."))


# Filters -------------------------------------------------------------------------------------------

def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class SurveyFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=_any(SurveyStatus.choices), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)

    def apply(self, surveys: QuerySet[Survey]) -> QuerySet[Survey]:
        if not self.is_valid():
            return surveys
        if self.cleaned_data["status"]:
            surveys = surveys.filter(status=self.cleaned_data["status"])
        if self.cleaned_data["q"]:
            surveys = surveys.filter(name__icontains=self.cleaned_data["q"])
        return surveys


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    active = forms.ChoiceField(label=_("Status"), required=False,
                               choices=(("", _("Any")), ("yes", _("Active")), ("no", _("Inactive"))))

    def apply(self, items: QuerySet[SurveyItem]) -> QuerySet[SurveyItem]:
        if not self.is_valid():
            return items
        if self.cleaned_data["q"]:
            items = items.filter(Q(code__icontains=self.cleaned_data["q"]) | Q(text__icontains=self.cleaned_data["q"]))
        if self.cleaned_data["active"]:
            items = items.filter(is_active=self.cleaned_data["active"] == "yes")
        return items


class FollowUpFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=((FollowUpStatus.OPEN, _("Open")), (FollowUpStatus.DONE, _("Done")),
                                        ("all", _("All"))))

    def status_value(self) -> str | None:
        """The status to list (None: all); open unless another is asked for."""
        chosen = self.cleaned_data.get("status") if self.is_valid() else ""
        return None if chosen == "all" else (chosen or FollowUpStatus.OPEN)
