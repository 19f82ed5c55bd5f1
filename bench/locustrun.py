"""``bench_load --client locust``: the page mix sent by Locust (PyPI ``locust``, the bench extra) in processes of
its own, headless and bounded, its stats read back from its CSV files as bench_load's report rows.

The mix and the per-request verdicts are bench_load's (``bench.loadclient.Walk``), passed to ``bench.locustfile``
in an environment variable; every answer is read to its end (Locust also decompresses it, client work that is timed).
"""

from __future__ import annotations

import csv
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.serving import LOOPBACK, ROOT, free_port

MIX_ENV = "DATELINE_BENCH_MIX"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class Row:
    """One line of the report: a page (or all requests) with its count, percentiles in ms and failures."""

    n: int
    p50: float
    p95: float
    p99: float
    failures: int = 0


@dataclass(frozen=True)
class Mix:
    paths: list[str]
    revalidate: bool
    budget: int  # requests one Locust process may send


@dataclass
class LocustRun:
    rows: dict[str, Row]  # per page
    total: Row  # Locust's "Aggregated" line
    rate: float  # requests/s as Locust counts them (first request to last)
    reasons: list[str]
    warnings: list[str]  # Locust's own (e.g. its CPU above 90%)


def mix_env(paths: list[str], revalidate: bool, budget: int) -> dict[str, str]:
    return {MIX_ENV: json.dumps({"paths": paths, "revalidate": revalidate, "budget": budget})}


def mix_from_env(environ: Mapping[str, str]) -> Mix:
    raw = json.loads(environ[MIX_ENV])
    return Mix(list(raw["paths"]), bool(raw["revalidate"]), int(raw["budget"]))


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else math.nan


def read_stats(prefix: Path) -> tuple[dict[str, Row], Row, float]:
    """Per-page rows, the aggregated row and requests/s from Locust's ``PREFIX_stats.csv``."""
    rows: dict[str, Row] = {}
    total, rate = Row(0, math.nan, math.nan, math.nan), 0.0
    with Path(f"{prefix}_stats.csv").open(newline="", encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            row = Row(int(line["Request Count"]), _ms(line["50%"]), _ms(line["95%"]), _ms(line["99%"]),
                      int(line["Failure Count"]))
            if line["Name"] == "Aggregated":
                total, rate = row, float(line["Requests/s"])
            else:
                rows[line["Name"]] = row
    return rows, total, rate


def read_failures(prefix: Path, most: int = 5) -> list[str]:
    with Path(f"{prefix}_failures.csv").open(newline="", encoding="utf-8") as handle:
        return [f"{line['Name']}: {line['Error']} ({line['Occurrences']} times)"
                for line in list(csv.DictReader(handle))[:most]]


def locust_command(base: str, users: int, seconds: float, prefix: Path, processes: int) -> list[str]:
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "-u", str(users), "-r", str(users), "-t", f"{math.ceil(seconds)}s", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0", "--stop-timeout", "0"]
    if processes > 1:  # the forked workers talk to their master on a free loopback port
        port = str(free_port())
        command += ["--processes", str(processes), "--master-bind-host", LOOPBACK, "--master-bind-port", port,
                    "--master-host", LOOPBACK, "--master-port", port]
    return command


def run_bounded(command: list[str], env: dict[str, str], err: IO[str], limit: float) -> int:
    """Run ``command`` in a process group of its own; the group (Locust's master and workers) is ended after ``limit`` s."""
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        return proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        return -signal.SIGTERM


def run_locust(base: str, paths: list[str], users: int, seconds: float, max_requests: int, *,
               revalidate: bool = False, processes: int = 1) -> LocustRun:
    """Locust's ``users`` visitors for ``seconds`` against ``base`` (at most ``max_requests``, split by process)."""
    with tempfile.TemporaryDirectory(prefix="dateline-locust-") as tmp:
        prefix, log = Path(tmp) / "load", Path(tmp) / "locust.log"
        env = {**os.environ, **mix_env(paths, revalidate, max(1, max_requests // processes))}
        with log.open("w") as err:
            code = run_bounded(locust_command(base, users, seconds, prefix, processes), env, err, seconds + 60)
        said = log.read_text(encoding="utf-8", errors="replace")
        if code != 0 or not Path(f"{prefix}_stats.csv").exists():
            raise SystemExit(f"locust exited {code}: {said[-2000:]}")
        rows, total, rate = read_stats(prefix)
        warnings = sorted({line.split("] ", 1)[-1][:120] for line in said.splitlines() if "CPU usage" in line})
        return LocustRun(rows, total, rate, read_failures(prefix), warnings)


def children_cpu_seconds() -> float:
    """CPU (user + system) of this process's finished children, Locust's processes among them."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
