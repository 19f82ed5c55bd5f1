"""Requests per second and p50/p95/p99 under concurrent load, for a mix of pages next to /-/health.

    .venv/bin/python -m bench.bench_load [--db PATH] [--articles 3000] [--workers 1,N] [--concurrency 16]
                                         [--seconds 15] [--max-requests 1000000] [--ingest 100]
                                         [--client raw|httpx] [--revalidate]

A real server (``dateline serve --workers W``, uvicorn processes) is started on 127.0.0.1 on a free port for
each worker count, and ``--concurrency`` visitors (``bench.loadclient``: one keep-alive connection each, loopback
only) send the page mix for at most ``--seconds`` or ``--max-requests``, whichever comes first. The default
``raw`` client costs the machine about 0.3 ms of CPU a request, httpx's about 3 ms, which on a 2-core machine
is as much as the server's own. ``--revalidate`` then sends the same mix again with ``If-None-Match`` (the tag
each visitor last got for the page, as browsers revalidate) and reports it apart. /-/health is part of the same mix, so its latency is the baseline
measured under the same load; the database is the cloned-samples corpus of ``bench.seed_clone``.
``--ingest N`` posts an N-article web job (paragraphs of the bundled Wikinews samples recombined, so each is
new to the database and really extracted) as the load starts, and says how far it got while the load ran.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from bench.loadclient import CLIENT_ERRORS, Visitor, run_visitors
from bench.seed_clone import ROOT, bring_to_head, build_seed, clone, percentile
from bench.serving import Server

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
        tags: dict[str, str] = {}
        for path in itertools.islice(itertools.cycle(paths), offset, None):
            if next(budget) >= max_requests or time.perf_counter() > deadline:
                return
            headers = {"if-none-match": tags[path]} if revalidate and path in tags else None
            started = time.perf_counter()
            reason = ""
            try:
                answer = await visitor.get(path, headers)
                if answer.status == 200 and answer.etag:
                    tags[path] = answer.etag
                elif not (answer.status == 200 or (answer.status == 304 and headers)):
                    reason = f"HTTP {answer.status}: {answer.body[:200]!r}"
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


def report(workers: int, latencies: dict[str, list[float]], failures: dict[str, int], wall: float,
           what: str = "") -> float:
    total = sum(len(v) for v in latencies.values())
    rate = total / wall if wall > 0 else 0.0
    health = statistics.median(latencies["/-/health"]) if latencies["/-/health"] else float("nan")
    print(f"\n{workers} web process{'es' if workers > 1 else ''}{what}: {total:,} requests in {wall:.1f} s = "
          f"{rate:,.0f} requests/s, {sum(failures.values())} failed")
    print(f"{'page':44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50/health':>10}")
    every = [t for times in latencies.values() for t in times]
    if every:
        print(f"{'all requests':44} {len(every):6} {statistics.median(every):8.1f} {percentile(every, 95):8.1f} "
              f"{percentile(every, 99):8.1f} {statistics.median(every) / health:10.1f}")
    for path, times in latencies.items():
        p50 = statistics.median(times)
        print(f"{path[:44]:44} {len(times):6} {p50:8.1f} {percentile(times, 95):8.1f} {percentile(times, 99):8.1f} "
              f"{p50 / health:10.1f}{'  failures: ' + str(failures[path]) if failures[path] else ''}")
    for reason in REASONS:
        print(f"failed: {reason}")
    REASONS.clear()
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
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="the visitors' HTTP client (bench.loadclient; httpx costs the machine ~3 ms CPU a request)")
    parser.add_argument("--revalidate", action="store_true",
                        help="then the same mix again with If-None-Match (browsers revalidating), said apart")
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.max_requests <= 1_000_000 or not 0 < args.concurrency <= 256:
        parser.error("bounded runs only: --seconds up to 300, --max-requests up to 1,000,000, --concurrency up to 256")
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
            latencies, failures, wall = run_load(server.base, paths, args.concurrency, args.seconds,
                                                 args.max_requests, client=args.client)
            during = job_progress(server.base, progress) if progress else None
            rates[workers] = report(workers, latencies, failures, wall, f" ({args.client} client)")
            if during:
                print(f"while the load ran: {during}")
            if args.revalidate:
                again = run_load(server.base, paths, args.concurrency, args.seconds, args.max_requests,
                                 client=args.client, revalidate=True)
                report(workers, *again, f" ({args.client} client), revalidating with If-None-Match")
                if progress:
                    print(f"while the load ran: {job_progress(server.base, progress)}")
    if len(rates) > 1:
        low = min(rates)
        print("\nthroughput against one process: " +
              ", ".join(f"{w}: {r / rates[low]:.2f}x" for w, r in rates.items()))


if __name__ == "__main__":
    main()
