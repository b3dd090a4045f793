"""Web forms for the complaint configuration pages.

As in the catalogue, the forms only collect and check input: views hand `cleaned_data` to
csm.complaints.config_services, which validate again, write and audit. Model forms are never given
`instance=` (edit pages pass `initial=`, see `initial_for`) and never `.save()`d, and every choice of
a category or calendar comes from a selector scoped to the actor's organisation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.complaints import config_selectors as selectors
from csm.complaints.config_services import PAUSABLE_STATUSES, TARGET_HELP
from csm.complaints.models import (
    STATUS_LABELS,
    ComplaintCategory,
    ComplaintSettings,
    EscalationTier,
    JurisdictionPreset,
    Priority,
    Remedy,
    SlaPolicy,
)
from csm.complaints.workflow import Status
from csm.core.selectors import default_calendar, list_calendars

PRIORITY_CHOICES = [("", _("Any priority")), *Priority.choices]
TARGET_WIDGET = forms.TextInput(attrs={"size": 8, "autocomplete": "off", "spellcheck": "false"})


def initial_for(obj: Model, form_class: type[forms.ModelForm]) -> dict[str, Any]:
    return model_to_dict(obj, fields=form_class._meta.fields)


def _describe_targets(form: forms.BaseForm, names: tuple[str, ...]) -> None:
    for name in names:
        form.fields[name].help_text = TARGET_HELP
        form.fields[name].widget = TARGET_WIDGET


class ConfigForm(forms.ModelForm):
    """A model form that is never bound to an instance; `data()` gives the service's arguments."""

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.actor = actor

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class CategoryForm(ConfigForm):
    class Meta:
        model = ComplaintCategory
        fields = ("name", "code", "is_active")


class RemedyForm(ConfigForm):
    class Meta:
        model = Remedy
        fields = ("name", "description", "default_cost", "approval_limit", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"approval_limit": _("A remedy costing more than this needs a quality manager's approval.")}


def _scope_policy_fields(form: forms.BaseForm, actor: Actor) -> None:
    category = form.fields["category"]
    category.queryset = selectors.list_categories(actor=actor)  # type: ignore[attr-defined]
    category.empty_label = _("Any category")  # type: ignore[attr-defined]
    form.fields["calendar"].queryset = list_calendars(actor=actor)  # type: ignore[attr-defined]
    if "priority" in form.fields:
        form.fields["priority"].choices = PRIORITY_CHOICES  # type: ignore[attr-defined]


class SlaPolicyForm(ConfigForm):
    class Meta:
        model = SlaPolicy
        fields = ("name", "category", "priority", "calendar", "acknowledge_target", "assess_target",
                  "respond_target", "resolve_target", "is_active")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _scope_policy_fields(self, actor)
        _describe_targets(self, ("acknowledge_target", "assess_target", "respond_target", "resolve_target"))
        if not self.is_bound and "calendar" not in self.initial:
            self.initial["calendar"] = default_calendar(actor=actor)


class EscalationTierForm(ConfigForm):
    class Meta:
        model = EscalationTier
        fields = ("level", "name", "owner_role", "time_limit", "is_external")
        help_texts = {
            "level": _("1 is the front line; each higher level takes over when the one below cannot settle it."),
            "is_external": _("The complaint leaves the organisation (an ombudsman, ADR entity or regulator)."),
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _describe_targets(self, ("time_limit",))
        self.fields["level"].min_value = 1  # type: ignore[attr-defined]


class PresetForm(ConfigForm):
    class Meta:
        model = JurisdictionPreset
        fields = ("code", "name", "acknowledge_target", "respond_target", "resolve_target", "external_recourse",
                  "source")
        widgets = {"external_recourse": forms.Textarea(attrs={"rows": 4}),
                   "source": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _describe_targets(self, ("acknowledge_target", "respond_target", "resolve_target"))


class PresetApplyForm(ConfigForm):
    """Where an SLA policy made from a preset applies: its calendar, category and priority."""

    class Meta:
        model = SlaPolicy
        fields = ("calendar", "category", "priority")

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        _scope_policy_fields(self, actor)
        if not self.is_bound:
            self.initial.setdefault("calendar", default_calendar(actor=actor))


class SettingsForm(ConfigForm):
    pause_statuses = forms.MultipleChoiceField(
        label=_("Statuses that pause the SLA clocks"),
        choices=[(status, STATUS_LABELS[Status(status)]) for status in PAUSABLE_STATUSES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("While a complaint is in one of these statuses its time limits stand still."),
    )

    class Meta:
        model = ComplaintSettings
        # pause_statuses is a plain form field: the model does not allow an empty list, this page does.
        fields = ("retention_days", "reopen_window_days", "duplicate_window_days", "reminder_before_percent",
                  "public_intake_enabled", "external_recourse", "max_attachment_mb")
        widgets = {"external_recourse": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        # The same bounds the service enforces, so the browser can say so before posting.
        for name, least in (("retention_days", 1), ("max_attachment_mb", 1)):
            self.fields[name].widget.attrs["min"] = least
        self.fields["reminder_before_percent"].widget.attrs["max"] = 100

    def data_for_service(self) -> dict[str, Any]:
        return {**super().data_for_service(), "pause_statuses": self.cleaned_data["pause_statuses"]}


def settings_initial(settings: ComplaintSettings) -> dict[str, Any]:
    return {**initial_for(settings, SettingsForm), "pause_statuses": list(settings.pause_statuses)}
