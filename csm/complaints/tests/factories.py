"""factory_boy factories for complaints. Configuration rows are written directly; complaints go
through `register_complaint`, so they start in a real state (timeline, deadlines, acknowledgement).

The office calendar is Mon-Fri 09:00-12:00 and 13:00-17:00 in Europe/Warsaw with Polish public
holidays, so due dates can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization
from csm.accounts.roles import Role
from csm.accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from csm.complaints.models import Complaint, ComplaintCategory, EscalationTier, Remedy, SlaPolicy
from csm.complaints.services import register_complaint
from csm.core.models import BusinessCalendar, WorkingInterval

WARSAW_HOURS = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17)))


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    """The office calendar: Mon-Fri 09:00-12:00 + 13:00-17:00, Europe/Warsaw, PL public holidays."""

    class Meta:
        model = BusinessCalendar
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Office {n}")
    timezone = "Europe/Warsaw"
    country = "PL"
    include_public_holidays = True

    @factory.post_generation
    def intervals(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            WorkingInterval.objects.bulk_create(
                WorkingInterval(calendar=self, weekday=day, start=start, end=end)
                for day in range(5) for start, end in (extracted or WARSAW_HOURS))


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class RemedyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remedy

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Remedy {n}")
    default_cost = Decimal("50.00")
    approval_limit = Decimal("100.00")


class SlaPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaPolicy

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Policy {n}")
    calendar = factory.SubFactory(BusinessCalendarFactory, organization=factory.SelfAttribute("..organization"))
    acknowledge_target = "1wd"
    assess_target = "2wd"
    respond_target = "16h"
    resolve_target = "15d"


class EscalationTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationTier

    organization = factory.SubFactory(OrganizationFactory)
    level = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Tier {n}")
    owner_role = Role.QUALITY_MANAGER
    time_limit = "2wd"


def intake(**overrides: Any) -> dict[str, Any]:
    """A valid intake payload."""
    return {"channel": "web", "complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
            "description": "The room was not cleaned.", "language": "en", **overrides}


class ComplaintFactory(factory.Factory):
    """A complaint registered through `register_complaint`, as the public form would (or as `actor`
    when given): `ComplaintFactory(organization=acme, received_at=T0, complainant_email="")`."""

    class Meta:
        model = Complaint

    organization = factory.SubFactory(OrganizationFactory)
    channel = "web"
    complainant_name = "Jan Kowalski"
    complainant_email = "jan@example.com"
    description = "The room was not cleaned."
    language = "en"

    @classmethod
    def _create(cls, model_class: type[Complaint], *args: Any, organization: Organization,
                actor: Actor | None = None, received_at: dt.datetime | None = None, **data: Any) -> Complaint:
        return register_complaint(organization=organization, data=data, actor=actor,
                                  received_at=received_at).complaint


def member(organization: Organization, role: str, email: str) -> Actor:
    """A new member of `organization` with `role`, as an actor."""
    membership: Membership = MembershipFactory(organization=organization, role=role,
                                               user=UserFactory(email=email, full_name=email.split("@")[0].title()))
    return Actor(user=membership.user, organization=organization, membership=membership)
