"""`csm seed-demo [--scale N] [--seed S] [--reset] [--url URL]`: load the demo organisations.

Without --reset an existing demo is left alone; with it the demo is deleted and seeded again, so
`make demo` always starts from the same data. Django finds commands by module name, and a file name
with a hyphen imports fine through importlib, which is how Django loads commands.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.demo import services
from csm.demo.seeding import extra_points_per_service
from csm.demo.summary import curl_example, demo_lines, framed


class Command(BaseCommand):
    help = "Create the demo organisations demo-hotels and demo-telecom with their users and catalogue."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", type=int, default=1,
                            help="Add 20 x (N - 1) generated touch points to every service (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the random choices (default 1).")
        parser.add_argument("--reset", action="store_true",
                            help="Delete an existing demo (organisations, their data and demo users) first.")
        parser.add_argument("--url", default="http://127.0.0.1:8000",
                            help="Where the server will listen, for the printed links.")

    def handle(self, *args: Any, scale: int, seed: int, reset: bool, url: str, **options: Any) -> None:
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        existing = services.existing_demo()
        if existing and not reset:
            self.stdout.write(f"Demo data is already there ({', '.join(existing)}); left unchanged. "
                              "Run with --reset to rebuild it.")
            self.stdout.write(framed(demo_lines(url, api_token=None)))
            return
        if existing:
            self._remove()
        self._seed(seed=seed, scale=scale, url=url)

    def _remove(self) -> None:
        started = time.perf_counter()
        removed = services.remove_demo()
        self.stdout.write(
            f"Reset: deleted {', '.join(removed.organizations) or 'no organisations'} ({removed.rows} rows) "
            f"and {removed.users} demo users in {time.perf_counter() - started:.1f} s."
        )

    def _seed(self, *, seed: int, scale: int, url: str) -> None:
        started = time.perf_counter()
        result = services.seed_demo(seed=seed, scale=scale)
        elapsed = time.perf_counter() - started
        for item in result.organizations:
            counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in item.counts.items() if n)
            self.stdout.write(f"Seeded {item.organization.slug} ({item.organization.name}): {counts}.")
        extra = extra_points_per_service(scale)
        self.stdout.write(
            f"Seed {seed}, scale {scale} ({extra} generated touch points per service), in {elapsed:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS(framed(demo_lines(url, api_token=result.api_token))))
        self.stdout.write(curl_example(url, result.api_token))
