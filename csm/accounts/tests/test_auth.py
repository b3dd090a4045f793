"""Signing in and out through the pages, with throttling."""

from __future__ import annotations

import pytest
from django.test import Client

from csm.accounts.api_auth import SESSION_ORG_KEY

PASSWORD = "correct horse battery"


def _sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post("/login/", {"email": email, "password": password, **extra})


def test_it_signs_in_with_email_and_password_and_goes_home(alice):
    client = Client()
    response = _sign_in(client, "Alice@Acme.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(alice.user.pk)


def test_home_then_opens_the_only_organisation(alice):
    client = Client()
    _sign_in(client, "alice@acme.test", PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/o/acme/"


def test_it_follows_a_local_next_but_not_another_site(alice):
    response = _sign_in(Client(), "alice@acme.test", PASSWORD, next="/o/acme/members/")
    assert response["Location"] == "/o/acme/members/"
    response = _sign_in(Client(), "alice@acme.test", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_it_rejects_a_wrong_password_without_signing_in(alice):
    client = Client()
    response = _sign_in(client, "alice@acme.test", "wrong password")
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_out_after_five_failures_even_with_the_right_password(alice):
    client = Client()
    for _ in range(5):
        _sign_in(client, "alice@acme.test", "wrong password")
    response = _sign_in(client, "alice@acme.test", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_out_an_ip_address_that_tries_many_accounts(alice, bob):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(5):
        _sign_in(client, f"nobody{n}@acme.test", "wrong password")
    response = _sign_in(client, "bob@acme.test", PASSWORD)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert _sign_in(Client(REMOTE_ADDR="10.0.0.10"), "bob@acme.test", PASSWORD).status_code == 302


def test_a_lockout_does_not_check_the_password(alice, monkeypatch):
    for _ in range(5):
        _sign_in(Client(), "alice@acme.test", "wrong password")

    def fail(*args, **kwargs):
        raise AssertionError("the password was checked")

    monkeypatch.setattr("csm.accounts.auth_views.authenticate", fail)
    response = _sign_in(Client(), "alice@acme.test", PASSWORD)
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_a_successful_sign_in_clears_earlier_failures(alice):
    for _ in range(4):
        _sign_in(Client(), "alice@acme.test", "wrong password")
    _sign_in(Client(), "alice@acme.test", PASSWORD)
    for _ in range(4):
        _sign_in(Client(REMOTE_ADDR="10.0.0.2"), "alice@acme.test", "wrong password")
    client = Client(REMOTE_ADDR="10.0.0.3")
    assert _sign_in(client, "alice@acme.test", PASSWORD).status_code == 302


def test_the_login_page_renders_with_labelled_fields(db):
    response = Client().get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_email" class="required">E-mail address</label>' in html
    assert '<label for="id_password" class="required">Password</label>' in html
    assert 'autocomplete="current-password"' in html


def test_the_login_page_sends_a_signed_in_user_home(alice):
    response = alice.browser().get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_form_posted_without_csrf_gets_our_expired_form_page(alice):
    response = Client(enforce_csrf_checks=True).post("/login/", {"email": "alice@acme.test",
                                                                  "password": PASSWORD})
    assert response.status_code == 403
    assert "<h1>The form has expired</h1>" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_logout_refuses_get(alice, method):
    client = alice.browser()
    response = getattr(client, method)("/logout/")
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(alice.user.pk)


def test_logout_by_post_ends_the_session(alice):
    client = alice.browser()
    client.get("/o/acme/")
    assert client.session[SESSION_ORG_KEY] == alice.organization.pk
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/o/acme/").status_code == 302
