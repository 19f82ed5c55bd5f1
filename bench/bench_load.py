"""Requests per second and p50/p95/p99 under concurrent load, for a mix of pages next to /-/health.

    .venv/bin/python -m bench.bench_load [--db PATH] [--articles 3000] [--workers 1,N] [--concurrency 16]
                                         [--seconds 15] [--max-requests 1000000] [--ingest 100]
                                         [--client raw|httpx|locust] [--locust-processes N] [--revalidate]

A real server (``dateline serve --workers W``, uvicorn processes) is started on 127.0.0.1 on a free port for
each worker count, and ``--concurrency`` visitors (``bench.loadclient``: one keep-alive connection each, loopback
only) send the page mix for at most ``--seconds`` or ``--max-requests``, whichever comes first. The default
client is Locust (PyPI ``locust``, ``FastHttpUser``, about 0.27 ms of CPU a request); ``raw`` (hand-written
keep-alive requests, about 0.06 ms) leaves the server more of a 2-core machine, httpx (about 3.6 ms) as much
as the server's own. ``--revalidate`` then sends the same mix again with ``If-None-Match`` (the tag
each visitor last got for the page, as browsers revalidate) and reports it apart. /-/health is part of the same mix, so its latency is the baseline
measured under the same load; the database is the cloned-samples corpus of ``bench.seed_clone``.
``--ingest N`` posts an N-article web job (paragraphs of the bundled Wikinews samples recombined, so each is
new to the database and really extracted) as the load starts, and says how far it got while the load ran.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from bench.loadclient import CLIENT_ERRORS, Visitor, Walk, run_visitors
from bench.locustrun import Row, children_cpu_seconds, run_locust
from bench.seed_clone import ROOT, bring_to_head, build_seed, clone, percentile
from bench.serving import Process, Server

INGEST_TOKEN = "bench-load-token"


def ensure_database(db: Path, articles: int, seed_db: Path | None) -> None:
    """The bench_pages corpus at ``db`` with at least ``articles`` articles (built when missing)."""
    have = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if have >= articles:
        bring_to_head(db)
        return
    started = time.perf_counter()
    if db.exists():
        db.unlink()
    if seed_db:
        shutil.copy(seed_db, db)
    else:
        build_seed(db)
    total = clone(db, articles)
    print(f"built {db}: {total:,} articles in {time.perf_counter() - started:.0f} s", flush=True)


def page_mix(base: str) -> list[str]:
    """The pages a visitor's session touches, /-/health among them as the baseline."""
    home = httpx.get(base + "/index.json", timeout=30).json()
    event = home["recent_events"][0]
    article = home["articles"][0]["id"]
    return ["/-/health", "/", "/timeline", "/timeline?actor=russia", "/actors", "/actors/russia", "/quotes",
            f"/events/{event['id']}-{event['slug']}", f"/articles/{article}", "/search?q=troops", "/index.json"]


def recombined_texts(count: int) -> list[str]:
    """``count`` new articles, each three paragraphs of different bundled Wikinews samples (CC BY), shuffled."""
    with (ROOT / "samples" / "wikinews-airlines.jsonl").open(encoding="utf-8") as lines:
        paragraphs = [[p for p in json.loads(line)["text"].split("\n") if len(p) > 80] for line in lines if line.strip()]
    pick = random.Random(12)
    texts = []
    for _ in range(count):
        chosen = [pick.choice(paragraphs[i]) for i in pick.sample(range(len(paragraphs)), 3) if paragraphs[i]]
        texts.append("\n".join(chosen))
    return texts


def start_job(base: str, count: int) -> str:
    """Post the ``count``-article job; its progress URL."""
    response = httpx.post(base + "/-/ingest.json", json={"texts": recombined_texts(count)},
                          headers={"Authorization": f"Bearer {INGEST_TOKEN}"}, timeout=60)
    response.raise_for_status()
    return str(response.json()["progress"])


def job_progress(base: str, progress: str) -> str:
    job = httpx.get(base + progress, timeout=60).json()
    return f"job {job['id']}: {job['finished']}/{job['total']} finished, {job['status']}"


def run_load(base: str, paths: list[str], concurrency: int, seconds: float, max_requests: int, *,
             client: str = "raw", revalidate: bool = False) -> tuple[dict[str, list[float]], dict[str, int], float]:
    """(latencies in ms per path, failures per path, wall seconds); each visitor walks the mix in turn.

    ``revalidate``: a visitor sends ``If-None-Match`` with the tag it last got for the path, as a browser does
    when it revalidates a page it has (a 304 is then a success too).
    """
    latencies: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    budget = itertools.count()
    deadline = time.perf_counter() + seconds

    async def visit(offset: int, visitor: Visitor) -> None:
        walk = Walk(paths, offset, revalidate)
        while next(budget) < max_requests and time.perf_counter() <= deadline:
            path, headers = walk.next_request()
            started = time.perf_counter()
            try:
                answer = await visitor.get(path, headers)
                reason = walk.verdict(path, headers is not None, answer.status, answer.etag, answer.body)
            except CLIENT_ERRORS as exc:
                reason = f"{type(exc).__name__}: {exc}"
            latencies[path].append((time.perf_counter() - started) * 1000)
            if reason:
                failures[path] += 1
                if len(REASONS) < 5:
                    REASONS.append(f"{path}: {reason}")

    started = time.perf_counter()
    run_visitors(client, base, concurrency, visit)
    return latencies, failures, time.perf_counter() - started


REASONS: list[str] = []  # the first few failures, said in full after the table


def rows_of(latencies: dict[str, list[float]], failures: dict[str, int]) -> tuple[dict[str, Row], Row]:
    """The report's rows (per page, then all requests) from the latencies the raw and httpx clients took."""
    def row(times: list[float], failed: int) -> Row:
        return Row(len(times), statistics.median(times), percentile(times, 95), percentile(times, 99), failed)

    every = [t for times in latencies.values() for t in times]
    total = row(every, sum(failures.values())) if every else Row(0, math.nan, math.nan, math.nan)
    return {path: row(times, failures[path]) for path, times in latencies.items() if times}, total


def report(title: str, rows: dict[str, Row], total: Row, rate: float, reasons: list[str]) -> None:
    health = rows["/-/health"].p50 if "/-/health" in rows else math.nan
    print(f"\n{title}: {total.n:,} requests = {rate:,.0f} requests/s, {total.failures} failed")
    print(f"{'page':44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50/health':>10}")
    for name, row in [("all requests", total), *rows.items()]:
        failed = f"  failures: {row.failures}" if row.failures and name != "all requests" else ""
        print(f"{name[:44]:44} {row.n:6} {row.p50:8.1f} {row.p95:8.1f} {row.p99:8.1f} {row.p50 / health:10.1f}{failed}")
    for reason in reasons:
        print(f"failed: {reason}")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its descendants, the ones they have reaped included."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        times[child] = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    tree, grew = {pid}, True
    while grew:
        more = {c for c, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in tree)


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(args: argparse.Namespace, server: Process, workers: int, paths: list[str], revalidate: bool) -> float:
    """One load run of ``args.client`` reported; says the CPU the client and the server processes used."""
    client_before, server_before = own_cpu_seconds() + children_cpu_seconds(), process_tree_cpu(server.proc.pid)
    title = f"{workers} web process{'es' if workers > 1 else ''} ({args.client} client)"
    title += ", revalidating with If-None-Match" if revalidate else ""
    if args.client == "locust":
        run = run_locust(server.base, paths, args.concurrency, args.seconds, args.max_requests,
                         revalidate=revalidate, processes=args.locust_processes)
        report(title, run.rows, run.total, run.rate, run.reasons + run.warnings)
        rate, wall = run.rate, run.total.n / run.rate if run.rate else args.seconds
    else:
        latencies, failures, wall = run_load(server.base, paths, args.concurrency, args.seconds,
                                             args.max_requests, client=args.client, revalidate=revalidate)
        rows, total = rows_of(latencies, failures)
        rate = total.n / wall if wall > 0 else 0.0
        report(title, rows, total, rate, REASONS[:])
        REASONS.clear()
    client = own_cpu_seconds() + children_cpu_seconds() - client_before
    used = process_tree_cpu(server.proc.pid) - server_before
    print(f"CPU in {wall:.0f} s: the client {client:.0f} s, the server's processes (web and job) {used:.0f} s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, help="reuse (or create at) this SQLite file")
    parser.add_argument("--seed-db", type=Path, help="a database holding the stored samples (skips extraction)")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--workers", default=f"1,{max(1, len(os.sched_getaffinity(0)))}",
                        help="comma-separated web process counts to compare (default: 1 and one per core)")
    parser.add_argument("--concurrency", type=int, default=16, help="clients sending at the same time")
    parser.add_argument("--seconds", type=float, default=15.0, help="longest time per worker count")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="most requests per worker count")
    parser.add_argument("--ingest", type=int, default=0, help="an N-article web job running during the load")
    parser.add_argument("--client", choices=("raw", "httpx", "locust"), default="locust",
                        help="the visitors' HTTP client: locust (Locust's FastHttpUser in a process of its own, "
                             "bench.locustrun; the bench extra), raw (bench.loadclient, ~0.06 ms CPU a request) or "
                             "httpx (~3.6 ms a request: on 2 cores it measures itself)")
    parser.add_argument("--locust-processes", type=int, default=1, help="Locust processes (--client locust)")
    parser.add_argument("--revalidate", action="store_true",
                        help="then the same mix again with If-None-Match (browsers revalidating), said apart")
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.max_requests <= 1_000_000 or not 0 < args.concurrency <= 256:
        parser.error("bounded runs only: --seconds up to 300, --max-requests up to 1,000,000, --concurrency up to 256")
    if not 1 <= args.locust_processes <= 4:
        parser.error("--locust-processes takes 1 to 4")
    if not 0 <= args.ingest <= 1000:
        parser.error("--ingest takes 0 to 1,000 articles")
    counts = sorted({max(1, int(w)) for w in args.workers.split(",") if w.strip()})
    db = args.db or Path(tempfile.mkdtemp(prefix="dateline-bench-db-")) / "bench.db"
    ensure_database(db, args.articles, args.seed_db)
    rates: dict[int, float] = {}
    for workers in counts:
        with Server(f"sqlite:///{db}", workers, {"DATELINE_INGEST_TOKEN": INGEST_TOKEN}) as server:
            paths = page_mix(server.base)
            for path in paths:  # warm each process's caches a little before measuring
                httpx.get(server.base + path, timeout=30)
            progress = start_job(server.base, args.ingest) if args.ingest else None
            for revalidate in (False, True)[: 1 + args.revalidate]:
                rate = measure(args, server, workers, paths, revalidate)
                rates.setdefault(workers, rate)
                if progress:
                    print(f"while the load ran: {job_progress(server.base, progress)}")
    if len(rates) > 1:
        low = min(rates)
        print("\nthroughput against one process: " +
              ", ".join(f"{w}: {r / rates[low]:.2f}x" for w, r in rates.items()))


if __name__ == "__main__":
    main()
