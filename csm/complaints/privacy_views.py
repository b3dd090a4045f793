"""Privacy pages for staff: data-subject requests (find, export, erase by e-mail address) and the
log of the complaints mailbox. The work is done by privacy.py; these pages only ask and show."""

from __future__ import annotations

import json
from collections import Counter

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.complaints import privacy, selectors
from csm.complaints.models import InboundOutcome
from csm.complaints.views.base import actor_of, in_org_timezone
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors

MAILBOX_ROWS = 200
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SubjectSearchForm(forms.Form):
    email = forms.EmailField(label=_("Complainant's e-mail address"), max_length=254)


class ErasureForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, max_length=5000,
                             help_text=_("For example the request, how it reached you and its date."))
    confirm = forms.BooleanField(label=_("Erase this person's data from every complaint not under legal hold. "
                                         "This cannot be undone."))


@org_view(roles.COMPLAINTS_PERSONAL_DATA)
@in_org_timezone
def data_subjects(request: HttpRequest) -> HttpResponse:
    """GET ?email= lists the person's complaints (and ?download=json exports them); POST erases."""
    actor = actor_of(request)
    search = SubjectSearchForm(request.GET if "email" in request.GET else None)
    erasure, result, status = None, None, 200
    if request.method == "POST":
        erasure, result, status = _erase(request)
        search = SubjectSearchForm({"email": request.POST.get("email", "")})
    if search.is_valid() and request.GET.get("download") == "json":
        return _export(request, search.cleaned_data["email"])
    found = (list(privacy.subject_complaints(actor=actor, email=search.cleaned_data["email"]))
             if search.is_valid() else None)
    if found is not None and erasure is None and actor.can(roles.COMPLAINTS_CONFIGURE):
        erasure = ErasureForm(initial={"email": search.cleaned_data["email"]})
    context = {"search": search, "found": found, "erasure": erasure, "result": result}
    return render(request, "complaints/privacy/data_subjects.html", context, status=status)


def _export(request: HttpRequest, email: str) -> HttpResponse:
    data = privacy.subject_export(actor=actor_of(request), email=email)
    return HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json",
                        headers={"Content-Disposition": 'attachment; filename="complainant-data.json"'})


def _erase(request: HttpRequest) -> tuple[ErasureForm, privacy.ErasureResult | None, int]:
    actor = actor_of(request)
    actor.require(roles.COMPLAINTS_CONFIGURE)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return form, None, 422
    try:
        result = privacy.erase_subject(actor=actor, email=form.cleaned_data["email"],
                                       reason=form.cleaned_data["reason"])
    except (InvalidInput, Conflict) as exc:
        add_domain_errors(form, exc)
        return form, None, exc.status
    messages.success(request, _("The personal data was erased."))
    return form, result, 200


@org_view(roles.COMPLAINTS_CONFIGURE)
@in_org_timezone
def mailbox_log(request: HttpRequest) -> HttpResponse:
    mails = list(selectors.list_inbound_mail(actor=actor_of(request))[:MAILBOX_ROWS])
    counts = Counter(mail.outcome for mail in mails)
    summary = [(label, counts.get(value, 0)) for value, label in InboundOutcome.choices]
    return render(request, "complaints/privacy/mailbox.html", {"mails": mails, "summary": summary,
                                                                "shown": MAILBOX_ROWS})
