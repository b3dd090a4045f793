"""The service blueprint, after the service management specification (seed 002, §3.2-3.5):
services, touch points (staffed/unstaffed), touch lines (ordered paths, one-way or round-trip),
touch faces (groups, semi-open or fully open) and service characteristics (tangible/intangible).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from csm.accounts.models import Unit
from csm.core.models import OrgScopedModel


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    KIOSK = "kiosk", _("Kiosk")


class Service(OrgScopedModel):
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="service_unique_name")]
        indexes = [models.Index(fields=["organization", "id"], name="service_org_id")]

    def __str__(self) -> str:
        return self.name


class Staffing(models.TextChoices):
    STAFFED = "staffed", _("Staffed")
    UNSTAFFED = "unstaffed", _("Unstaffed")


class TouchPoint(OrgScopedModel):
    """Where staff (staffed) or facilities (unstaffed) meet the customer."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="touch_points",
                                verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    staffing = models.CharField(_("staffing"), max_length=12, choices=Staffing.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["organization", "id"], name="touchpoint_org_id"),
            models.Index(fields=["organization", "service", "id"], name="touchpoint_org_service"),
        ]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    ONE_WAY = "one_way", _("One-way")
    ROUND_TRIP = "round_trip", _("Round-trip")


class TouchLine(OrgScopedModel):
    """A continuous path through two or more touch points, in order."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="touch_lines",
                                verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=200)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "id"], name="touchline_org_id")]

    def __str__(self) -> str:
        return self.name


class TouchLineStep(models.Model):
    line = models.ForeignKey(TouchLine, on_delete=models.CASCADE, related_name="steps")
    touch_point = models.ForeignKey(TouchPoint, on_delete=models.PROTECT, related_name="line_steps")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["line", "position"]
        constraints = [models.UniqueConstraint(fields=["line", "position"], name="linestep_unique_position")]

    def __str__(self) -> str:
        return f"{self.line_id}#{self.position}: {self.touch_point_id}"


class Openness(models.TextChoices):
    SEMI_OPEN = "semi_open", _("Semi-open")
    FULLY_OPEN = "fully_open", _("Fully open")


class TouchFace(OrgScopedModel):
    """A surface made of touch points and lines, open to some customers or to all."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="touch_faces",
                                verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=200)
    openness = models.CharField(_("openness"), max_length=12, choices=Openness.choices)
    description = models.TextField(_("description"), blank=True)
    touch_points = models.ManyToManyField(TouchPoint, blank=True, related_name="faces")
    touch_lines = models.ManyToManyField(TouchLine, blank=True, related_name="faces")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "id"], name="touchface_org_id")]

    def __str__(self) -> str:
        return self.name


class CharacteristicCategory(models.TextChoices):
    TANGIBLE = "tangible", _("Tangible")
    INTANGIBLE = "intangible", _("Intangible")


class CharacteristicKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    FACILITIES = "facilities", _("Facilities")
    SUPPLIES = "supplies", _("Supplies")
    STAFF = "staff", _("Staff")
    GRADE = "grade", _("Grade")
    CONTENT = "content", _("Content")
    PROCEDURE = "procedure", _("Procedure")
    METHOD = "method", _("Method")
    TIME = "time", _("Time")
    FEE = "fee", _("Fee")
    VALUE_ADDED = "value_added", _("Value-added service")
    BRAND = "brand", _("Brand service")


TANGIBLE_KINDS = frozenset(
    {CharacteristicKind.VENUE, CharacteristicKind.FACILITIES, CharacteristicKind.SUPPLIES, CharacteristicKind.STAFF}
)


def category_of(kind: str) -> str:
    return CharacteristicCategory.TANGIBLE if kind in TANGIBLE_KINDS else CharacteristicCategory.INTANGIBLE


class ServiceCharacteristic(OrgScopedModel):
    """A property of the service the customer can observe and judge; the category follows the kind."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CharacteristicKind.choices)
    category = models.CharField(_("category"), max_length=12, choices=CharacteristicCategory.choices,
                                editable=False)
    description = models.TextField(_("description"), blank=True)
    touch_points = models.ManyToManyField(TouchPoint, blank=True, related_name="characteristics")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "id"], name="characteristic_org_id")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.category = category_of(self.kind)
        super().save(*args, **kwargs)
