"""Surveys (ISO 10004 §7.3): the item bank, surveys and their immutable published versions, the
people invited, the responses and their answers, quotas, paper batches, follow-ups, and the
rollups the dashboards read.

A survey's questions live in its draft (`Survey.draft`, JSON, see `instrument.py` for the format);
publishing copies the draft into a new `SurveyVersion` that never changes again, and every response
keeps the version it answered. Responses are never moved or dropped when a survey closes or is
archived (peers.md §5, LimeSurvey's "deactivating loses responses").

Anonymous surveys are enforced in the table: a check constraint refuses a response that is marked
anonymous and points to a contact or an invitation (peers.md §5, LimeSurvey #20192).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csm.accounts.models import Unit
from csm.catalogue.models import Service, ServiceCharacteristic, TouchPoint
from csm.complaints.models import Complaint
from csm.core import clock
from csm.core.models import OrgScopedModel


class ItemKind(models.TextChoices):
    RATING = "rating", _("Rating")
    MATRIX_ROW = "matrix_row", _("Matrix row (satisfaction and importance)")


class SurveyItem(OrgScopedModel):
    """A reusable question of the item bank, tied to a service characteristic and touch point of the
    blueprint. Its text is copied into a survey when used, so editing the bank never changes a
    published version."""

    code = models.SlugField(_("code"), max_length=40)
    text = models.JSONField(_("text"), help_text=_("The wording per language: {\"en\": ..., \"pl\": ..., \"zh-Hans\": ...}"))
    characteristic = models.ForeignKey(ServiceCharacteristic, on_delete=models.PROTECT, null=True, blank=True,
                                       verbose_name=_("service characteristic"), db_index=False)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True,
                                    verbose_name=_("touch point"), db_index=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="surveyitem_unique_code")]

    def __str__(self) -> str:
        return self.code


class Purpose(models.TextChoices):
    POST_SERVICE = "post_service", _("After the service")
    PRE_SERVICE = "pre_service", _("Before the service (expectations)")
    COMPLAINT_CLOSURE = "complaint_closure", _("After a complaint is closed")
    RELATIONSHIP = "relationship", _("Relationship (periodic)")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


class Survey(OrgScopedModel):
    name = models.CharField(_("name"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.POST_SERVICE)
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("No response is linked to a contact or an invitation; this cannot be changed once published."))
    # The public link and QR code carry this; it is not the id, so links cannot be guessed.
    public_key = models.CharField(max_length=32, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("service"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"),
                             db_index=False)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True,
                                    verbose_name=_("touch point"), db_index=False)
    # A pre-service (expectation) survey names the post-service survey it goes with (standards.md §3.3).
    expectations_for = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="expectation_surveys", verbose_name=_("expectations for"),
                                         db_index=False)
    draft = models.JSONField(default=dict, blank=True)
    current_version = models.ForeignKey("SurveyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", db_index=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    # Distribution settings.
    reminder_days = models.PositiveSmallIntegerField(_("days before a reminder"), default=3)
    max_reminders = models.PositiveSmallIntegerField(_("reminders at most"), default=2)
    event_delay_minutes = models.PositiveIntegerField(
        _("minutes from a service event to its invitation"), default=60)
    # Closed loop: a rating at or below this (on the survey's scale) or an NPS detractor raises a follow-up.
    follow_up_at_most = models.FloatField(_("follow up ratings at or below"), null=True, blank=True)
    retention_days = models.PositiveIntegerField(
        _("keep free text and contact links for (days)"), default=730)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status", "id"], name="survey_org_status")]

    def __str__(self) -> str:
        return self.name


class ImmutableError(Exception):
    """A published survey version cannot be changed or deleted."""


class SurveyVersionQuerySet(models.QuerySet["SurveyVersion"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Published survey versions are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published survey versions are immutable.")


class SurveyVersion(OrgScopedModel):
    """One published state of a survey: its questions, and the measurement spec derived from them.
    Never changed: a change to the survey publishes a new version."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    spec = models.JSONField(help_text="The measurement spec (measure.parse_spec) of the rated items.")
    published_at = models.DateTimeField(default=clock.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", db_index=False)

    objects = SurveyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="surveyversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.survey_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("Published survey versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Published survey versions are immutable.")


class Contact(OrgScopedModel):
    """Someone who may be invited. Personal data: erased on request or after the retention period."""

    email = models.EmailField(_("e-mail"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    external_ref = models.CharField(_("customer reference"), max_length=100, blank=True)
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # An opted-out contact that is erased keeps only the SHA-256 of its lower-cased e-mail, so a later
    # list or service event with that address is still not invited (GDPR art. 21 objection).
    opt_out_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "email"], name="contact_org_email")]

    def __str__(self) -> str:
        return self.email or self.name or f"#{self.pk}"


class InvitationSource(models.TextChoices):
    CSV = "csv", _("Contact list")
    SERVICE_EVENT = "service_event", _("Service event")
    COMPLAINT = "complaint", _("Complaint closure")


class Invitation(OrgScopedModel):
    """A personal, single-use link. Only the SHA-256 of its token is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="invitations")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The token is an HMAC of this random salt under SECRET_KEY, so a reminder can rebuild the link
    # while the table alone reveals no working link (docs/decisions/0013).
    token_salt = models.CharField(max_length=32, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=InvitationSource.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  db_index=False)
    event_ref = models.CharField(_("event reference"), max_length=100, blank=True)
    send_after = models.DateTimeField(_("send after"), default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    spent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "survey", "id"], name="invitation_org_survey"),
            models.Index(fields=["send_after"], name="invitation_unsent",
                         condition=Q(sent_at__isnull=True, spent_at__isnull=True)),
        ]
        constraints = [
            # One invitation per event: a retried POST /service-events never invites twice.
            models.UniqueConstraint(fields=["survey", "event_ref"], condition=~Q(event_ref=""),
                                    name="invitation_unique_event"),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"


class PaperBatch(OrgScopedModel):
    """Paper guest-opinion forms keyed in by staff (seed 001, the tourism rules)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="paper_batches")
    label = models.CharField(_("label"), max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    collected_on = models.DateField(_("collected on"))
    keyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 db_index=False)

    class Meta:
        ordering = ["-collected_on", "-id"]

    def __str__(self) -> str:
        return self.label


class ResponseChannel(models.TextChoices):
    LINK = "link", _("Public link")
    INVITATION = "invitation", _("Invitation")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Kiosk")
    PAPER = "paper", _("Paper form")
    API = "api", _("API")
    IMPORT = "import", _("Imported file")


class ResponseStatus(models.TextChoices):
    PARTIAL = "partial", _("Partial")
    COMPLETE = "complete", _("Complete")


class Response(OrgScopedModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", db_index=False)
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses", db_index=False)
    status = models.CharField(max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.PARTIAL)
    channel = models.CharField(_("channel"), max_length=12, choices=ResponseChannel.choices)
    language = models.CharField(_("language"), max_length=10, default="en")
    is_anonymous = models.BooleanField(default=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True, db_index=False)
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, db_index=False)
    invitation = models.OneToOneField(Invitation, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="response")
    paper_batch = models.ForeignKey(PaperBatch, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="responses", db_index=False)
    # The client's submission key: a random secret the form makes when it loads (or the API
    # client's Idempotency-Key). A retry with it finds this response, and a partial response is
    # resumed with it, so it is never shown to staff.
    submission_key = models.CharField(max_length=64, editable=False)
    started_at = models.DateTimeField(default=clock.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Counted into the rollups (rollups.py): set in the same transaction as the counting.
    is_rolled_up = models.BooleanField(default=False, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "survey", "-completed_at"], name="response_org_survey_done"),
            models.Index(fields=["id"], name="response_unrolled",
                         condition=Q(status="complete", is_rolled_up=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["survey", "submission_key"], name="response_unique_submission"),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(contact__isnull=True, invitation__isnull=True),
                name="response_anonymous_unlinked"),
            models.CheckConstraint(
                condition=Q(status="partial") | Q(completed_at__isnull=False), name="response_complete_dated"),
        ]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class Answer(models.Model):
    """One answer: `key` is the question id, `<question>.<row>` for a matrix row's satisfaction,
    `<question>.<row>.second` for its importance or expectation, `<question>:<option>` for a chosen
    option of a multiple choice. Numbers go to `number`, words to `text`."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    key = models.CharField(max_length=64)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "key"], name="answer_unique_key")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.key}"


class QuotaAction(models.TextChoices):
    CLOSE = "close", _("Close the survey to this segment")
    MESSAGE = "message", _("Thank and show a message")


class Quota(OrgScopedModel):
    """At most `limit` complete responses whose answer to `question` is `value` (or, with no
    question, whose segment is `value`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    question = models.CharField(_("question"), max_length=64, blank=True)
    value = models.CharField(_("answer or segment"), max_length=60)
    limit = models.PositiveIntegerField(_("limit"))
    action = models.CharField(_("when full"), max_length=8, choices=QuotaAction.choices, default=QuotaAction.MESSAGE)
    message = models.JSONField(_("message"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.question or 'segment'}={self.value} ≤ {self.limit}"


class FollowUpReason(models.TextChoices):
    LOW_SCORE = "low_score", _("Low score")
    DETRACTOR = "detractor", _("Detractor")
    CONTACT_REQUEST = "contact_request", _("Asked to be contacted")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUp(OrgScopedModel):
    """The closed loop: a task raised by a low score, a detractor or a request to be contacted."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="follow_up")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+", db_index=False)
    reason = models.CharField(_("reason"), max_length=16, choices=FollowUpReason.choices)
    status = models.CharField(_("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", db_index=False)
    due_at = models.DateTimeField(_("due"))
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  db_index=False)
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["organization", "status", "due_at"], name="followup_org_status")]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"


class Rollup(models.Model):
    """The mergeable sufficient statistics (measure.Tally) of one survey version's complete
    responses for one unit, touch point, segment, channel and day (0 or "": none). Derived data: `csm rebuild-rollups`
    recomputes it from the answers. `tally` is the Tally's arrays as float64 bytes (rollups.py)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit_key = models.IntegerField(default=0)
    touch_point_key = models.IntegerField(default=0)
    segment = models.CharField(max_length=60, default="", blank=True)
    channel = models.CharField(max_length=12)
    day = models.DateField()
    responses = models.IntegerField(default=0)
    tally = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "survey", "version", "unit_key",
                                                       "touch_point_key", "segment", "channel", "day"],
                                                name="rollup_unique_group")]

    def __str__(self) -> str:
        return f"rollup {self.survey_id}/{self.version_id}/{self.day}"
