"""Organisations (tenants), users, units, memberships with one role each, and API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from csm.accounts.roles import Role
from csm.core import clock
from csm.core.models import OrgScopedModel


class Organization(models.Model):
    """The tenant. Everything a customer owns hangs off one of these."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=[("en", "English"), ("pl", "Polski"), ("zh-hans", "简体中文")],
        default="en",
    )
    timezone = models.CharField(_("timezone"), max_length=64, default="UTC")
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code."))
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Customers never get one."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    is_active = models.BooleanField(default=True)  # type: ignore[misc]
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    def __str__(self) -> str:
        return self.full_name or self.email


class ClientOrganization(OrgScopedModel):
    """A client served by the organisation, e.g. one of a call centre's "two customers"."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="client_unique_name")]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    SITE = "site", _("Site")
    BRANCH = "branch", _("Branch")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


class Unit(OrgScopedModel):
    """A node in the organisation's tree: site, branch, department or team."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, blank=True)
    client = models.ForeignKey(
        ClientOrganization, on_delete=models.PROTECT, null=True, blank=True, related_name="units",
        verbose_name=_("serves client"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "id"], name="unit_org_id")]

    def __str__(self) -> str:
        return self.name


class Membership(OrgScopedModel):
    """A user's place in one organisation, with exactly one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization__name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user")]
        indexes = [models.Index(fields=["organization", "id"], name="membership_org_id")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization_id} ({self.role})"


class ApiToken(OrgScopedModel):
    """A bearer token for one membership. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "user"], name="token_org_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
