"""A real HTTP server for the benchmarks, and concurrent clients that measure it.

`serve` starts gunicorn (sync workers, one per core) on a free loopback port with the environment
given, waits until it answers and stops it afterwards. `load` sends requests from `clients`
threads, each on its own keep-alive connection (reopened when the server closes it, as gunicorn's
sync workers do after each response), and records every request's status and latency.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
READY_SECONDS = 60


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Load:
    statuses: list[int]  # 0 for a request that got no answer
    latencies: list[float]  # seconds, of the answered requests
    seconds: float  # from the first request sent to the last answer

    @property
    def per_second(self) -> float:
        return len(self.statuses) / self.seconds

    @property
    def acknowledged(self) -> int:
        return sum(200 <= status < 300 for status in self.statuses)

    @property
    def errors(self) -> int:
        return len(self.statuses) - self.acknowledged


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(environment: dict[str, str], *, workers: int, log: IO[bytes]) -> Iterator[int]:
    """Run gunicorn with `config.wsgi` on a free port (yielded) until the block ends."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--chdir", str(ROOT),
               "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
               "--backlog", "2048", "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, **environment}, stdout=log, stderr=log, cwd=ROOT)
    try:
        _wait_until_listening(server, port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_listening(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}; see its log above.")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {READY_SECONDS} s.")


def load(port: int, requests: Sequence[Request], *, clients: int) -> Load:
    """POST every request once, from `clients` threads at a time."""
    statuses: list[int] = [0] * len(requests)
    latencies: list[float | None] = [None] * len(requests)
    cursor = iter(range(len(requests)))
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            statuses[index], latencies[index] = _post(connection, requests[index])
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Load(statuses, [latency for latency in latencies if latency is not None], seconds)


def _post(connection: http.client.HTTPConnection, request: Request) -> tuple[int, float | None]:
    started = time.perf_counter()
    try:
        connection.request("POST", request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException):
        connection.close()  # the next request reconnects
        return 0, None
    return response.status, time.perf_counter() - started
