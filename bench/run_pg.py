"""`make bench`, PostgreSQL part: the public intake over HTTP, and the handler's queue and the SLA
sweep over a million complaints, each against its floor (see each scenario's docstring).

bench/run.py runs this file in a process of its own, after the SQLite scenarios. It uses
CSM_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/csm_bench, a superuser: seeding
turns off foreign-key triggers): it creates that database, dropping a leftover one first, and drops
it at the end, so give it a name nothing else uses. When PostgreSQL cannot be reached, each
scenario prints {"scenario", "skipped"} and the exit status stays 0.

    .venv/bin/python bench/run_pg.py [--only NAME ...] [--n N]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import pg  # noqa: E402 - needs the path above
from bench.run import configure, report_misses  # noqa: E402

# name: (module, default n). Each module has run(n) -> list[Result]; the queue and the sweep share
# one seeded organisation, so they run after the intake, which wants a small database.
SCENARIOS = {
    "public_intake": ("bench.scenarios.public_intake", 3000),
    "survey_respond": ("bench.scenarios.survey_respond", 3000),
    "survey_import_1m": ("bench.scenarios.survey_import", 1000),
    "queue_page_1m": ("bench.scenarios.queue_page", 200),
    "sla_sweep_1m": ("bench.scenarios.sla_sweep", 1),
    "survey_dashboard_1m": ("bench.scenarios.survey_dashboard", 200),
}


def _run(chosen: dict[str, tuple[str, int]], n: int | None) -> None:
    for name, (module_name, default_n) in chosen.items():
        print(f"bench: running {name} ...", file=sys.stderr, flush=True)
        for result in importlib.import_module(module_name).run(n or default_n):
            print(json.dumps(result.as_dict()), flush=True)
            report_misses(result)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="Run only these scenarios.")
    parser.add_argument("--n", type=int, help="Override each scenario's number of measured runs.")
    args = parser.parse_args(argv)
    chosen = {name: spec for name, spec in SCENARIOS.items() if args.only is None or name in args.only}
    if not chosen:
        return 0
    url = os.environ.get("CSM_BENCH_DATABASE_URL") or pg.DEFAULT_URL
    reason = pg.unreachable(url)
    if reason is not None:
        for name in chosen:
            print(json.dumps({"scenario": name, "skipped": reason}), flush=True)
        return 0
    pg.create(url)
    try:
        configure(url)
        _run(chosen, args.n)
    finally:
        _close_connections()
        pg.drop(url)
    return 0


def _close_connections() -> None:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
