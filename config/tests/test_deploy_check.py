"""Django's deployment checklist passes, warnings included, with the production settings."""

from __future__ import annotations

import secrets

from config.tests.test_settings import run_csm


def test_check_deploy_passes_without_warnings_in_production():
    result = run_csm(
        "check", "--deploy", "--fail-level", "WARNING",
        CSM_ENV="production", CSM_SECRET_KEY=secrets.token_urlsafe(48), CSM_ALLOWED_HOSTS="csm.example.com",
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"
