import pytest
from django.core.management import CommandError, call_command

from csm.accounts.models import Membership, Organization
from csm.accounts.roles import Role
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ARGS = ["--slug", "baltic", "--name", "Baltic Hotels", "--country", "PL", "--timezone", "Europe/Warsaw",
        "--language", "pl", "--admin-email", "Owner@Baltic.test"]


def test_it_creates_an_organisation_with_its_first_admin(monkeypatch, capsys):
    monkeypatch.setenv("CSM_ADMIN_PASSWORD", "a long enough secret 42")
    call_command("create-organization", *ARGS)
    org = Organization.objects.get(slug="baltic")
    membership = Membership.objects.get(organization=org)
    assert (org.name, org.country, org.timezone, org.default_language) == (
        "Baltic Hotels", "PL", "Europe/Warsaw", "pl")
    assert (membership.user.email, membership.role) == ("owner@baltic.test", Role.ORG_ADMIN)
    assert membership.user.check_password("a long enough secret 42")
    assert AuditEvent.objects.filter(organization=org, action="created").count() == 2
    assert "Created Baltic Hotels (/o/baltic/)" in capsys.readouterr().out


def test_it_refuses_a_bad_timezone_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("CSM_ADMIN_PASSWORD", "a long enough secret 42")
    bad = [a if a != "Europe/Warsaw" else "Mars/Olympus" for a in ARGS]
    with pytest.raises(CommandError, match="timezone"):
        call_command("create-organization", *bad)
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_weak_password_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("CSM_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="password"):
        call_command("create-organization", *ARGS)
    assert not Organization.objects.exists()
