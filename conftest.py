"""Personas shared by every test tier (after Healthchecks):

- alice: organisation admin of "acme"
- bob: complaint handler at acme
- carol: inspector at acme
- charlie: admin of "globex", who must see nothing of acme's
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in English, whatever language an earlier test (or a request) activated."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@dataclass
class Persona:
    user: User
    membership: Membership

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, organization=self.membership.organization, membership=self.membership)

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    def api(self) -> Client:
        """A client that calls the API with a fresh bearer token of this persona."""
        _, raw = create_api_token(actor=self.actor, name="tests")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    def browser(self) -> Client:
        client = Client()
        client.force_login(self.user)
        return client


def _persona(email: str, org: Organization, role: str) -> Persona:
    user = User.objects.create_user(email, "correct horse battery", full_name=email.split("@")[0].title())
    return Persona(user=user, membership=Membership.objects.create(organization=org, user=user, role=role))


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(slug="acme", name="Acme Hotels", country="PL", timezone="Europe/Warsaw",
                                       default_language="pl")


@pytest.fixture
def globex(db) -> Organization:
    return Organization.objects.create(slug="globex", name="Globex Telecom", country="CN",
                                       timezone="Asia/Shanghai", default_language="zh-hans")


@pytest.fixture
def alice(acme) -> Persona:
    return _persona("alice@acme.test", acme, Role.ORG_ADMIN)


@pytest.fixture
def bob(acme) -> Persona:
    return _persona("bob@acme.test", acme, Role.COMPLAINT_HANDLER)


@pytest.fixture
def carol(acme) -> Persona:
    return _persona("carol@acme.test", acme, Role.INSPECTOR)


@pytest.fixture
def charlie(globex) -> Persona:
    return _persona("charlie@globex.test", globex, Role.ORG_ADMIN)


CHROMIUM = Path(os.environ.get("CSM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def chromium(live_server):
    """A headless Debian Chromium driven by Playwright; `chromium()` opens a page in a fresh context
    (its own cookies). Skipped, with the reason, where Chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; browser test skipped")
    playwright_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def new_page(locale: str = "en-GB"):
            context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
            return context.new_page()

        yield new_page
        browser.close()
