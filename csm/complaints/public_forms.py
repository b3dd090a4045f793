"""Forms of the public complaint pages (no login): the complaint form, adding information, the
answer to a decision and the rating of the handling.

Attachments are checked by csm.complaints.attachments while the form validates, so an invalid
upload is an error on "attachments" and nothing is saved. The honeypot field ("website") is
hidden from people; the view treats a filled one as a bot.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from csm.accounts.models import Organization
from csm.catalogue.models import Channel, Service, Staffing, TouchPoint
from csm.complaints import attachments
from csm.complaints.models import ContactMethod
from csm.core.errors import InvalidInput

HONEYPOT = "website"
MAX_TEXT = 10_000
MAX_COMMENT = 2_000
PUBLIC_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON)


def active_services(organization: Organization) -> QuerySet[Service]:
    """What a complaint can be about: the organisation's active services."""
    return Service.objects.filter(organization=organization, is_active=True).order_by("name", "id")


def active_touch_points(organization: Organization) -> QuerySet[TouchPoint]:
    return (TouchPoint.objects.filter(organization=organization, is_active=True, service__is_active=True)
            .select_related("service").order_by("service__name", "name", "id"))


def contact_touch_points(organization: Organization) -> QuerySet[TouchPoint]:
    """Touch points where a complaint can also be made: phone, e-mail, letter, in person."""
    # Only staffed points take complaints: a minibar or a feedback QR code is not a place to complain.
    return active_touch_points(organization).filter(channel__in=[c.value for c in PUBLIC_CHANNELS],
                                                    staffing=Staffing.STAFFED)


class TouchPointChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.service.name}: {obj.name}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list of uploads (possibly empty)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _uploads(files: list[UploadedFile], max_mb: int) -> list[attachments.Upload]:
    try:
        return attachments.validate_uploads(files, max_mb=max_mb)
    except InvalidInput as exc:
        errors = cast("list[dict[str, str]]", exc.detail)
        raise forms.ValidationError([item["message"] for item in errors]) from None


def _attachments_field(max_mb: int) -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("Optional. Up to %(count)d files of at most %(size)d MB each: %(types)s.") % {
            "count": attachments.MAX_FILES, "size": max_mb, "types": ", ".join(attachments.EXTENSIONS)})


EXPIRED = _("This form has expired. Check your details and send it again.")
# The preferred way of contact -> the field it needs, and the error when that field is empty.
CONTACT_NEEDS: dict[str, tuple[str, Any]] = {
    ContactMethod.EMAIL: ("complainant_email", _("Give your e-mail address, or choose another way.")),
    ContactMethod.PHONE: ("complainant_phone", _("Give your phone number, or choose another way.")),
    ContactMethod.LETTER: ("complainant_address", _("Give your postal address, or choose another way.")),
}


class ComplaintForm(forms.Form):
    complainant_name = forms.CharField(label=_("Your name"), max_length=200)
    complainant_email = forms.EmailField(label=_("E-mail"), required=False, max_length=254,
                                         help_text=_("We send the acknowledgement and our answer here."))
    complainant_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    complainant_address = forms.CharField(label=_("Postal address"), required=False, max_length=1000,
                                          widget=forms.Textarea(attrs={"rows": 3}),
                                          help_text=_("Needed if you want our answer by letter."))
    preferred_contact = forms.ChoiceField(label=_("How should we contact you?"), choices=ContactMethod.choices)
    language = forms.ChoiceField(label=_("Language for our answers"), choices=settings.LANGUAGES)
    representative_name = forms.CharField(
        label=_("Representative's name"), required=False, max_length=200,
        help_text=_("Only if someone complains on your behalf."))
    representative_contact = forms.CharField(label=_("Representative's contact"), required=False, max_length=200)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False,
                                     empty_label=_("I am not sure"))
    touch_point = TouchPointChoice(label=_("Where did it happen?"), queryset=TouchPoint.objects.none(),
                                   required=False, empty_label=_("I am not sure"))
    order_reference = forms.CharField(label=_("Order, booking or account number"), required=False, max_length=100)
    description = forms.CharField(label=_("What happened?"), max_length=MAX_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("Tell us what went wrong, when and where."))
    remedy_sought = forms.CharField(label=_("What would you like us to do?"), required=False, max_length=MAX_TEXT,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    consent = forms.BooleanField(label=_("I agree that my data is used to handle this complaint, as described "
                                         "in the privacy notice."))
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    token = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": EXPIRED, "invalid": EXPIRED})

    def __init__(self, *args: Any, organization: Organization, max_attachment_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_attachment_mb = max_attachment_mb
        self.fields["attachments"] = _attachments_field(max_attachment_mb)
        self.fields["service"].queryset = active_services(organization)  # type: ignore[attr-defined]
        self.fields["touch_point"].queryset = active_touch_points(organization)  # type: ignore[attr-defined]
        self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["token"].initial = uuid.uuid4()

    def clean_attachments(self) -> list[attachments.Upload]:
        return _uploads(self.cleaned_data.get("attachments") or [], self.max_attachment_mb)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = CONTACT_NEEDS.get(str(data.get("preferred_contact", "")))
        if needed and not data.get(needed[0]):
            self.add_error(needed[0], needed[1])
        point, service = data.get("touch_point"), data.get("service")
        if point is not None and service is not None and point.service_id != service.pk:
            self.add_error("touch_point", _("This place belongs to another service."))
        return data

    def renew_token(self) -> None:
        """A fresh idempotency token, so the redrawn form can be sent as a new complaint."""
        data = cast("QueryDict", self.data).copy()
        data["token"] = str(uuid.uuid4())
        self.data = data

    def intake_data(self) -> dict[str, Any]:
        """The fields for services.register_complaint."""
        data = self.cleaned_data
        fields = ("complainant_name", "complainant_email", "complainant_phone", "complainant_address",
                  "preferred_contact", "language", "representative_name", "representative_contact", "service",
                  "touch_point", "order_reference", "description", "remedy_sought")
        return {"channel": Channel.WEB, "consent_given": True, **{f: data[f] for f in fields}}


class InformationForm(forms.Form):
    body = forms.CharField(label=_("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, max_attachment_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_attachment_mb = max_attachment_mb
        self.fields["attachments"] = _attachments_field(max_attachment_mb)

    def clean_attachments(self) -> list[attachments.Upload]:
        return _uploads(self.cleaned_data.get("attachments") or [], self.max_attachment_mb)


class DecisionForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 3}))


SCORES = [(n, str(n)) for n in range(1, 6)]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Your rating"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
                                   help_text=_("1 = very dissatisfied, 5 = very satisfied."))
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 3}))
