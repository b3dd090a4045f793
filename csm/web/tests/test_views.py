"""The shell every page shares (layout, navigation, switchers, error pages) and the entry pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client

from csm.accounts import services
from csm.accounts.api_auth import SESSION_ORG_KEY
from csm.accounts.models import Membership, User
from csm.accounts.roles import Role
from csm.web.navigation import org_url

ASSET_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_home_sends_a_visitor_to_sign_in(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_home_opens_the_sessions_current_organisation(alice, globex):
    Membership.objects.create(organization=globex, user=alice.user, role=Role.VIEWER)
    client = alice.browser()
    client.get("/o/globex/")
    response = client.get("/")
    assert response["Location"] == "/o/globex/"


def test_home_asks_which_organisation_when_there_are_several(alice, globex):
    Membership.objects.create(organization=globex, user=alice.user, role=Role.VIEWER)
    response = alice.browser().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose an organisation" in html
    assert 'href="/o/acme/"' in html
    assert 'href="/o/globex/"' in html


def test_home_is_friendly_to_someone_without_an_organisation(db):
    client = Client()
    client.force_login(User.objects.create_user("new@example.test", "a long passphrase"))
    response = client.get("/")
    assert response.status_code == 200
    assert "You are not a member of any organisation yet." in response.content.decode()


def test_home_ignores_a_current_organisation_the_user_has_left(alice, bob, globex):
    Membership.objects.create(organization=globex, user=bob.user, role=Role.VIEWER)
    client = bob.browser()
    client.get("/o/acme/")
    bob.membership.is_active = False
    bob.membership.save()
    assert client.get("/")["Location"] == "/o/globex/"


def test_the_dashboard_shows_the_organisation_and_its_counts(alice, bob):
    services.create_unit(actor=alice.actor, kind="site", name="Warsaw hotel")
    services.create_client(actor=alice.actor, name="Big Bank")
    client = alice.browser()
    response = client.get("/o/acme/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Acme Hotels</h1>" in html
    assert "<dd>Europe/Warsaw</dd>" in html
    assert "<dd>PL</dd>" in html
    assert "<dd>Polski</dd>" in html
    assert '<span class="badge info">Organisation admin</span>' in html
    counts = re.findall(r'<span class="stat-value">(\d+)</span><span class="stat-label">([^<]+)</span>', html)
    assert {label: int(n) for n, label in counts} == {
        "Units": 1, "Client organisations": 1, "Active members": 2, "Services": 0, "Touch points": 0,
        "Touch lines": 0, "Touch faces": 0, "Service characteristics": 0,
    }
    assert client.session[SESSION_ORG_KEY] == alice.organization.pk


def test_the_dashboard_of_another_organisation_is_not_found(charlie):
    assert charlie.browser().get("/o/acme/").status_code == 404


# Layout -------------------------------------------------------------------------------------------

def test_the_layout_has_landmarks_a_skip_link_and_a_language(alice):
    html = alice.browser().get("/o/acme/").content.decode()
    assert '<html lang="en">' in html
    assert html.index('<a class="skip-link" href="#main">') < html.index("<header")
    for landmark in ('<header class="app-header">', '<nav class="app-nav" id="app-nav" aria-label="Main">',
                     '<main id="main" tabindex="-1">', '<footer class="app-footer">'):
        assert html.count(landmark) == 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_the_active_navigation_item_is_marked_current(alice):
    unit = services.create_unit(actor=alice.actor, kind="site", name="Warsaw hotel")
    html = alice.browser().get(f"/o/acme/units/{unit.pk}/edit/").content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/o/acme/units/"]


def test_navigation_shows_only_what_the_role_may_open(alice, bob):
    admin = alice.browser().get("/o/acme/").content.decode()
    handler = bob.browser().get("/o/acme/").content.decode()
    assert 'href="/o/acme/settings/"' in admin
    assert 'href="/o/acme/settings/"' not in handler
    assert 'href="/o/acme/members/"' in handler
    assert 'href="/o/acme/tokens/"' in handler


def test_a_page_without_an_actor_has_no_side_navigation(db):
    html = Client().get("/login/").content.decode()
    assert 'class="app-nav"' not in html
    assert 'action="/i18n/setlang/"' in html
    assert "Sign out" not in html


def test_navigation_skips_pages_that_do_not_exist_yet():
    assert org_url("nowhere:page", "acme") is None
    assert org_url("accounts:units", "acme") == "/o/acme/units/"


def test_the_organisation_switcher_lists_only_the_users_organisations(alice, charlie, globex):
    html = alice.browser().get("/o/acme/").content.decode()
    switcher = html[html.index('aria-label="Your organisations"'):html.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"', switcher) == ["/o/acme/"]
    assert "Globex" not in html


def test_the_switcher_marks_the_current_organisation(alice, globex):
    Membership.objects.create(organization=globex, user=alice.user, role=Role.VIEWER)
    html = alice.browser().get("/o/globex/").content.decode()
    assert '<a href="/o/globex/" aria-current="true">Globex Telecom</a>' in html
    assert '<a href="/o/acme/">Acme Hotels</a>' in html


def test_the_language_switch_sets_the_cookie_and_the_page_language(alice):
    client = alice.browser()
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/o/acme/"})
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"
    assert response.cookies["csm_language"].value == "pl"
    assert '<html lang="pl">' in client.get("/o/acme/").content.decode()


def test_the_language_form_offers_each_language_in_its_own_name(db):
    html = Client().get("/login/").content.decode()
    options = re.findall(r'<option value="([^"]+)" lang="[^"]+"(?: selected)?>([^<]+)</option>', html)
    assert options == [("en", "English"), ("pl", "Polski"), ("zh-hans", "简体中文")]
    assert '<input type="hidden" name="csrfmiddlewaretoken"' in html


def test_the_sign_out_control_is_a_post_form(alice):
    html = alice.browser().get("/o/acme/").content.decode()
    assert '<form action="/logout/" method="post">' in html


@pytest.mark.parametrize("path", ["/login/", "/o/acme/", "/o/acme/units/", "/o/acme/members/",
                                  "/o/acme/tokens/", "/o/acme/settings/", "/o/acme/nothing-here/"])
def test_no_page_loads_assets_from_another_site(alice, path):
    html = alice.browser().get(path).content.decode()
    assert ASSET_URL.findall(html) == []


def test_htmx_and_our_assets_are_served_from_our_static_files(alice):
    html = alice.browser().get("/o/acme/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/django_htmx/htmx-2.min.js" in scripts
    assert "/static/csm/csm.js" in scripts
    assert '<link rel="stylesheet" href="/static/csm/csm.css">' in html
    for asset in ("django_htmx/htmx-2.min.js", "csm/csm.js", "csm/csm.css"):
        assert finders.find(asset) is not None


def test_the_stylesheet_has_fonts_for_chinese_and_a_visible_focus():
    css = Path(finders.find("csm/csm.css")).read_text(encoding="utf-8")
    assert '"Noto Sans CJK SC"' in css
    assert ":focus-visible { outline: 3px solid" in css
    assert "http" not in css


# Error pages ---------------------------------------------------------------------------------------

def test_the_not_found_page_is_ours_and_tells_nothing(charlie):
    response = charlie.browser().get("/o/acme/units/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert "Acme" not in html
    assert "Traceback" not in html


def test_the_forbidden_page_is_ours(bob):
    response = bob.browser().get("/o/acme/settings/")
    assert response.status_code == 403
    assert "<h1>You cannot open this page</h1>" in response.content.decode()


def test_the_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in html
    assert ASSET_URL.findall(html) == []
