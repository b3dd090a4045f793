"""Web forms for the service blueprint pages.

The forms only collect and check input; the views hand `cleaned_data` to csm.catalogue.services,
which validate again, write and audit. Two rules keep that honest:
- Every choice of a unit, service or touch point comes from a selector scoped to the actor's
  organisation (`CatalogueForm.__init__`), so another organisation's ids are "not a valid choice".
- Model forms here are never given `instance=`: Django would copy the input onto the object before
  the service runs and the audit diff would come out empty. Edit pages pass `initial=` instead
  (`initial_for`) and the forms are never `.save()`d.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from csm.accounts.context import Actor
from csm.accounts.selectors import list_units
from csm.catalogue import selectors
from csm.catalogue.models import (
    Channel,
    CharacteristicKind,
    Service,
    ServiceCharacteristic,
    Staffing,
    TouchFace,
    TouchLine,
    TouchPoint,
)
from csm.core.errors import NotFound

MAX_STEPS = 50
ACTIVE_CHOICES = (("", _("Any")), ("yes", _("Active")), ("no", _("Inactive")))


def initial_for(obj: Model, form_class: type[forms.ModelForm]) -> dict[str, Any]:
    return model_to_dict(obj, fields=form_class._meta.fields)


def _point_label(point: TouchPoint) -> str:
    return f"{point.name} ({point.code})" if point.code else point.name


def _point_choices(points: Iterable[TouchPoint]) -> list[tuple[str, str]]:
    return [(str(p.pk), _point_label(p)) for p in points]


def _scope_references(form: forms.BaseForm, actor: Actor) -> None:
    """Offer only the actor's organisation's units and services."""
    if "unit" in form.fields:
        form.fields["unit"].queryset = list_units(actor=actor).order_by("name", "id")  # type: ignore[attr-defined]
    if "service" in form.fields:
        form.fields["service"].queryset = selectors.list_services(actor=actor)  # type: ignore[attr-defined]


class CatalogueForm(forms.ModelForm):
    """A model form whose reference fields are scoped to the actor's organisation."""

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        kwargs.pop("instance", None)
        super().__init__(*args, **kwargs)
        self.actor = actor
        _scope_references(self, actor)

    def service_data(self) -> dict[str, Any]:
        """The model fields, as keyword arguments for a catalogue service."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ServiceForm(CatalogueForm):
    class Meta:
        model = Service
        fields = ("name", "code", "unit", "description", "is_active")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TouchPointForm(CatalogueForm):
    class Meta:
        model = TouchPoint
        fields = (
            "service", "name", "code", "staffing", "channel", "location", "unit", "description", "is_active"
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "staffing": _("Staffed: your staff meet the customer here. Unstaffed: a facility does."),
        }


class ServiceScopedForm(CatalogueForm):
    """A form whose touch point (and line) choices are those of the service it names: the posted
    service when it is one of the organisation's, else the initial one."""

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.scope = self._chosen_service()
        points = selectors.list_touch_points(actor=actor).filter(service=self.scope).order_by("name", "id")
        self.point_choices = _point_choices(points) if self.scope else []

    def _chosen_service(self) -> Service | None:
        raw = self.data.get("service") if self.is_bound else None
        raw = raw or self.initial.get("service")
        if isinstance(raw, Service):
            return raw
        try:
            return selectors.access_service(actor=self.actor, service_id=int(raw)) if raw else None
        except (NotFound, ValueError, TypeError):
            return None


class TouchLineForm(ServiceScopedForm):
    """Name, direction and the ordered steps `step_1` … `step_N`, each a select of the service's
    touch points. Empty steps are skipped; at least two are needed."""

    step_count = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TouchLine
        fields = ("service", "name", "direction", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, actor: Actor, steps: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        steps = max(2, min(steps, MAX_STEPS))
        self.fields["step_count"].initial = steps
        self.initial["step_count"] = steps
        choices = [("", "—"), *self.point_choices]
        for number in range(1, steps + 1):
            self.fields[f"step_{number}"] = forms.ChoiceField(
                label=_("Step %(number)d") % {"number": number}, choices=choices, required=False
            )

    @property
    def step_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("step_") and name != "step_count"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ids = [int(cleaned[b.name]) for b in self.step_fields if cleaned.get(b.name)]
        if len(ids) < 2:
            raise forms.ValidationError(
                _("Choose at least two touch points, in the order the customer meets them.")
            )
        cleaned["touch_point_ids"] = ids
        return cleaned


class TouchFaceForm(ServiceScopedForm):
    touch_points = forms.MultipleChoiceField(
        label=_("Touch points"), required=False, widget=forms.CheckboxSelectMultiple
    )
    touch_lines = forms.MultipleChoiceField(
        label=_("Touch lines"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TouchFace
        fields = ("service", "name", "openness", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"openness": _("Semi-open: open to some customers. Fully open: open to all customers.")}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["touch_points"].choices = self.point_choices  # type: ignore[attr-defined]
        lines = selectors.list_touch_lines(actor=actor).filter(service=self.scope).order_by("name", "id")
        self.fields["touch_lines"].choices = (  # type: ignore[attr-defined]
            list(lines.prefetch_related(None).values_list("id", "name")) if self.scope else []
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["touch_point_ids"] = [int(pk) for pk in cleaned.get("touch_points", [])]
        cleaned["touch_line_ids"] = [int(pk) for pk in cleaned.get("touch_lines", [])]
        return cleaned


class CharacteristicForm(CatalogueForm):
    """Name, kind and the linked touch points as checkboxes grouped by service."""

    touch_points = forms.MultipleChoiceField(
        label=_("Touch points"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServiceCharacteristic
        fields = ("name", "kind", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"kind": _(
            "Venue, facilities, supplies and staff are tangible; grade, content, procedure, method, time, "
            "fee, value-added and brand services are intangible."
        )}

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        points = selectors.list_touch_points(actor=actor).select_related("service").order_by(
            "service__name", "service_id", "name", "id"
        )
        groups: dict[str, list[tuple[str, str]]] = {}
        for point in points.only("id", "name", "code", "service__name"):
            groups.setdefault(point.service.name, []).append((str(point.pk), _point_label(point)))
        self.fields["touch_points"].choices = list(groups.items())  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["touch_point_ids"] = [int(pk) for pk in cleaned.get("touch_points", [])]
        return cleaned


def member_initial(ids: Iterable[int]) -> list[str]:
    return [str(pk) for pk in ids]


def initial_from_post(data: QueryDict, *, multiple: Iterable[str] = ()) -> dict[str, Any]:
    """The posted values as `initial`, to redraw a form (new step, other service) without errors;
    the fields named in `multiple` keep all their values."""
    lists = set(multiple)
    return {name: data.getlist(name) if name in lists else data.get(name) for name in data}


# Filters ---------------------------------------------------------------------------------------

class FilterForm(forms.Form):
    """A GET filter above a list. `apply` narrows the queryset by the valid, non-empty fields."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    search_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_references(self, actor)

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("q"):
            match = Q()
            for name in self.search_fields:
                match |= Q(**{f"{name}__icontains": data["q"]})
            qs = qs.filter(match)
        for name in ("service", "unit", "channel", "staffing", "kind"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        if data.get("active"):
            qs = qs.filter(is_active=data["active"] == "yes")
        return qs


def _optional_choices(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


def _optional_reference(label: Any) -> forms.ModelChoiceField[Any]:
    """A filter on a service or unit; the queryset is scoped in FilterForm.__init__."""
    return forms.ModelChoiceField(label=label, queryset=None, required=False, empty_label=_("Any"))


class ServiceFilterForm(FilterForm):
    search_fields = ("name", "code")
    unit = _optional_reference(_("Unit"))
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)


class TouchPointFilterForm(FilterForm):
    search_fields = ("name", "code", "location")
    service = _optional_reference(_("Service"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=_optional_choices(Channel.choices))
    staffing = forms.ChoiceField(label=_("Staffing"), required=False,
                                 choices=_optional_choices(Staffing.choices))
    unit = _optional_reference(_("Unit"))
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)


class ServiceScopedFilterForm(FilterForm):
    service = _optional_reference(_("Service"))


class CharacteristicFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=_optional_choices(CharacteristicKind.choices),
                             required=False)
