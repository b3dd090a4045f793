"""The actions of the complaint workspace, one small POST form each.

Each `Action` names its form, the permission it needs, when it makes sense (`is_available`, so the
page shows only the actions valid for the current status and role) and the service it calls.
`perform.complaint_action` posts them; it does not trust `is_available`: the service is the judge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.complaints import forms as f
from csm.complaints import privacy, selectors, services
from csm.complaints.models import Complaint
from csm.complaints.workflow import Status, can_transition
from csm.core.errors import InvalidInput, NotFound

Service = Callable[..., object]


@dataclass(frozen=True)
class Action:
    """`service` is called as service(actor=, complaint=, **form.cleaned_data)."""

    name: str
    title: Any
    button: Any
    done: Any
    form: type[f.ActionForm]
    service: Service
    is_available: Callable[[Complaint], bool]
    permission: str = roles.COMPLAINTS_HANDLE
    style: str = ""  # "primary" or "danger" for the button

    def allows(self, actor: Actor, complaint: Complaint) -> bool:
        return actor.can(self.permission) and self.is_available(complaint)

    def run(self, actor: Actor, complaint: Complaint, form: f.ActionForm) -> object:
        return self.service(actor=actor, complaint=complaint, **form.cleaned_data)


def _reaches(status: Status) -> Callable[[Complaint], bool]:
    return lambda complaint: complaint.status == status or can_transition(complaint.status, status)


def _moves_to(status: Status) -> Callable[[Complaint], bool]:
    return lambda complaint: can_transition(complaint.status, status)


def _is_open(complaint: Complaint) -> bool:
    return complaint.status != Status.CLOSED


def _awaits_approval(complaint: Complaint) -> bool:
    return services.needs_approval(complaint) and complaint.remedy_approved_at is None


def _may_acknowledge(complaint: Complaint) -> bool:
    return complaint.acknowledged_at is None and can_transition(complaint.status, Status.ACKNOWLEDGED)


def _may_approve(complaint: Complaint) -> bool:
    return complaint.status == Status.RESPONSE_PROPOSED and _awaits_approval(complaint)


def _may_decide(complaint: Complaint) -> bool:
    return can_transition(complaint.status, Status.DECISION_COMMUNICATED) and not _awaits_approval(complaint)


def _may_mark_duplicate(complaint: Complaint) -> bool:
    return _is_open(complaint) and complaint.duplicate_of_id is None


def _mark_duplicate(*, actor: Actor, complaint: Complaint, reference: str) -> Complaint:
    try:
        original = selectors.access_complaint_by_reference(actor=actor, reference=reference.strip())
    except NotFound:
        message = _("No complaint of this organisation has this reference.")
        raise InvalidInput("reference", str(message)) from None
    return services.mark_duplicate(actor=actor, complaint=complaint, original=original)


def _place_hold(*, actor: Actor, complaint: Complaint, reason: str) -> Complaint:
    return privacy.set_legal_hold(actor=actor, complaint=complaint, hold=True, reason=reason)


def _lift_hold(*, actor: Actor, complaint: Complaint, reason: str) -> Complaint:
    return privacy.set_legal_hold(actor=actor, complaint=complaint, hold=False, reason=reason)


def _anonymise(*, actor: Actor, complaint: Complaint, reason: str, confirm: bool) -> Complaint:
    return privacy.anonymise_complaint(actor=actor, complaint=complaint, reason=reason)


def _may_anonymise(complaint: Complaint) -> bool:
    return complaint.anonymised_at is None and not complaint.legal_hold


ACTION_LIST = (
    Action("acknowledge", _("Acknowledge"), _("Acknowledge"), _("Complaint acknowledged."), f.AcknowledgeForm,
           services.acknowledge_complaint, _may_acknowledge, style="primary"),
    Action("assess", _("Assess"), _("Save assessment"), _("Assessment saved."), f.AssessForm,
           services.assess_complaint, _reaches(Status.ASSESSED)),
    Action("status", _("Change status"), _("Change status"), _("Status changed."), f.StatusForm,
           services.change_status, lambda c: bool(f.status_targets(c))),
    Action("assign", _("Assign"), _("Assign"), _("Assignee saved."), f.AssignForm,
           services.assign_complaint, _is_open),
    Action("request_information", _("Request information"), _("Send request"), _("Information requested."),
           f.InformationRequestForm, services.request_information, _moves_to(Status.AWAITING_CUSTOMER)),
    Action("propose", _("Propose a response"), _("Propose response"), _("Response proposed."), f.ProposeForm,
           services.propose_response, _reaches(Status.RESPONSE_PROPOSED)),
    Action("approve", _("Approve the remedy"), _("Approve"), _("Remedy approved."), f.ConfirmForm,
           services.approve_response, _may_approve, permission=roles.COMPLAINTS_APPROVE, style="primary"),
    Action("decide", _("Communicate the decision"), _("Send decision"),
           _("Decision sent to the complainant."), f.ConfirmForm, services.communicate_decision, _may_decide,
           style="primary"),
    Action("message", _("Message the complainant"), _("Send message"), _("Message sent."), f.MessageForm,
           services.send_message, _is_open),
    Action("note", _("Add an internal note"), _("Add note"), _("Note added."), f.NoteForm,
           services.add_note, lambda c: True),
    Action("refer", _("Refer externally"), _("Refer"), _("Complaint referred."), f.ReferForm,
           services.refer_complaint, _moves_to(Status.REFERRED)),
    Action("duplicate", _("Mark as duplicate"), _("Mark as duplicate"), _("Marked as duplicate."),
           f.DuplicateForm, _mark_duplicate, _may_mark_duplicate),
    Action("close", _("Close"), _("Close complaint"), _("Complaint closed."), f.CloseForm,
           services.close_complaint, _moves_to(Status.CLOSED), style="danger"),
    Action("reopen", _("Reopen"), _("Reopen complaint"), _("Complaint reopened."), f.ReopenForm,
           services.reopen_complaint, _moves_to(Status.REOPENED)),
    Action("hold", _("Place a legal hold"), _("Place hold"), _("Legal hold placed: the data is kept."),
           f.LegalHoldForm, _place_hold, lambda c: not c.legal_hold and c.anonymised_at is None,
           permission=roles.COMPLAINTS_CONFIGURE),
    Action("release_hold", _("Lift the legal hold"), _("Lift hold"), _("Legal hold lifted."), f.LegalHoldForm,
           _lift_hold, lambda c: c.legal_hold, permission=roles.COMPLAINTS_CONFIGURE),
    Action("anonymise", _("Erase personal data"), _("Erase personal data"),
           _("The complainant's personal data was erased."), f.AnonymiseForm, _anonymise, _may_anonymise,
           permission=roles.COMPLAINTS_CONFIGURE, style="danger"),
)
ACTIONS = {action.name: action for action in ACTION_LIST}
