"""GET /healthz: 200 with a real database round trip, 503 when the database cannot be reached."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from config.tests.test_settings import ROOT
from csm.core import clock

# Runs in a child process, because the unreachable database must be configured before Django starts.
UNREACHABLE_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    response = Client().get("/healthz")
    print(json.dumps({"status": response.status_code, "body": response.json(),
                      "cache": response.headers.get("Cache-Control", "")}))
    """
)


@pytest.mark.django_db
def test_it_reports_ok_after_asking_the_database(client):
    with clock.frozen(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok", "vendor": connection.vendor},
        "time": "2026-03-01T12:00:00+00:00",
    }
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_it_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_it_returns_503_when_the_database_is_unreachable():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_") and k != "DATABASE_URL"}
    env.update(CSM_ENV="test", DJANGO_SETTINGS_MODULE="config.settings",
               DATABASE_URL="postgres://postgres@127.0.0.1:1/nope")

    result = subprocess.run([sys.executable, "-c", UNREACHABLE_SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 503
    assert report["body"]["status"] == "degraded"
    assert report["body"]["database"] == {
        "status": "unavailable", "vendor": "postgresql", "error": "OperationalError"}
    assert "no-cache" in report["cache"]
