"""`make bench`: run the benchmark scenarios and print one JSON object per line.

Each line is {"scenario", "value", "unit", "floor", "ratio", "n", "target", ...}: `value` is CSM
doing the work, `floor` the same work done the simplest way (see each scenario's docstring), `ratio`
= value / floor, `target` what it should meet (see bench/result.py). The SQLite scenarios run in
this process against a fresh SQLite file in a temporary folder, whatever DATABASE_URL says; then
bench/run_pg.py runs the PostgreSQL ones (or prints them as skipped when PostgreSQL is not there).
A missed target is reported on stderr; only a crash makes the exit status non-zero.

    .venv/bin/python bench/run.py [--only NAME ...] [--n N]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.result import Result  # noqa: E402 - needs the path above


def configure(database_url: str) -> None:
    """Point Django at `database_url` with production-like settings, set it up and migrate."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CSM_ENV"] = "development"
    os.environ["CSM_DEBUG"] = "false"  # DEBUG would record every query
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Without DEBUG, WhiteNoise looks for collectstatic output the benchmarks never need.
    warnings.filterwarnings("ignore", message="No directory at")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


# name: (module, measured runs). Each module has NAME and run(n) -> Result.
SCENARIOS = {
    "api_touch_points_list_10k": ("bench.scenarios.api_touch_points", 200),
    "seed_demo_scale_5": ("bench.scenarios.seed_demo", 5),
    "analyze_1m": ("bench.scenarios.analyze", 1000),  # n: thousands of rows
    "assess_score_1000": ("bench.scenarios.assess:run_scoring", 1000),  # n: assessments
    "assess_report_pdf": ("bench.scenarios.assess:run_report", 3),  # n: renders of each
}


def _runner(spec: str) -> Callable[[int], Result]:
    """"package.module" runs its run(n); "package.module:function" runs that function."""
    module_name, _, function = spec.partition(":")
    module: ModuleType = importlib.import_module(module_name)
    return getattr(module, function or "run")  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="Run only these scenarios.")
    parser.add_argument("--n", type=int, help="Override each scenario's number of measured runs.")
    args = parser.parse_args(argv)
    chosen = {name: spec for name, spec in SCENARIOS.items() if args.only is None or name in args.only}
    if chosen:
        with tempfile.TemporaryDirectory(prefix="csm-bench-") as folder:
            configure(f"sqlite:///{folder}/bench.sqlite3")
            for name, (module_name, n) in chosen.items():
                print(f"bench: running {name} ...", file=sys.stderr, flush=True)
                result = _runner(module_name)(args.n or n)
                print(json.dumps(result.as_dict()), flush=True)
                report_misses(result)
    return run_postgresql(argv)


def report_misses(result: Result) -> None:
    if result.missed_target:
        print(f"bench: {result.scenario}: target missed: {'; '.join(result.misses)}", file=sys.stderr, flush=True)


def run_postgresql(argv: list[str]) -> int:
    """The PostgreSQL scenarios run in a process of their own: Django's settings are per process,
    and this one is on SQLite."""
    return subprocess.run([sys.executable, str(ROOT / "bench" / "run_pg.py"), *argv], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
