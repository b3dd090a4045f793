"""The project's settings, with the benchmarks' floor views added to its URLs (bench/floor_urls.py).

Only the benchmarks' gunicorn uses it, so the floor views are served by the same server, workers,
middleware and database as the endpoints they are compared with, and never by the shipped app.
"""

from config.settings import *  # noqa: F403 - the project's settings, unchanged but for the URLs

ROOT_URLCONF = "bench.floor_urls"
