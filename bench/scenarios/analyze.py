"""`csm analyze` on a survey export of 1,000,000 rows, against pandas reading the same file and taking
the mean of each numeric column.

The file (written first, into a temporary folder, seeded): respondent_id, date (two years), segment
(3 values), 10 items rated 1-5 (5 of them with an importance column), overall 1-5 and nps 0-10, about
10% of the answers blank; 20 columns, about 58 MB. The value is the wall time of `csm analyze FILE
--spec SPEC --output OUT` (JSON: every measure, by segment and by month), the floor that of `python
-c "pandas.read_csv(FILE); means"`, each a process of its own (start-up included on both sides), the
best of two alternating runs each. The peak memory (ru_maxrss) and the CPU time (user + system,
reported too: steadier than the wall time on a busy machine) of each come from wait4 in a small
launcher process. Targets: ratio at most 3 and csm's peak memory at most 1.5 GB; the item means of
both must agree.

n is the number of rows in thousands (1000: a million); `--n 50` makes a quick run of 50,000 rows.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.result import Result

NAME = "analyze_1m"
TARGET_RATIO = 3
MAX_PEAK_MB = 1500
ITEMS, IMPORTANCES = 10, 5
RUNS = 2
CHUNK = 100_000
CSM = Path(sys.executable).with_name("csm")

LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - started
process.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
               "status": process.returncode}, out)
"""

FLOOR = """
import json, sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
print(json.dumps(frame.select_dtypes("number").mean().to_dict()))
"""


def _columns() -> list[str]:
    return (["respondent_id", "date", "segment"] + [f"q{i}" for i in range(ITEMS)]
            + [f"imp{i}" for i in range(IMPORTANCES)] + ["overall", "nps"])


def _spec() -> dict[str, object]:
    items = [{"id": f"q{i}", "satisfaction": f"q{i}", **({"importance": f"imp{i}"} if i < IMPORTANCES else {})}
             for i in range(ITEMS)]
    return {"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": items, "overall": "overall", "nps": "nps",
            "segment": "segment", "period": {"column": "date", "by": "month"}}


def write_responses(path: Path, rows: int, seed: int = 1) -> None:
    """A seeded export: answers that hang together (one latent satisfaction per respondent)."""
    rng = np.random.default_rng(seed)
    cells = np.array(["", *(str(v) for v in range(11))], dtype=object)  # code v + 1 → text of v; 0 → blank
    days = np.array([(dt.date(2024, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(731)], dtype=object)
    segments = np.array(["business", "leisure", "group"], dtype=object)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(_columns()) + "\n")
        for start in range(0, rows, CHUNK):
            m = min(CHUNK, rows - start)
            latent = rng.normal(3.6, 0.9, (m, 1))
            ratings = np.clip(np.rint(latent + rng.normal(0, 0.8, (m, ITEMS + IMPORTANCES + 1))), 1, 5)
            nps = np.clip(np.rint(2 * latent[:, 0] + rng.normal(0, 1.5, m)), 0, 10)
            codes = np.column_stack([ratings, nps]).astype(np.intp) + 1
            codes[rng.random(codes.shape) < 0.1] = 0
            table = np.column_stack([np.arange(start + 1, start + m + 1).astype(str).astype(object),
                                     days[rng.integers(0, len(days), m)], segments[rng.integers(0, 3, m)],
                                     cells[codes]])
            out.write("\n".join(map(",".join, table.tolist())) + "\n")


@dataclass(frozen=True)
class Run:
    seconds: float  # wall
    cpu: float  # user + system seconds: steadier than the wall time on a busy machine
    peak_mb: float
    stdout: str


def _timed(command: list[str], folder: Path) -> Run:
    """One process, started by a small launcher: a child's ru_maxrss counts the memory of the process
    it was forked from, so forked from this one (Django and numpy loaded) every child would look at
    least as large."""
    report = folder / "launch.json"
    with (folder / "stdout").open("w+b") as stdout, (folder / "stderr").open("w+b") as stderr:
        subprocess.run([sys.executable, "-c", LAUNCHER, str(report), *command], stdout=stdout, stderr=stderr,
                       check=True)
        launched = json.loads(report.read_text())
        if launched["status"]:
            stderr.seek(0)
            raise RuntimeError(f"{command[:2]} failed ({launched['status']}): {stderr.read().decode()[-800:]}")
        stdout.seek(0)
        return Run(launched["seconds"], launched["cpu"], launched["peak_kb"] / 1024, stdout.read().decode())


def _alternating(first: list[str], second: list[str], folder: Path) -> list[Run]:
    """Each command RUNS times, alternating so that drift hits both alike; per command the shortest
    wall and CPU times, the largest peak memory and the first output."""
    runs: list[list[Run]] = [[], []]
    for _ in range(RUNS):
        for command, done in zip((first, second), runs, strict=True):
            done.append(_timed(command, folder))
    return [Run(min(r.seconds for r in done), min(r.cpu for r in done), max(r.peak_mb for r in done),
                done[0].stdout) for done in runs]


def _problems(result: dict, means: dict[str, float], rows: int) -> list[str]:
    problems = [] if result["n"] == rows else [f"csm counted {result['n']} rows of {rows}"]
    for item in result["items"]:
        if abs(item["mean"] - means[item["id"]]) > 1e-9:
            problems.append(f"the mean of {item['id']}: csm {item['mean']}, pandas {means[item['id']]}")
    return problems


def run(n: int) -> Result:
    rows = n * 1000
    with tempfile.TemporaryDirectory(prefix="csm-bench-analyze-") as name:
        folder = Path(name)
        data, spec, output = folder / "responses.csv", folder / "spec.json", folder / "result.json"
        write_responses(data, rows)
        spec.write_text(json.dumps(_spec()), encoding="utf-8")
        floor, value = _alternating(
            [sys.executable, "-c", FLOOR, str(data)],
            [str(CSM), "analyze", str(data), "--spec", str(spec), "--output", str(output), "--no-progress"], folder)
        problems = _problems(json.loads(output.read_text()), json.loads(floor.stdout), rows)
        size_mb = data.stat().st_size / 1e6
    if value.peak_mb > MAX_PEAK_MB:
        problems.append(f"peak memory {value.peak_mb:.0f} MB > {MAX_PEAK_MB} MB")
    return Result(scenario=NAME, value=value.seconds, unit="s", floor=floor.seconds, n=rows, target_ratio=TARGET_RATIO,
                  detail={"peak_mb": round(value.peak_mb, 1), "floor_peak_mb": round(floor.peak_mb, 1),
                          "cpu_s": round(value.cpu, 3), "floor_cpu_s": round(floor.cpu, 3),
                          "file_mb": round(size_mb, 1), "max_peak_mb": MAX_PEAK_MB},
                  problems=tuple(problems))
