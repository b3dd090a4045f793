"""Complaints (ISO 10002): configuration (categories, remedies, SLA policies, escalation tiers,
jurisdiction presets, per-organisation settings), the complaint itself, its append-only timeline,
attachments, idempotency keys and outbound notifications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from csm.accounts.models import Unit
from csm.accounts.roles import Role
from csm.catalogue.models import Channel, Service, ServiceCharacteristic, TouchPoint
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.models import BusinessCalendar, OrgScopedModel

STATUS_LABELS = {
    Status.RECEIVED: _("Received"),
    Status.ACKNOWLEDGED: _("Acknowledged"),
    Status.ASSESSED: _("Assessed"),
    Status.INVESTIGATING: _("Investigating"),
    Status.AWAITING_CUSTOMER: _("Awaiting customer"),
    Status.RESPONSE_PROPOSED: _("Response proposed"),
    Status.DECISION_COMMUNICATED: _("Decision communicated"),
    Status.CLOSED: _("Closed"),
    Status.REOPENED: _("Reopened"),
    Status.REFERRED: _("Referred to external resolution"),
}

# What the complainant sees: plain words, and no internal steps.
CUSTOMER_LABELS = {
    Status.RECEIVED: _("We have received your complaint"),
    Status.ACKNOWLEDGED: _("We are looking into your complaint"),
    Status.ASSESSED: _("We are looking into your complaint"),
    Status.INVESTIGATING: _("We are looking into your complaint"),
    Status.AWAITING_CUSTOMER: _("We need more information from you"),
    Status.RESPONSE_PROPOSED: _("We are preparing our answer"),
    Status.DECISION_COMMUNICATED: _("Our decision has been sent: please tell us if you accept it"),
    Status.CLOSED: _("Closed"),
    Status.REOPENED: _("We are looking into your complaint again"),
    Status.REFERRED: _("Referred to an external dispute resolution body"),
}

class StatusChoices(models.TextChoices):
    RECEIVED = Status.RECEIVED.value, STATUS_LABELS[Status.RECEIVED]
    ACKNOWLEDGED = Status.ACKNOWLEDGED.value, STATUS_LABELS[Status.ACKNOWLEDGED]
    ASSESSED = Status.ASSESSED.value, STATUS_LABELS[Status.ASSESSED]
    INVESTIGATING = Status.INVESTIGATING.value, STATUS_LABELS[Status.INVESTIGATING]
    AWAITING_CUSTOMER = Status.AWAITING_CUSTOMER.value, STATUS_LABELS[Status.AWAITING_CUSTOMER]
    RESPONSE_PROPOSED = Status.RESPONSE_PROPOSED.value, STATUS_LABELS[Status.RESPONSE_PROPOSED]
    DECISION_COMMUNICATED = Status.DECISION_COMMUNICATED.value, STATUS_LABELS[Status.DECISION_COMMUNICATED]
    CLOSED = Status.CLOSED.value, STATUS_LABELS[Status.CLOSED]
    REOPENED = Status.REOPENED.value, STATUS_LABELS[Status.REOPENED]
    REFERRED = Status.REFERRED.value, STATUS_LABELS[Status.REFERRED]


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Impact(models.IntegerChoices):
    NONE = 0, _("None")
    MINOR = 1, _("Minor")
    MODERATE = 2, _("Moderate")
    MAJOR = 3, _("Major")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")


class CustomerReaction(models.TextChoices):
    NONE = "", _("No answer yet")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class ComplaintSettings(models.Model):
    """Per-organisation complaint handling settings."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE,
                                        related_name="complaint_settings")
    pause_statuses = models.JSONField(default=list, help_text=_("Statuses that stop the SLA clocks."))
    retention_days = models.PositiveIntegerField(_("retention after closure (days)"), default=3 * 365)
    reopen_window_days = models.PositiveIntegerField(_("reopen window (days)"), default=30)
    duplicate_window_days = models.PositiveIntegerField(_("duplicate search window (days)"), default=30)
    reminder_before_percent = models.PositiveSmallIntegerField(
        _("remind when this share of the time limit is left (%)"), default=25)
    public_intake_enabled = models.BooleanField(_("public complaint form enabled"), default=True)
    external_recourse = models.TextField(_("external recourse"), blank=True,
                                         help_text=_("Where a complainant can go if they reject our decision."))
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=10)

    def __str__(self) -> str:
        return f"Complaint settings of {self.organization_id}"


class ComplaintCategory(OrgScopedModel):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="complaint_category_name")]
        verbose_name_plural = "complaint categories"

    def __str__(self) -> str:
        return self.name


class Remedy(OrgScopedModel):
    """A remedy from the catalogue; a cost above `approval_limit` needs a quality manager's approval."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    default_cost = models.DecimalField(_("default cost"), max_digits=12, decimal_places=2, default=Decimal("0"))
    approval_limit = models.DecimalField(_("approval needed above"), max_digits=12, decimal_places=2,
                                         default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="remedy_name")]
        verbose_name_plural = "remedies"

    def __str__(self) -> str:
        return self.name


class SlaPolicy(OrgScopedModel):
    """Targets per step on a business calendar, for a category and/or priority (blank = any).

    Targets are written like "16h" (working hours), "5wd" (working days), "15d" (calendar days)."""

    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(ComplaintCategory, on_delete=models.CASCADE, null=True, blank=True,
                                 verbose_name=_("category"))
    priority = models.CharField(_("priority"), max_length=12, choices=Priority.choices, blank=True)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, verbose_name=_("calendar"))
    acknowledge_target = models.CharField(_("acknowledge within"), max_length=12, default="1wd")
    assess_target = models.CharField(_("assess within"), max_length=12, default="2wd")
    respond_target = models.CharField(_("respond within"), max_length=12, default="10wd")
    resolve_target = models.CharField(_("resolve within"), max_length=12, default="15wd")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class EscalationTier(OrgScopedModel):
    """A rung of the response ladder: front line → specialist → management → external."""

    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=200)
    owner_role = models.CharField(_("owner role"), max_length=32, choices=Role.choices)
    time_limit = models.CharField(_("time limit"), max_length=12, default="2wd")
    is_external = models.BooleanField(_("external"), default=False)

    class Meta:
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["organization", "level"], name="escalation_level")]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class JurisdictionPreset(OrgScopedModel):
    """Legal time limits of a regime (CN telecom, EU ADR, UK FCA…), editable, applied as a policy."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    acknowledge_target = models.CharField(_("acknowledge within"), max_length=12)
    respond_target = models.CharField(_("respond within"), max_length=12)
    resolve_target = models.CharField(_("resolve within"), max_length=12)
    external_recourse = models.TextField(_("external recourse"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="preset_code")]

    def __str__(self) -> str:
        return self.name


# The queue's order: the nearest deadline first, and a complaint without one (paused, closed, no
# policy) after every deadline. NULLS LAST cannot be paged through with one index range, a
# sentinel can; nothing is due in the year 9999.
NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def queue_key() -> Coalesce:
    """`next_due_at`, or NO_DEADLINE without one: what the queue orders by and its indexes hold."""
    return Coalesce("next_due_at", Value(NO_DEADLINE, output_field=models.DateTimeField()))


class Complaint(OrgScopedModel):
    # complaint_org_id (organization, id) serves the tenant key's lookups: no index of its own.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    reference = models.CharField(_("reference"), max_length=32)
    tracking_secret = models.CharField(max_length=64, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"),
                             db_index=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    # The complainant (personal data: masked for roles without access, anonymised after retention).
    complainant_name = models.CharField(_("name"), max_length=200)
    complainant_email = models.EmailField(_("e-mail"), blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=40, blank=True)
    complainant_address = models.TextField(_("postal address"), blank=True)
    preferred_contact = models.CharField(_("preferred contact"), max_length=8, choices=ContactMethod.choices,
                                         default=ContactMethod.EMAIL)
    language = models.CharField(_("language"), max_length=10, default="en")
    representative_name = models.CharField(_("representative"), max_length=200, blank=True)
    representative_contact = models.CharField(_("representative's contact"), max_length=200, blank=True)
    consent_given = models.BooleanField(_("consent to processing"), default=False)
    # What it is about.
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("service"),
                                db_index=False)
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    order_reference = models.CharField(_("order or account reference"), max_length=100, blank=True)
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, null=True, blank=True,
                                    verbose_name=_("touch point"), db_index=False)
    characteristic = models.ForeignKey(ServiceCharacteristic, on_delete=models.PROTECT, null=True, blank=True,
                                       verbose_name=_("service characteristic"), db_index=False)
    description = models.TextField(_("description"))
    remedy_sought = models.TextField(_("remedy sought"), blank=True)
    # Assessment (ISO 10002 7.5).
    category = models.ForeignKey(ComplaintCategory, on_delete=models.PROTECT, null=True, blank=True,
                                 verbose_name=_("category"), db_index=False)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    safety_impact = models.PositiveSmallIntegerField(_("safety impact"), choices=Impact.choices, default=0)
    financial_impact = models.PositiveSmallIntegerField(_("financial impact"), choices=Impact.choices, default=0)
    legal_impact = models.PositiveSmallIntegerField(_("legal impact"), choices=Impact.choices, default=0)
    reputational_impact = models.PositiveSmallIntegerField(_("reputational impact"), choices=Impact.choices,
                                                           default=0)
    immediate_action = models.TextField(_("immediate action taken"), blank=True)
    # Workflow.
    status = models.CharField(_("status"), max_length=24, choices=StatusChoices.choices, default=Status.RECEIVED)
    resume_status = models.CharField(max_length=24, blank=True, editable=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("assignee"), db_index=False)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("duplicate of"), db_index=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # SLA: deadlines stored, recomputed on calendar, policy or status changes.
    sla_policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   db_index=False)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    assess_due_at = models.DateTimeField(null=True, blank=True)
    respond_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, help_text="The earliest open deadline (queue order).")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="When it reached its escalation level.")
    # When the SLA sweep next has a reminder or an escalation to check (in working time; None: nothing).
    sla_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the deadlines were last computed; the stale-deadline sweep compares it with config changes.
    deadlines_computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Response and decision (7.7-7.9).
    remedy = models.ForeignKey(Remedy, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("remedy"),
                               db_index=False)
    remedy_cost = models.DecimalField(_("remedy cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    remedy_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="+", db_index=False)
    remedy_approved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    customer_reaction = models.CharField(_("complainant's answer"), max_length=10,
                                         choices=CustomerReaction.choices, blank=True)
    closure_reason = models.TextField(_("closure reason"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Satisfaction with complaint handling (ISO 10002 8.3).
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # Privacy.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    # Taken by the public form or API, waiting for the worker to write its timeline, acknowledgement,
    # deadlines and mail (services/intake.py, decision 0010).
    intake_pending = models.BooleanField(default=False, editable=False)
    # The client's Idempotency-Key of the create that made it (blank: none), in its scope ("api",
    # "public", "web-staff", ...), and a digest of that request: a retry with the key gets this
    # complaint back, another request with it a conflict (services/intake.py).
    idempotency_scope = models.CharField(max_length=40, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=200, blank=True, editable=False)
    request_digest = models.CharField(max_length=64, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="complaint_reference"),
            models.UniqueConstraint(fields=["organization", "idempotency_scope", "idempotency_key"],
                                    condition=~models.Q(idempotency_key=""), name="complaint_idempotency_key"),
        ]
        indexes = [
            # The handler's queue (selectors.queue): open complaints in queue order, and one status in
            # queue order, so a keyset page is an index range at any depth.
            models.Index(F("organization"), queue_key(), F("id"), name="complaint_queue_open",
                         condition=~models.Q(status=Status.CLOSED.value)),
            models.Index(F("organization"), F("status"), queue_key(), F("id"), name="complaint_queue_status"),
            models.Index(fields=["organization", "received_at"], name="complaint_received"),
            models.Index(fields=["organization", "complainant_email", "received_at"], name="complaint_email"),
            models.Index(fields=["organization", "id"], name="complaint_org_id"),
            models.Index(fields=["organization", "deadlines_computed_at"], name="complaint_deadlines_age",
                         condition=~models.Q(status=Status.CLOSED.value)),
            # The SLA sweep reads across organisations, so this one does not lead with the tenant key.
            # With the id: the sweep's order, so a batch reads its rows and no more, however many
            # complaints share a check time (all those deferred to Monday 9:00, say).
            models.Index(fields=["sla_check_at", "id"], name="complaint_sla_check_id",
                         condition=models.Q(sla_check_at__isnull=False)),
            # The single-column indexes of the nullable references, for the database's checks when a
            # referenced row is deleted, hold only the complaints that have one: most do not, and an
            # insert then touches none of them.
            models.Index(fields=["unit"], name="complaint_unit", condition=models.Q(unit__isnull=False)),
            models.Index(fields=["service"], name="complaint_service", condition=models.Q(service__isnull=False)),
            models.Index(fields=["touch_point"], name="complaint_touch_point", condition=models.Q(touch_point__isnull=False)),
            models.Index(fields=["characteristic"], name="complaint_characteristic", condition=models.Q(characteristic__isnull=False)),
            models.Index(fields=["category"], name="complaint_category", condition=models.Q(category__isnull=False)),
            models.Index(fields=["assignee"], name="complaint_assignee", condition=models.Q(assignee__isnull=False)),
            models.Index(fields=["duplicate_of"], name="complaint_duplicate_of", condition=models.Q(duplicate_of__isnull=False)),
            models.Index(fields=["sla_policy"], name="complaint_sla_policy", condition=models.Q(sla_policy__isnull=False)),
            models.Index(fields=["remedy"], name="complaint_remedy", condition=models.Q(remedy__isnull=False)),
            models.Index(fields=["remedy_approved_by"], name="complaint_remedy_approved_by", condition=models.Q(remedy_approved_by__isnull=False)),
            # The queue of the public intake's second half (complete_pending_intake, decision 0011).
            models.Index(fields=["received_at"], name="complaint_intake_pending",
                         condition=models.Q(intake_pending=True)),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def customer_label(self) -> Any:
        return CUSTOMER_LABELS[Status(self.status)]


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    MESSAGE_IN = "message_in", _("Message from the complainant")
    MESSAGE_OUT = "message_out", _("Message to the complainant")
    NOTE = "note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    ASSESSED = "assessed", _("Assessed")
    PAUSED = "paused", _("Clock paused")
    RESUMED = "resumed", _("Clock resumed")
    ESCALATED = "escalated", _("Escalated")
    REMINDER = "reminder", _("Reminder")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed")
    REMEDY_APPROVED = "remedy_approved", _("Remedy approved")
    DECISION = "decision", _("Decision communicated")
    ACCEPTED = "accepted", _("Decision accepted")
    REJECTED = "rejected", _("Decision rejected")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    RATED = "rated", _("Rated")
    DEADLINES = "deadlines", _("Deadlines recomputed")
    ATTACHMENT = "attachment", _("Attachment added")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    ANONYMISED = "anonymised", _("Personal data anonymised")


class ComplaintEventQuerySet(models.QuerySet["ComplaintEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ValueError("The complaint timeline is append-only.")


class ComplaintEvent(OrgScopedModel):
    """One entry of a complaint's append-only timeline. Its indexes are few (the sweeps append
    thousands at once): the tenant key is served by complaint_event_time, and the actor and the
    Message-ID, which most entries lack, are indexed only where given."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", db_index=False)
    actor_label = models.CharField(max_length=200, blank=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    body = models.TextField(blank=True)
    is_customer_visible = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, blank=True)

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "complaint", "created_at"], name="complaint_event_time"),
            models.Index(fields=["actor"], name="complaint_event_actor", condition=models.Q(actor__isnull=False)),
            models.Index(fields=["organization", "message_id"], name="complaint_event_message_id",
                         condition=~models.Q(message_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The complaint timeline is append-only.")
        super().save(*args, **kwargs)


def attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    return f"complaints/{instance.organization_id}/{instance.complaint_id}/{clock.now():%Y%m%d%H%M%S}-{filename}"


class ComplaintAttachment(OrgScopedModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    from_customer = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.filename


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")


class Notification(OrgScopedModel):
    """An outbound e-mail, written in the same transaction as the change it reports and sent by the
    worker with retries, so nothing is lost while the mail server is down."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notifications", null=True)
    template = models.CharField(max_length=40)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to}"


class InboundOutcome(models.TextChoices):
    NEW_COMPLAINT = "new_complaint", _("New complaint")
    ADDED_TO_COMPLAINT = "added", _("Added to a complaint")
    IGNORED_AUTOMATIC = "automatic", _("Ignored: automatic mail")
    IGNORED_OWN = "own", _("Ignored: our own mail")
    REJECTED = "rejected", _("Rejected")


class InboundMail(OrgScopedModel):
    """One e-mail read from an organisation's complaints mailbox, kept so that reading it again
    (a poller retrying, two pollers at once) does nothing twice. Holds no body: that goes to the
    complaint's timeline, where retention and erasure deal with it."""

    message_id = models.CharField(max_length=255)
    from_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=16, choices=InboundOutcome.choices)
    detail = models.CharField(max_length=255, blank=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "message_id"], name="inbound_mail_once")]

    def __str__(self) -> str:
        return self.message_id


def validate_first_of_month(value: dt.date) -> None:
    if value.day != 1:
        raise ValidationError(_("Give a month (its first day)."), code="not_first_of_month")


class ServiceVolume(OrgScopedModel):
    """How much service was delivered in one month (stays, calls, transactions): the exposure that
    turns a complaint count into a complaint rate. A row without a unit is the whole organisation's;
    a unit's row covers that unit and every unit below it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    month = models.DateField(_("month"), validators=[validate_first_of_month])
    volume = models.PositiveIntegerField(_("volume"), validators=[MinValueValidator(1)],
                                         help_text=_("Stays, calls or transactions served in the month."))

    class Meta:
        ordering = ["-month", "unit_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "unit", "month"], name="service_volume_unit_month"),
            models.UniqueConstraint(fields=["organization", "month"], condition=models.Q(unit__isnull=True),
                                    name="service_volume_org_month"),
        ]
        indexes = [models.Index(fields=["organization", "month"], name="service_volume_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.volume}"


class IntakeCounter(models.Model):
    """Submissions counted against one rate limit of the public intake (see intake_limits.py) in its
    current fixed window. `key` is "<kind>:<hash of the IP or address>", so no address is stored;
    a row is reset when its key's next window begins and swept once its window has passed."""

    key = models.CharField(max_length=64, primary_key=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
