"""The handler's queue page with 1,000,000 open complaints in the organisation: p95 of the whole page,
filtered and keyset-paginated deep into the queue, against the same SELECT run raw.

Four filters take turns: the whole open queue, the handler's own complaints ("assignee=mine"),
one category, and one status; each starts at a cursor half-way down its filter's queue (half a
million complaints down, for the whole queue). The page is the real one (Django's test Client,
signed in as a handler, DEBUG off, the clock frozen at the seed's NOW): the SELECT of 51
complaints, the prefetched calendars, the timeline pauses, the capped count, every row's four
clocks, the template. The floor is the page's own complaint SELECT, captured from a request and
run raw through a cursor. Target: p95 at most 150 ms, whatever the floor.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed_complaints
from bench.result import Result, percentile
from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.complaints import selectors
from csm.complaints.selectors import QueueFilter
from csm.core import clock

NAME = "queue_page_1m"
WARMUP = 20
TARGET_P95_MS = 150.0
ROWS = 50


def _filters(seeded: seed_complaints.Seeded) -> list[tuple[dict[str, str], QueueFilter]]:
    """(query string, the selector's filter for it) of each variant."""
    handler = seeded.handler.pk
    return [
        ({}, QueueFilter()),
        ({"assignee": "mine"}, QueueFilter(assignee_id=handler)),
        ({"category": str(seeded.categories[3])}, QueueFilter(category_id=seeded.categories[3])),
        ({"status": "investigating"}, QueueFilter(status="investigating")),
    ]


def _deep_urls(seeded: seed_complaints.Seeded) -> list[str]:
    """Each filter's page at a cursor half-way down its queue."""
    membership = Membership.objects.select_related("organization", "user").get(user=seeded.handler)
    actor = Actor(user=seeded.handler, organization=membership.organization, membership=membership)
    urls = []
    for query, filters in _filters(seeded):
        complaints = selectors.queue(actor=actor, filters=filters)
        middle = complaints[complaints.count() // 2]
        urls.append(f"/o/{seed_complaints.SLUG}/complaints/?"
                    + urlencode({**query, "after": selectors.encode_queue_cursor(middle)}))
    return urls


def _page(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200 or response.content.count(b'<th scope="row">') != ROWS:
        raise RuntimeError(f"{url} answered {response.status_code} without {ROWS} complaints.")
    return seconds


def _floor_sql(client: Client, url: str) -> str:
    """The page's SELECT of complaints, as sent to the database."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    [sql] = [q["sql"] for q in queries if 'FROM "complaints_complaint"' in q["sql"] and f"LIMIT {ROWS + 1}" in q["sql"]]
    return sql


def _raw(sql: str) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    if len(rows) != ROWS + 1:
        raise RuntimeError(f"The floor SELECT returned {len(rows)} rows.")
    return seconds


def run(n: int) -> list[Result]:
    seeded = seed_complaints.seeded()
    client = Client()
    client.force_login(seeded.handler)
    with clock.frozen(seed_complaints.NOW):
        urls = _deep_urls(seeded)
        floors = [_floor_sql(client, url) for url in urls]
        pages, raws = [], []
        for i in range(WARMUP + n):
            page, raw = _page(client, urls[i % len(urls)]), _raw(floors[i % len(urls)])
            if i >= WARMUP:
                pages.append(page)
                raws.append(raw)
    return [Result(scenario=NAME, value=percentile(pages, 0.95) * 1000, unit="ms",
                   floor=percentile(raws, 0.95) * 1000, n=n, target_max_value=TARGET_P95_MS,
                   detail={"complaints": seed_complaints.OPEN + seed_complaints.CLOSED,
                           "p50_ms": round(percentile(pages, 0.5) * 1000, 3),
                           "floor_p50_ms": round(percentile(raws, 0.5) * 1000, 3)})]
