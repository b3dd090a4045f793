"""The scored CSM assessment: an assessment with its answers and evidence, the issued report (an
immutable snapshot), the confirmation certificate and the improvement items raised from the report.

The questions themselves live in the versioned protocol file (protocol_store); an assessment keeps
the version it was opened with, so its answers always refer to the same questions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from csm.core import clock
from csm.core.models import OrgScopedModel


class Mode(models.TextChoices):
    SELF = "self", _("Self-assessment")
    INDEPENDENT = "independent", _("Independent assessment")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("Awaiting sign-off")
    ISSUED = "issued", _("Issued")


class EvidenceType(models.TextChoices):
    DOCUMENT = "D", _("Document")
    RECORD = "R", _("Record")
    METRIC = "M", _("Metric data")
    INTERVIEW = "I", _("Interview notes")
    OBSERVATION = "O", _("Observation")


class LinkKind(models.TextChoices):
    NONE = "", _("No link")
    COMPLAINT = "complaint", _("Complaint")
    SURVEY = "survey", _("Survey")
    REPORT = "report", _("Assessment report")
    URL = "url", _("Web address")


class Assessment(OrgScopedModel):
    """One assessment of the organisation, or of one unit and the units below it."""

    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"), help_text=_("Empty: the whole organisation."))
    standards = models.JSONField(_("standards"), default=list)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices)
    protocol_version = models.CharField(_("protocol version"), max_length=40)
    lead_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("lead assessor"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team"))
    assessing_body = models.CharField(_("assessing body"), max_length=200, blank=True,
                                      help_text=_("For an independent assessment: the third party, if any."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    revision = models.PositiveSmallIntegerField(default=1)
    revision_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="revisions")
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-ends_on", "-id"]
        indexes = [models.Index(fields=["organization", "status", "ends_on"], name="assessment_org_status")]

    def __str__(self) -> str:
        return self.title


class Answer(OrgScopedModel):
    """An assessor's answer to one protocol question: a score 0-3, or N/A with a reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    is_na = models.BooleanField(default=False)
    na_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", db_index=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question_id"], name="answer_unique_question"),
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__lte=3),
                                   name="answer_score_0_3"),
            models.CheckConstraint(condition=models.Q(is_na=False) | models.Q(score__isnull=True),
                                   name="answer_na_has_no_score"),
        ]
        indexes = [models.Index(fields=["organization", "assessment"], name="answer_org_assessment")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"assessments/{instance.organization_id}/{instance.assessment_id}/{clock.now():%Y%m%d%H%M%S}-{filename}"


class Evidence(OrgScopedModel):
    """One piece of evidence for an answer: a file, a note, a link to a CSM record, or a frozen metric."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    question_id = models.CharField(max_length=40)
    type = models.CharField(_("type"), max_length=1, choices=EvidenceType.choices)
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(upload_to=evidence_path, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    link_kind = models.CharField(_("link"), max_length=12, choices=LinkKind.choices, blank=True)
    link_ref = models.CharField(_("linked record"), max_length=300, blank=True)
    link_label = models.CharField(max_length=300, blank=True)
    metric = models.JSONField(null=True, blank=True, help_text="A frozen live metric: name, value, n, period.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", db_index=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "assessment", "question_id"], name="evidence_org_question")]

    def __str__(self) -> str:
        return f"{self.type}: {self.note[:40]}"


class ImmutableError(Exception):
    """An issued report cannot be changed or deleted; a correction issues a new revision."""


class ReportQuerySet(models.QuerySet["Report"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Issued reports are immutable.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Issued reports are immutable.")


class Report(OrgScopedModel):
    """The issued report: everything shown, frozen at sign-off (snapshot), with its SHA-256."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="report")
    number = models.CharField(max_length=40)
    snapshot = models.JSONField()
    digest = models.CharField(max_length=64)
    overall_level = models.PositiveSmallIntegerField()
    overall_index = models.DecimalField(max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField(default=clock.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", db_index=False)
    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by")

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="report_unique_number")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("Issued reports are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Issued reports are immutable.")


class Certificate(OrgScopedModel):
    """The assessment confirmation (level ≥ 1 in at least one standard), checked at /verify/<code>."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(max_length=24, unique=True)
    standards = models.JSONField(help_text="[{id, level}] of the confirmed standards (level ≥ 1).")
    issued_on = models.DateField()
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.code


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ImprovementItem(OrgScopedModel):
    """An improvement opportunity of an issued report, owned and due (the CAPA module takes it on later)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="improvement_items")
    question_id = models.CharField(max_length=40)
    standard = models.CharField(max_length=12)
    action = models.TextField(_("recommended action"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "question_id"], name="improvement_unique_question")]
        indexes = [models.Index(fields=["organization", "status", "due_on"], name="improvement_org_status")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.action[:40]}"
