"""Seeding and removing the demo organisations (`csm seed-demo`).

`seed_demo` makes demo-hotels and demo-telecom, a user for every role in each, one person who is a
member of both (to show the organisation switcher) and an API token for the hotels' admin.
`remove_demo` deletes all of it again, audit events included.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token
from csm.core import clock
from csm.demo.assessments import seed_assessments
from csm.demo.complaint_specs import COMPLAINT_SPECS
from csm.demo.complaints import seed_complaints
from csm.demo.hotels import HOTELS_ORG
from csm.demo.purge import purge_organizations
from csm.demo.seeding import DEMO_PASSWORD, SEEDED_AT, OrgBuilder, SeededOrganization, record_seeded
from csm.demo.spec import OrgSpec
from csm.demo.surveys import seed_surveys
from csm.demo.telecom import TELECOM_ORG

DEMO_ORGS: tuple[OrgSpec, ...] = (HOTELS_ORG, TELECOM_ORG)
# Someone outside both organisations, e.g. an external auditor, who is an assessor in each.
SHARED_EMAIL, SHARED_NAME, SHARED_ROLE = "auditor@csm.example", "Alex Morgan", Role.ASSESSOR


@dataclass(frozen=True)
class DemoResult:
    organizations: list[SeededOrganization]
    shared_user: User
    api_token: str


@dataclass(frozen=True)
class RemovedDemo:
    organizations: list[str]
    rows: int
    users: int


def demo_emails() -> list[str]:
    emails = [f"{p.mailbox}@{spec.email_domain}" for spec in DEMO_ORGS for p in spec.people]
    return [*emails, SHARED_EMAIL]


def existing_demo() -> list[str]:
    """Slugs of demo organisations already in the database, plus "users" if demo users remain."""
    organizations = Organization.objects.filter(slug__in=[s.slug for s in DEMO_ORGS])
    slugs = list(organizations.order_by("slug").values_list("slug", flat=True))
    return slugs + (["users"] if User.objects.filter(email__in=demo_emails()).exists() else [])


@transaction.atomic
def seed_demo(*, seed: int, scale: int) -> DemoResult:
    """Create both demo organisations; each draws from its own Random so one never shifts the other."""
    password_hash = make_password(DEMO_PASSWORD)
    today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    with clock.frozen(SEEDED_AT):
        seeded = [
            OrgBuilder(spec, rng=random.Random(f"{seed}/{spec.slug}"), scale=scale,  # noqa: S311
                       password_hash=password_hash).build()
            for spec in DEMO_ORGS
        ]
        for item in seeded:
            _add_complaints(item, seed=seed, today=today)
            item.counts.update(seed_surveys(item.organization, admin=item.people["admin"], scale=scale, today=today,
                                            rng=random.Random(f"{seed}/{item.organization.slug}/surveys")))  # noqa: S311
            item.counts.update(seed_assessments(item.organization, people=item.people, today=today,
                                                rng=random.Random(f"{seed}/{item.organization.slug}/assessments")))  # noqa: S311
        shared = _add_shared_user(seeded, password_hash)
        token = _demo_token(seeded[0])
        for item in seeded:
            record_seeded(item, seed=seed, scale=scale)
    return DemoResult(organizations=seeded, shared_user=shared, api_token=token)


def _add_complaints(item: SeededOrganization, *, seed: int, today: dt.datetime) -> None:
    org = item.organization
    handlers = [item.people[box] for box in ("handler", "quality", "admin") if box in item.people]
    counts = seed_complaints(org, COMPLAINT_SPECS[org.slug], rng=random.Random(f"{seed}/{org.slug}/complaints"),  # noqa: S311
                             today=today, handlers=handlers)
    item.counts.update(counts)


def _add_shared_user(seeded: list[SeededOrganization], password_hash: str) -> User:
    user = User.objects.create(email=SHARED_EMAIL, full_name=SHARED_NAME, password=password_hash,
                               preferred_language="en")
    Membership.objects.bulk_create(
        Membership(organization=item.organization, user=user, role=SHARED_ROLE) for item in seeded
    )
    return user


def _demo_token(seeded: SeededOrganization) -> str:
    admin = seeded.people["admin"]
    membership = Membership.objects.get(organization=seeded.organization, user=admin)
    actor = Actor(user=admin, organization=seeded.organization, membership=membership)
    _, raw = create_api_token(actor=actor, name="Demo token (seed-demo)")
    return raw


@transaction.atomic
def remove_demo() -> RemovedDemo:
    """Delete the demo organisations with all their rows, and the demo users."""
    organizations = list(Organization.objects.filter(slug__in=[s.slug for s in DEMO_ORGS]).order_by("slug"))
    rows = purge_organizations([org.pk for org in organizations])
    _, deleted = User.objects.filter(email__in=demo_emails()).delete()
    return RemovedDemo(
        organizations=[org.slug for org in organizations], rows=rows, users=deleted.get(User._meta.label, 0)
    )
