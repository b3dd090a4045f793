"""Forms of the handler pages: queue filters, staff intake, the action forms of the complaint
workspace and the SLA calculator. Forms read and check input and offer only the organisation's
objects; the services decide what may happen (their errors come back as form errors)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import User
from csm.accounts.selectors import list_memberships, list_units
from csm.catalogue.models import Channel
from csm.catalogue.selectors import list_characteristics, list_services, list_touch_points
from csm.complaints import config_selectors, sla
from csm.complaints.models import (
    Complaint,
    ContactMethod,
    Impact,
    Outcome,
    Priority,
    Remedy,
    Severity,
    StatusChoices,
)
from csm.complaints.selectors import QueueFilter
from csm.complaints.services import ASSESSMENT_FIELDS, INTAKE_FIELDS
from csm.complaints.workflow import Status, allowed_targets
from csm.core import clock
from csm.core.selectors import list_calendars

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the form places it in the timezone it belongs to
    (the organisation's, or a calendar's), whatever timezone the request runs in."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(dt.UTC):
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed else None


def local_now(zone: str) -> dt.datetime:
    """Now as a naive wall-clock time in `zone`, to the minute (a form's initial value)."""
    return clock.now().astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)


def offer(form: forms.BaseForm, **querysets: QuerySet[Any]) -> None:
    """Limit model choice fields to these querysets (the organisation's own objects)."""
    for name, queryset in querysets.items():
        cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset  # type: ignore[type-arg]


def org_choice(label: Any, **kwargs: Any) -> forms.ModelChoiceField[Any]:
    """An optional choice among the organisation's objects; the form sets the queryset (`offer`)."""
    return forms.ModelChoiceField(label=label, queryset=None, required=False, **kwargs)


def handler_users(actor: Actor) -> QuerySet[User]:
    """Active members of the organisation whose role may handle complaints."""
    handling = [role for role in roles.Role if roles.role_allows(role, roles.COMPLAINTS_HANDLE)]
    members = list_memberships(actor=actor).filter(is_active=True, role__in=handling)
    return User.objects.filter(pk__in=members.values("user_id")).order_by("full_name", "email")


# The queue --------------------------------------------------------------------------------------

class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any open status")), *StatusChoices.choices])
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    unit = org_choice(_("Unit"), empty_label=_("Any unit"))
    category = org_choice(_("Category"), empty_label=_("Any category"))
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Reference or text")}))
    closed = forms.BooleanField(label=_("Include closed"), required=False)

    def __init__(self, data: Any = None, *, actor: Actor) -> None:
        super().__init__(data)
        self.actor = actor
        people = [(str(user.pk), str(user)) for user in handler_users(actor)]
        choices = [("", _("Anyone")), ("mine", _("Me")), ("unassigned", _("Nobody")), *people]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = choices
        offer(self, unit=list_units(actor=actor), category=config_selectors.list_categories(actor=actor))

    def queue_filter(self) -> tuple[QueueFilter, bool]:
        """The selector's filter, and whether to keep only unassigned complaints. Invalid values
        (another organisation's unit, say) are ignored rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        assignee = data.get("assignee") or ""
        assignee_id = int(assignee) if assignee.isdigit() else None
        if assignee == "mine":
            assignee_id = self.actor.user.pk
        status = data.get("status") or ""
        found = QueueFilter(
            status=status, assignee_id=assignee_id, q=(data.get("q") or "").strip(),
            unit_id=data["unit"].pk if data.get("unit") else None,
            category_id=data["category"].pk if data.get("category") else None,
            open_only=not data.get("closed") and status != Status.CLOSED,
        )
        return found, assignee == "unassigned"


# Staff intake -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldGroup:
    """Some fields of a form under a legend, shaped like a form for "web/_form_fields.html"."""

    legend: Any
    visible_fields: list[forms.BoundField]
    hidden_fields = ()
    non_field_errors = ()


INTAKE_FIELDSETS = (
    (_("How it came in"), ("channel", "received_at")),
    (_("Complainant"), ("complainant_name", "complainant_email", "complainant_phone", "complainant_address",
                        "preferred_contact", "language", "representative_name", "representative_contact",
                        "consent_given")),
    (_("What it concerns"), ("unit", "service", "touch_point", "characteristic", "order_reference")),
    (_("The complaint"), ("description", "remedy_sought")),
)


class IntakeForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = LocalDateTimeField(label=_("Received at"))
    complainant_name = forms.CharField(label=_("Complainant's name"), max_length=200)
    complainant_email = forms.EmailField(label=_("E-mail"), required=False)
    complainant_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    complainant_address = forms.CharField(label=_("Postal address"), required=False, widget=TEXTAREA)
    preferred_contact = forms.ChoiceField(label=_("Preferred contact"), choices=ContactMethod.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 help_text=_("The complainant's language: we write to them in it."))
    representative_name = forms.CharField(label=_("Representative"), max_length=200, required=False,
                                          help_text=_("Someone acting for the complainant, if any."))
    representative_contact = forms.CharField(label=_("Representative's contact"), max_length=200,
                                             required=False)
    unit = org_choice(_("Unit"))
    service = org_choice(_("Service"))
    touch_point = org_choice(_("Touch point"))
    characteristic = org_choice(_("Service characteristic"))
    order_reference = forms.CharField(label=_("Order or account reference"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("What happened, in the complainant's words."))
    remedy_sought = forms.CharField(label=_("Remedy sought"), required=False, widget=TEXTAREA)
    consent_given = forms.BooleanField(
        label=_("The complainant agrees that we process their personal data to handle this complaint"),
        required=False)

    def __init__(self, data: Any = None, *, actor: Actor) -> None:
        organization = actor.organization
        super().__init__(data, initial={
            "idempotency_key": uuid.uuid4().hex, "language": organization.default_language,
            "received_at": local_now(organization.timezone)})
        self.zone = organization.timezone
        self.fields["received_at"].help_text = gettext("Local time (%(timezone)s); not in the future.") % {
            "timezone": self.zone}
        offer(self, unit=list_units(actor=actor).filter(is_active=True), service=list_services(actor=actor),
              touch_point=list_touch_points(actor=actor), characteristic=list_characteristics(actor=actor))

    def clean_received_at(self) -> dt.datetime:
        received = self.cleaned_data["received_at"].replace(tzinfo=ZoneInfo(self.zone))
        if received > clock.now():
            raise forms.ValidationError(_("The time of receipt cannot be in the future."))
        return received  # type: ignore[no-any-return]

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in INTAKE_FIELDS if name in self.fields}

    def fieldsets(self) -> list[FieldGroup]:
        return [FieldGroup(legend, [self[name] for name in names]) for legend, names in INTAKE_FIELDSETS]


# Actions of the workspace -----------------------------------------------------------------------

class ActionForm(forms.Form):
    """An action form on the complaint page; built as (data, complaint=, actor=) and prefixed with
    the action's name so several fit on one page."""

    def __init__(self, data: Any = None, *, complaint: Complaint, actor: Actor, prefix: str = "") -> None:
        super().__init__(data, prefix=prefix or None, initial=self.initial_for(complaint))
        self.complaint, self.actor = complaint, actor
        self.setup()

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        return {}

    def setup(self) -> None:
        """Set querysets and choices that depend on the complaint or the actor."""


class ConfirmForm(ActionForm):
    """An action with nothing to fill in (approve, communicate the decision)."""


class AcknowledgeForm(ActionForm):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)


class NoteForm(ActionForm):
    body = forms.CharField(label=_("Internal note"), widget=TEXTAREA, max_length=10000,
                           help_text=_("Only staff see internal notes."))


class MessageForm(ActionForm):
    body = forms.CharField(label=_("Message to the complainant"), widget=TEXTAREA, max_length=10000,
                           help_text=_("The complainant sees it on their tracking page and gets it by "
                                       "e-mail."))


class InformationRequestForm(ActionForm):
    body = forms.CharField(label=_("What information do you need?"), widget=TEXTAREA, max_length=10000,
                           help_text=_("Sent to the complainant; the clocks pause while we wait, if so "
                                       "configured."))


class ReferForm(ActionForm):
    body = forms.CharField(label=_("Referred to"), widget=TEXTAREA, max_length=10000,
                           help_text=_("The external body and its reference; the complaint is put on "
                                       "legal hold."))


class CloseForm(ActionForm):
    reason = forms.CharField(label=_("Reason for closing"), widget=TEXTAREA, max_length=5000)


class ReopenForm(ActionForm):
    reason = forms.CharField(label=_("Reason for reopening"), widget=TEXTAREA, max_length=5000)


class LegalHoldForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=5000,
                             help_text=_("For example the dispute or proceedings, with their reference."))


class AnonymiseForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=5000,
                             help_text=_("For example the erasure request and its date."))
    confirm = forms.BooleanField(label=_("I understand that the complainant's personal data and the "
                                         "attachments are deleted for good."))


class AssessForm(ActionForm):
    category = org_choice(_("Category"))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    safety_impact = forms.TypedChoiceField(label=_("Safety impact"), choices=Impact.choices, coerce=int)
    financial_impact = forms.TypedChoiceField(label=_("Financial impact"), choices=Impact.choices, coerce=int)
    legal_impact = forms.TypedChoiceField(label=_("Legal impact"), choices=Impact.choices, coerce=int)
    reputational_impact = forms.TypedChoiceField(label=_("Reputational impact"), choices=Impact.choices,
                                                 coerce=int)
    immediate_action = forms.CharField(label=_("Immediate action taken"), required=False, widget=TEXTAREA)
    touch_point = org_choice(_("Touch point"))
    characteristic = org_choice(_("Service characteristic"))
    unit = org_choice(_("Unit"))

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        values = {name: getattr(complaint, name) for name in ASSESSMENT_FIELDS}
        return {**values, "severity": complaint.severity or Severity.MEDIUM}

    def setup(self) -> None:
        actor = self.actor
        offer(self, category=config_selectors.list_categories(actor=actor).filter(is_active=True),
              touch_point=list_touch_points(actor=actor), characteristic=list_characteristics(actor=actor),
              unit=list_units(actor=actor))


# Statuses with their own action (and form), which "change status" does not offer.
DEDICATED_TARGETS = frozenset({Status.ASSESSED, Status.AWAITING_CUSTOMER, Status.RESPONSE_PROPOSED,
                               Status.DECISION_COMMUNICATED, Status.CLOSED, Status.REOPENED, Status.REFERRED})


def status_targets(complaint: Complaint) -> list[Status]:
    """Where "change status" may go: the allowed moves without a dedicated action (acknowledging
    has one only until the complaint has been acknowledged once)."""
    dedicated = DEDICATED_TARGETS | ({Status.ACKNOWLEDGED} if complaint.acknowledged_at is None else set())
    return [target for target in allowed_targets(complaint.status) if target not in dedicated]


class StatusForm(ActionForm):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)

    def setup(self) -> None:
        labels = dict(StatusChoices.choices)
        choices = [(s.value, labels[s.value]) for s in status_targets(self.complaint)]
        cast(forms.ChoiceField, self.fields["status"]).choices = choices


class AssignForm(ActionForm):
    assignee = org_choice(_("Assign to"), empty_label=_("Nobody"))

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        return {"assignee": complaint.assignee_id}

    def setup(self) -> None:
        offer(self, assignee=handler_users(self.actor))


class RemedyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Remedy) -> str:  # type: ignore[override]
        return gettext("%(name)s (usual cost %(cost)s)") % {"name": obj.name, "cost": obj.default_cost}


DECISION_TEMPLATES = {
    Outcome.UPHELD: _("We have reviewed your complaint %(reference)s and we agree with you: we uphold it. "
                      "We are sorry for what happened. Here is what we will do to put it right:"),
    Outcome.PARTLY_UPHELD: _("We have reviewed your complaint %(reference)s and we agree with part of it: we "
                             "partly uphold it. Here is what we accept, why, and what we will do:"),
    Outcome.NOT_UPHELD: _("We have reviewed your complaint %(reference)s carefully and we have decided not "
                          "to uphold it. These are the reasons for our decision:"),
}


def decision_template(complaint: Complaint, outcome: str) -> str:
    """The standard opening of a decision for `outcome`, in the complaint's language."""
    with translation.override(complaint.language):
        return str(DECISION_TEMPLATES[Outcome(outcome)]) % {"reference": complaint.reference}


def decision_text_for(complaint: Complaint, outcome: str, text: str) -> str:
    """The text to propose: the handler's own words, or (when empty or still a standard text, perhaps
    of another outcome) the standard text for `outcome`."""
    standard = {decision_template(complaint, choice) for choice in DECISION_TEMPLATES}
    text = text.strip()
    if outcome in DECISION_TEMPLATES and (not text or text in standard):
        return decision_template(complaint, outcome)
    return text


class ProposeForm(ActionForm):
    remedy: forms.ModelChoiceField[Any] = RemedyChoiceField(label=_("Remedy"), queryset=None, required=False,
                                                            empty_label=_("No remedy"))
    cost = forms.DecimalField(label=_("Cost"), required=False, min_value=0, max_digits=12, decimal_places=2,
                              help_text=_("Leave empty to use the remedy's usual cost."))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Outcome.choices if c[0]])
    decision_text = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
        help_text=_("What the complainant will read, in their language. It starts from the standard text "
                    "for the outcome; write your own to replace it."))

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        outcome = complaint.outcome or Outcome.UPHELD
        return {"remedy": complaint.remedy_id, "cost": complaint.remedy_cost, "outcome": outcome,
                "decision_text": complaint.decision_text or decision_template(complaint, outcome)}

    def setup(self) -> None:
        offer(self, remedy=config_selectors.list_remedies(actor=self.actor).filter(is_active=True))
        # With JS, choosing an outcome swaps in its standard text (see views.detail.decision_text).
        self.fields["outcome"].widget.attrs.update({
            "hx-get": reverse("complaints:decision_text", kwargs={
                "org_slug": self.actor.organization.slug, "pk": self.complaint.pk}),
            "hx-target": f"#{self['decision_text'].auto_id}", "hx-swap": "outerHTML",
            "hx-include": f"#{self['decision_text'].auto_id}", "hx-trigger": "change"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome"):
            written = data.get("decision_text") or ""
            data["decision_text"] = decision_text_for(self.complaint, data["outcome"], written)
        return data


class DuplicateForm(ActionForm):
    reference = forms.CharField(label=_("Reference of the original complaint"), max_length=32,
                                widget=forms.TextInput(attrs={"list": "duplicate-candidates"}))


# The SLA calculator -----------------------------------------------------------------------------

STEP_CHOICES = [(sla.Step.ACKNOWLEDGE.value, _("Acknowledge")), (sla.Step.ASSESS.value, _("Assess")),
                (sla.Step.RESPOND.value, _("Respond")), (sla.Step.RESOLVE.value, _("Resolve"))]
TARGET_FIELDS = {step: f"{step}_target" for step in sla.Step}


class SlaCalculatorForm(forms.Form):
    calendar = org_choice(_("Calendar"),
                          help_text=_("Not needed when you choose a policy: its calendar is used."))
    policy = org_choice(_("SLA policy"))
    step = forms.ChoiceField(label=_("Step"), choices=[("", "—"), *STEP_CHOICES], required=False,
                             help_text=_("With a policy: the step whose target to use."))
    start = LocalDateTimeField(label=_("Start"), help_text=_("Local time in the calendar's timezone."))
    target = forms.CharField(label=_("Target"), required=False, max_length=12,
                             help_text=_("16h = working hours, 5wd = working days, 15d = calendar days, "
                                         "48ch = calendar hours. Empty: the policy's target for the step."))
    pauses = forms.CharField(
        label=_("Pauses"), required=False, widget=TEXTAREA,
        help_text=_("One per line, local start and end separated by a comma, e.g. "
                    "“2026-03-02 10:00, 2026-03-04 09:00”; leave the end out for a pause still running."))

    def __init__(self, data: Any = None, *, actor: Actor, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        offer(self, calendar=list_calendars(actor=actor),
              policy=config_selectors.list_sla_policies(actor=actor))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        policy, step = data.get("policy"), data.get("step")
        calendar = policy.calendar if policy else data.get("calendar")
        if calendar is None:
            self.add_error("calendar", _("Choose a calendar or an SLA policy."))
            return data
        data["calendar"] = calendar
        data["target"] = self._target(data.get("target") or "", policy, step)
        zone = ZoneInfo(calendar.timezone)
        if data.get("start"):
            data["start"] = data["start"].replace(tzinfo=zone)
        data["pauses"] = self._pauses(data.get("pauses") or "", zone)
        return data

    def _target(self, code: str, policy: Any, step: str | None) -> sla.Target | None:
        if not code.strip() and policy is not None and step:
            code = getattr(policy, TARGET_FIELDS[sla.Step(step)])
        if not code.strip():
            self.add_error("target", _("Write a target, or choose a policy and a step."))
            return None
        try:
            return sla.parse_target(code)
        except ValueError:
            self.add_error("target", _("Write a whole number and a unit, e.g. 16h, 5wd, 15d or 48ch."))
            return None

    def _pauses(self, text: str, zone: ZoneInfo) -> list[sla.Pause]:
        pauses, field = [], LocalDateTimeField()
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                start, _comma, end = line.partition(",")
                begins = field.to_python(start.strip())
                ends = field.to_python(end.strip()) if end.strip() else None
                if begins is None:
                    raise ValueError
                pauses.append(sla.Pause(start=begins.replace(tzinfo=zone),
                                        end=ends.replace(tzinfo=zone) if ends else None))
            except (forms.ValidationError, ValueError):
                self.add_error("pauses", gettext("Line %(number)d is not a pause.") % {"number": number})
        return pauses
