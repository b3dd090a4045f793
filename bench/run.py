"""`make bench`: run the benchmark scenarios and print one JSON object per line.

Each line is {"scenario", "value", "unit", "floor", "ratio", "n"}: `value` is CSM doing the work,
`floor` the same work done the simplest way (see each scenario's docstring), `ratio` = value / floor.
Everything runs in this process against a fresh SQLite file in a temporary folder, whatever
DATABASE_URL says. A missed target is reported on stderr; only a crash makes the exit status non-zero.

    .venv/bin/python bench/run.py [--only NAME ...] [--n N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _configure(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
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


def _scenarios() -> dict[str, tuple[ModuleType, int]]:
    from bench.scenarios import api_touch_points, seed_demo

    return {api_touch_points.NAME: (api_touch_points, 200), seed_demo.NAME: (seed_demo, 5)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="Run only these scenarios.")
    parser.add_argument("--n", type=int, help="Override each scenario's number of measured runs.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="csm-bench-") as folder:
        _configure(folder)
        for name, (scenario, n) in _scenarios().items():
            if args.only and name not in args.only:
                continue
            print(f"bench: running {name} ...", file=sys.stderr, flush=True)
            result = scenario.run(args.n or n)
            print(json.dumps(result.as_dict()), flush=True)
            if result.missed_target:
                print(f"bench: {name}: target missed, ratio {result.ratio:.2f} > {result.target_ratio}",
                      file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
