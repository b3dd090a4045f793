"""API tokens: shown once as csm_<prefix>_<secret>, stored only as a SHA-256 digest, bound to one
membership's organisation, noted when used, and dead once revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client

from csm.accounts.models import ApiToken, Membership
from csm.accounts.roles import Role
from csm.accounts.selectors import actor_for_token
from csm.accounts.services import create_api_token, revoke_api_token, touch_api_token
from csm.accounts.tests.factories import MembershipFactory
from csm.core import clock
from csm.core.errors import InvalidInput
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_a_new_token_has_the_documented_format(alice):
    token, raw = create_api_token(actor=alice.actor, name="CRM sync")
    assert re.fullmatch(r"csm_[0-9a-f]{12}_[A-Za-z0-9-]{43}", raw)
    assert raw.split("_")[1] == token.prefix


def test_only_a_sha256_digest_of_the_token_is_stored(alice):
    token, raw = create_api_token(actor=alice.actor, name="CRM sync")
    secret = raw.split("_")[2]
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    assert not any(secret in str(e.changes) for e in AuditEvent.objects.all())


def test_creating_a_token_is_audited_without_its_secret(alice, acme):
    token, _ = create_api_token(actor=alice.actor, name=" CRM sync ")
    [event] = AuditEvent.objects.all()
    assert (event.action, event.object_type, event.organization_id) == ("created", "accounts.apitoken", acme.pk)
    assert event.changes == {"name": [None, "CRM sync"], "prefix": [None, token.prefix]}


def test_a_token_needs_a_name(alice):
    with pytest.raises(InvalidInput) as caught:
        create_api_token(actor=alice.actor, name="  ")
    assert [e["field"] for e in caught.value.detail] == ["name"]
    assert not ApiToken.objects.exists()


def test_a_token_resolves_to_its_owner_in_its_organisation(alice):
    _, raw = create_api_token(actor=alice.actor, name="x")
    found = actor_for_token(raw_token=raw)
    assert found is not None
    actor, _ = found
    assert (actor.user, actor.organization, actor.role) == (alice.user, alice.organization, Role.ORG_ADMIN)


@pytest.mark.parametrize("mangle", [
    lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
    lambda raw: raw.replace("csm_", "csn_"),
    lambda raw: raw + "_extra",
    lambda raw: raw.split("_")[0] + "_" + raw.split("_")[1],
    lambda raw: "",
])
def test_a_mangled_token_resolves_to_nobody(alice, mangle):
    _, raw = create_api_token(actor=alice.actor, name="x")
    assert actor_for_token(raw_token=mangle(raw)) is None


def test_a_revoked_token_resolves_to_nobody_and_revoking_twice_records_once(alice):
    token, raw = create_api_token(actor=alice.actor, name="x")
    with clock.frozen(T0):
        revoke_api_token(actor=alice.actor, token=token)
        revoke_api_token(actor=alice.actor, token=token)
    assert actor_for_token(raw_token=raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at == T0
    assert list(AuditEvent.objects.filter(action="revoked").values_list("object_id", flat=True)) == [str(token.pk)]


def test_a_token_of_an_inactive_user_or_membership_resolves_to_nobody(alice):
    _, raw = create_api_token(actor=alice.actor, name="x")
    Membership.objects.filter(pk=alice.membership.pk).update(is_active=False)
    assert actor_for_token(raw_token=raw) is None
    Membership.objects.filter(pk=alice.membership.pk).update(is_active=True)
    alice.user.is_active = False
    alice.user.save()
    assert actor_for_token(raw_token=raw) is None


def test_last_used_is_noted_at_most_once_a_minute(alice):
    token, raw = create_api_token(actor=alice.actor, name="x")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    with clock.frozen(T0):
        assert client.get("/api/v1/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    with clock.frozen(T0 + dt.timedelta(seconds=59)):
        client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0
    with clock.frozen(T0 + dt.timedelta(seconds=61)):
        client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == T0 + dt.timedelta(seconds=61)


def test_touching_a_token_writes_no_audit_event(alice):
    token, _ = create_api_token(actor=alice.actor, name="x")
    before = AuditEvent.objects.count()
    touch_api_token(token=token)
    assert AuditEvent.objects.count() == before


def test_alices_acme_token_cannot_act_in_globex_even_though_she_is_a_member_there(alice, globex, charlie):
    MembershipFactory(organization=globex, user=alice.user, role=Role.ORG_ADMIN)
    client = alice.api()
    assert client.get("/api/v1/organization").json()["slug"] == "acme"
    globex_ids = {m.pk for m in Membership.objects.filter(organization=globex)}
    listed = {m["id"] for m in client.get("/api/v1/memberships").json()["items"]}
    assert not listed & globex_ids
    charlies = Membership.objects.get(user=charlie.user)
    assert client.get(f"/api/v1/memberships/{charlies.pk}").status_code == 404
    response = client.patch("/api/v1/organization", '{"name": "Taken over"}', content_type="application/json")
    assert response.json()["slug"] == "acme"
    assert globex.__class__.objects.get(pk=globex.pk).name == "Globex Telecom"
