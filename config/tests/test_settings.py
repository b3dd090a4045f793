"""Environment parsing (config/env.py) and how `csm` reports a bad configuration: one line, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import EnvError, env_bool, env_int, env_list, env_str, parse_database_url

ROOT = Path(__file__).resolve().parents[2]
BAD_SCHEME = (
    "DATABASE_URL must look like postgres://user:password@host:5432/dbname or sqlite:///path.db, got scheme"
)
SECRET = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWX"


def csm_command() -> list[str]:
    script = Path(sys.executable).with_name("csm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "config.manage"]


def run_csm(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`csm <args>` in a child process whose CSM_*/DATABASE_URL settings are exactly `env`."""
    inherited = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("CSM_", "DJANGO_")) and k != "DATABASE_URL"
    }
    return subprocess.run(
        [*csm_command(), *args], cwd=ROOT, env={**inherited, **env}, capture_output=True, text=True,
        timeout=120, check=False,
    )


# env_* helpers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("False", False),
     ("no", False), ("off", False), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("CSM_FLAG", not expected, environ={"CSM_FLAG": raw}) is expected


def test_env_bool_uses_the_default_when_unset():
    assert env_bool("CSM_FLAG", True, environ={}) is True


def test_env_bool_names_the_variable_when_it_cannot_read_it():
    with pytest.raises(EnvError) as exc:
        env_bool("CSM_DEBUG", False, environ={"CSM_DEBUG": "maybe"})
    assert str(exc.value) == "CSM_DEBUG must be a boolean (true/false, 1/0, yes/no), got 'maybe'."


def test_env_int_reads_whole_numbers_and_rejects_others():
    assert env_int("CSM_N", 5, environ={"CSM_N": "42"}) == 42
    assert env_int("CSM_N", 5, environ={"CSM_N": " "}) == 5
    assert env_int("CSM_N", 5, environ={}) == 5
    with pytest.raises(EnvError) as exc:
        env_int("CSM_N", 5, environ={"CSM_N": "4.5"})
    assert str(exc.value) == "CSM_N must be a whole number, got '4.5'."


def test_env_list_splits_on_commas_and_drops_blanks():
    assert env_list("CSM_HOSTS", [], environ={"CSM_HOSTS": " a.example, b.example,,c "}) == [
        "a.example", "b.example", "c"]
    default = ["localhost"]
    result = env_list("CSM_HOSTS", default, environ={"CSM_HOSTS": ""})
    assert result == ["localhost"] and result is not default


def test_env_str_requires_a_value_without_a_default():
    assert env_str("CSM_NAME", "fallback", environ={"CSM_NAME": ""}) == "fallback"
    assert env_str("CSM_NAME", environ={"CSM_NAME": "set"}) == "set"
    with pytest.raises(EnvError) as exc:
        env_str("CSM_SECRET_KEY", environ={})
    assert str(exc.value) == "CSM_SECRET_KEY must be set."


# DATABASE_URL ------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_postgres_urls_become_a_postgresql_database(scheme):
    config = parse_database_url("DATABASE_URL", f"{scheme}://csm:s3cret@db.example:5433/csm")

    assert {k: config[k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "csm", "USER": "csm", "PASSWORD": "s3cret",
        "HOST": "db.example", "PORT": 5433,
    }
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (60, True)


def test_sqlite_urls_name_the_file():
    config = parse_database_url("DATABASE_URL", "sqlite:////srv/csm/csm.sqlite3")

    assert (config["ENGINE"], config["NAME"]) == ("django.db.backends.sqlite3", "/srv/csm/csm.sqlite3")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x", f"{BAD_SCHEME} 'mysql'."),
        ("db.example/csm", f"{BAD_SCHEME} ''."),
        ("postgres://", "DATABASE_URL must name a database, e.g. postgres://postgres@127.0.0.1:5432/csm."),
        ("postgres://db.example:5432", "DATABASE_URL must name a database, e.g. "
                                       "postgres://postgres@127.0.0.1:5432/csm."),
    ],
)
def test_a_malformed_database_url_is_one_line_naming_the_variable(url, message):
    with pytest.raises(EnvError) as exc:
        parse_database_url("DATABASE_URL", url)
    assert str(exc.value) == message


def test_a_database_url_with_a_bad_port_is_reported_as_malformed():
    with pytest.raises(EnvError) as exc:
        parse_database_url("DATABASE_URL", "postgres://csm@db.example:port/csm")
    assert str(exc.value).startswith("DATABASE_URL is malformed: ")
    assert "\n" not in str(exc.value)


# The csm command with a bad configuration ----------------------------------------------------------

def test_production_without_a_secret_key_stops_with_one_line():
    result = run_csm("check", CSM_ENV="production", CSM_ALLOWED_HOSTS="csm.example.com")

    assert result.returncode != 0
    assert result.stderr == "csm: configuration error: CSM_SECRET_KEY must be set.\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CSM_ENV": "production", "CSM_SECRET_KEY": "too-short", "CSM_ALLOWED_HOSTS": "csm.example.com"},
         "CSM_SECRET_KEY must be at least 50 characters with at least 5 distinct ones."),
        ({"CSM_ENV": "production", "CSM_SECRET_KEY": SECRET},
         "CSM_ALLOWED_HOSTS must list the host names CSM is served on, e.g. csm.example.com."),
        ({"CSM_ENV": "staging"}, "CSM_ENV must be development, test or production, got 'staging'."),
        ({"DATABASE_URL": "mysql://x"}, f"{BAD_SCHEME} 'mysql'."),
        ({"CSM_DEBUG": "maybe"}, "CSM_DEBUG must be a boolean (true/false, 1/0, yes/no), got 'maybe'."),
    ],
)
def test_other_configuration_errors_are_one_line_too(env, message):
    result = run_csm("check", **env)

    assert result.returncode == 2
    assert result.stderr == f"csm: configuration error: {message}\n"


def test_development_and_production_differ_where_they_should():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG', 'WHITENOISE_USE_FINDERS', 'WHITENOISE_AUTOREFRESH', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT']}))"
    )
    development = run_csm("shell", "--no-imports", "-c", script)
    production = run_csm("shell", "--no-imports", "-c", script, CSM_ENV="production", CSM_SECRET_KEY=SECRET,
                         CSM_ALLOWED_HOSTS="csm.example.com")

    assert json.loads(development.stdout) == {
        "DEBUG": True, "WHITENOISE_USE_FINDERS": True, "WHITENOISE_AUTOREFRESH": True,
        "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False,
    }
    assert json.loads(production.stdout) == {
        "DEBUG": False, "WHITENOISE_USE_FINDERS": False, "WHITENOISE_AUTOREFRESH": False,
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
    }
