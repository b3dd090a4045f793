"""Public complaint submissions over HTTP: requests per second and p99 latency of
POST /api/v1/public/{org}/complaints at 32 concurrent clients, against a bare view.

Both run on the same real server: gunicorn with one sync worker per core, production settings
(CSM_ENV=production, DEBUG off, over plain HTTP on loopback), PostgreSQL, the database cache the
rate limiter counts in (its limits raised so that the benchmark's one IP is never refused). Each
request is a new complainant's JSON with a distinct e-mail and Idempotency-Key; CSM validates it,
finds the organisation, and in one statement stores the complaint, pending, with its reference and
the key, and counts the rate limits (services.accept_complaint). The worker's half (timeline, deadlines, acknowledgement mail, audit) is then run to the end by a worker
in this process, outside the timed part, and its rate reported as `completed_per_second`: every
acknowledged request must end with exactly one complaint and one acknowledgement mail.

The floor is a bare Django view on the same server (bench/floor_urls.py) that reads the same JSON
and inserts one row into a table as wide as complaints_complaint (same columns, no indexes beyond
its primary key). Targets: throughput at least 0.6 of the floor's, p99 at most 2x the floor's; no
errors, and exactly one complaint stored per acknowledged request.

The runs alternate (floor, CSM, four times each) after a warm-up of each, so drift hits both alike.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
import time

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from bench import seed_complaints
from bench.floor_urls import FLOOR_TABLE, create_floor_table
from bench.http_load import Load, Request, load, serve
from bench.result import Result, percentile
from csm.accounts.models import Organization
from csm.complaints.models import Complaint, Notification, SlaPolicy

NAME = "public_intake"
CLIENTS = 32
WARMUP = 200
ROUNDS = 4
SLUG = "bench-intake"
TARGET_MIN_THROUGHPUT = 0.6
TARGET_P99 = 2.0


def _environment() -> dict[str, str]:
    """Production settings over plain HTTP on loopback, with the intake's limits out of the way."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": os.environ["DATABASE_URL"],
        "CSM_ENV": "production", "CSM_DEBUG": "false", "CSM_SECRET_KEY": secrets.token_urlsafe(48),
        "CSM_ALLOWED_HOSTS": "127.0.0.1", "CSM_SSL_REDIRECT": "false", "CSM_LOG_LEVEL": "WARNING",
        "CSM_INTAKE_PER_IP_PER_HOUR": str(10**9), "CSM_INTAKE_PER_EMAIL_PER_DAY": str(10**9),
        "PYTHONWARNINGS": "ignore::UserWarning",  # WhiteNoise: no collectstatic output, none needed
    }


def _organization() -> Organization:
    """An organisation set up as a real one: an SLA policy on an office calendar, a ladder."""
    org = Organization.objects.create(slug=SLUG, name="Bench intake", country="PL", timezone="Europe/Warsaw")
    office = seed_complaints.calendar(org, "Office", dt.time(9), dt.time(17))
    SlaPolicy.objects.create(organization=org, name="Standard", calendar=office, **seed_complaints.TARGETS)
    seed_complaints.ladder(org)
    return org


def _requests(kind: str, count: int, organization: Organization) -> list[Request]:
    path = (f"/api/v1/public/{organization.slug}/complaints" if kind == "csm"
            else f"/bench/floor/intake/{organization.pk}")
    batch = secrets.token_hex(4)
    return [Request(path, json.dumps({
        "complainant_name": f"Complainant {batch} {n}", "complainant_email": f"c-{batch}-{n}@example.com",
        "description": "The room was not cleaned and nobody answered the phone at the desk.",
        "consent_given": True,
    }).encode(), {"Content-Type": "application/json", "Idempotency-Key": f"{batch}-{n}"}) for n in range(count)]


def _complete(organization: Organization) -> float:
    """Run the queued tasks (each complaint's completion, then its mail) with a worker in this
    process, mail kept in memory; returns completions per second."""
    pending = Complaint.objects.filter(organization=organization, intake_pending=True).count()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        started = time.perf_counter()
        call_command("worker", batch=True, no_sweeps=True, verbosity=0)
        seconds = time.perf_counter() - started
    return pending / seconds


def _rows(organization: Organization) -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FLOOR_TABLE}")  # noqa: S608 - a constant
        (floor_rows,) = cursor.fetchone()
    return (Complaint.objects.filter(organization=organization).count(),
            Notification.objects.filter(organization=organization, template="acknowledgement").count(), floor_rows)


def _measure(port: int, organization: Organization, n: int) -> tuple[list[Load], list[Load], int, int]:
    """Warm up both, then alternate; returns the measured loads and all acknowledged requests."""
    warm = {kind: load(port, _requests(kind, WARMUP, organization), clients=CLIENTS) for kind in ("floor", "csm")}
    runs: dict[str, list[Load]] = {"floor": [], "csm": []}
    for _ in range(ROUNDS):
        for kind in ("floor", "csm"):
            runs[kind].append(load(port, _requests(kind, n // ROUNDS, organization), clients=CLIENTS))
    acknowledged = {kind: warm[kind].acknowledged + sum(run.acknowledged for run in runs[kind]) for kind in runs}
    return runs["csm"], runs["floor"], acknowledged["csm"], acknowledged["floor"]


def _problems(csm: list[Load], floor: list[Load], acks: tuple[int, int], rows: tuple[int, int, int]) -> list[str]:
    problems = []
    if sum(run.errors for run in csm):
        problems.append(f"{sum(run.errors for run in csm)} CSM requests failed")
    if sum(run.errors for run in floor):
        problems.append(f"{sum(run.errors for run in floor)} floor requests failed")
    complaints, acknowledgements, floor_rows = rows
    if complaints != acks[0] or acknowledgements != acks[0]:
        problems.append(f"{acks[0]} acknowledged, {complaints} complaints and {acknowledgements} mails stored")
    if floor_rows != acks[1]:
        problems.append(f"{acks[1]} floor requests acknowledged, {floor_rows} rows stored")
    return problems


def run(n: int) -> list[Result]:
    organization = _organization()
    create_floor_table()
    workers = os.cpu_count() or 1
    with tempfile.TemporaryFile() as log:
        try:
            with serve(_environment(), workers=workers, log=log) as port:
                csm, floor, csm_acks, floor_acks = _measure(port, organization, n)
        except RuntimeError:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:])
            raise
    stored = Complaint.objects.filter(organization=organization).count()
    completed_per_second = _complete(organization)
    problems = tuple(_problems(csm, floor, (csm_acks, floor_acks), _rows(organization)))
    if stored != csm_acks:
        problems += (f"{csm_acks} acknowledged but {stored} complaints stored before the worker ran",)
    if pending := Complaint.objects.filter(organization=organization, intake_pending=True).count():
        problems += (f"{pending} complaints still pending after the worker ran",)
    detail = {"clients": CLIENTS, "workers": workers, "errors": sum(run.errors for run in csm),
              "completed_per_second": round(completed_per_second, 1)}
    csm_latencies = [latency for run in csm for latency in run.latencies]
    floor_latencies = [latency for run in floor for latency in run.latencies]
    total = len(csm_latencies)
    return [
        Result(scenario=f"{NAME}_throughput", value=_per_second(csm), unit="requests/s", floor=_per_second(floor),
               n=total, target_min_ratio=TARGET_MIN_THROUGHPUT, detail=detail, problems=problems),
        Result(scenario=f"{NAME}_p99", value=percentile(csm_latencies, 0.99) * 1000, unit="ms",
               floor=percentile(floor_latencies, 0.99) * 1000, n=total, target_ratio=TARGET_P99, detail=detail,
               problems=problems),
    ]


def _per_second(runs: list[Load]) -> float:
    return sum(len(run.statuses) for run in runs) / sum(run.seconds for run in runs)
