import hashlib
import hmac
import re

from csm.complaints.tracking import (
    new_tracking_secret,
    token_matches,
    tracking_path,
    tracking_token,
    tracking_url,
)


def test_the_token_is_an_hmac_of_the_secret_under_the_secret_key(settings):
    settings.SECRET_KEY = "k" * 50
    expected = hmac.new(b"k" * 50, b"csm-tracking:abc", hashlib.sha256).hexdigest()[:40]
    assert tracking_token("abc") == expected


def test_each_secret_has_its_own_token_and_rotating_the_key_revokes_them(settings):
    settings.SECRET_KEY = "a" * 50
    first, other = tracking_token("abc"), tracking_token("abd")
    assert first != other
    settings.SECRET_KEY = "b" * 50
    assert tracking_token("abc") != first
    assert not token_matches("abc", first)


def test_a_token_matches_only_its_own_secret():
    assert token_matches("abc", tracking_token("abc"))
    assert not token_matches("abc", tracking_token("abd"))
    assert not token_matches("abc", "")
    assert not token_matches("abc", tracking_token("abc")[:-1])


def test_new_secrets_are_random_hex():
    secrets = {new_tracking_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", secret) for secret in secrets)


def test_the_tracking_link_holds_the_reference_and_the_token(settings):
    settings.CSM_BASE_URL = "https://csm.example/"
    token = tracking_token("s3cret")
    assert tracking_path(organization_slug="acme", reference="C-2026-000001", secret="s3cret") == (
        f"/c/acme/track/C-2026-000001/{token}/")
    assert tracking_url(organization_slug="acme", reference="C-2026-000001", secret="s3cret") == (
        f"https://csm.example/c/acme/track/C-2026-000001/{token}/")
