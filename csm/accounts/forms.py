"""Forms for the sign-in page and the organisation pages. They only parse and check input; the
services in `csm.accounts.services` decide and write. Choices for references come from the actor's
own organisation, so another tenant's id is never a valid choice."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from csm.accounts import selectors
from csm.accounts.context import Actor
from csm.accounts.models import ClientOrganization, Organization, Unit, UnitKind
from csm.accounts.roles import Role


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class UnitForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(), required=False,
                                    empty_label=_("(top level)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    client = forms.ModelChoiceField(
        label=_("Serves client"), queryset=ClientOrganization.objects.none(), required=False,
        empty_label=_("(no client)"), help_text=_("The client organisation this unit works for, if any."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Actor, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = selectors.list_units(actor=actor).order_by("name", "id")
        if unit is not None:
            parents = parents.exclude(pk=unit.pk)  # the service rejects deeper cycles
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["client"].queryset = selectors.list_clients(actor=actor)  # type: ignore[attr-defined]


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Initial password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Only for a person new to CSM. Leave empty to add them without a usable password."),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    default_language = forms.ChoiceField(
        label=_("Default language"), choices=Organization._meta.get_field("default_language").flatchoices
    )
    timezone = forms.ChoiceField(label=_("Timezone"), choices=_timezone_choices)
    country = forms.RegexField(
        label=_("Country"), regex=r"^[A-Za-z]{2}$", max_length=2,
        help_text=_("Two-letter ISO 3166 code, e.g. PL, GB or CN."),
        error_messages={"invalid": _("Enter a two-letter country code.")},
    )

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use this token, e.g. “Reporting export”."))
