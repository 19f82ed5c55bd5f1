"""Server time of every page and its JSON twin (p50/p95) on a synthetic corpus of N events, against Datasette.

    .venv/bin/python -m bench.bench_pages [--events 100000] [--postgres URL] [--datasette] [--runs 30]

The corpus (bench.corpus: Zipf-skewed actors with a long tail, ten events, three quotes per article) is
bulk-loaded once per (size, schema revision) and cached in --cache-dir (on PostgreSQL: the database at URL
is rebuilt when its size or revision differs). A real ``dateline serve`` (one process per core) is timed
over loopback: each page is warmed up, then requested ``--runs`` times in one loop with, for the pages that
have one, Datasette's nearest listing of the same SQLite file (--datasette) right after it. Then 8 clients
for 20 s on /timeline and the busiest actor's timeline, and the same on Datasette's two listings. The last
line is one JSON object: engine, events, worst p95 and page, the worst Dateline/Datasette p95 ratio, and
requests/s of both.

Dateline's requests say ``Cache-Control: no-cache``, so every one is rendered anew (its queries and template;
the aggregates cached per data version stay cached, and the ``cold`` column is their first computation):
without it a web process answers a repeated anonymous GET from memory in 1-3 ms whatever the page costs.
``--remembered`` times those remembered answers instead.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.corpus import build_postgres, build_sqlite, corpus_path, postgres_events
from bench.seed_clone import percentile
from bench.serving import Datasette, Process, Server, datasette_binary

ROOT = Path(__file__).resolve().parents[1]
DEEP_CURSOR_DAY = "2019-06-01"  # about half way back through the corpus (bench.corpus spans 2012-2026)


def pages(dl: httpx.Client, ds_db: str | None) -> list[tuple[str, str | None]]:
    """(Dateline path, Datasette's nearest listing or None) for every page type and JSON twin."""
    home = dl.get("/index.json").json()
    event = home["recent_events"][0]
    article = home["articles"][0]["id"]
    listing = dl.get("/actors.json").json()
    busiest = listing["actors"][0]
    last = dl.get(f"/actors.json?page={listing['pages']}").json()["actors"]
    rare = last[-1]["slug"]
    deep = f"{DEEP_CURSOR_DAY}.{2**31 - 1}"

    def ds(path: str) -> str | None:
        return f"/{ds_db}/{path}" if ds_db else None

    sorted_events = ds("events?_sort_desc=first_day")
    out: list[tuple[str, str | None]] = [
        ("/-/health", None), ("/", None), ("/index.json", None),
        ("/timeline", sorted_events), ("/timeline.json", ds("events.json?_sort_desc=first_day")),
        (f"/timeline?actor={busiest['slug']}", ds(f"events?source_actor_id={busiest['id']}&_sort_desc=first_day")),
        (f"/timeline.json?actor={busiest['slug']}", None), (f"/timeline?actor={rare}", None),
        ("/timeline?type=ASSAULT", ds("events?type=ASSAULT&_sort_desc=first_day")), ("/timeline?modality=any", None),
        ("/timeline?q=troops", ds("events?_search=troops")), ("/timeline.json?q=troops", None),
        ("/timeline?source=Wire+7", None), ("/timeline?since=2024-03-01&until=2024-03-31", None),
        (f"/timeline?cursor={deep}",
         ds(f"events?_sort_desc=first_day&_next={quote(DEEP_CURSOR_DAY + ',' + str(2**31 - 1))}")),
        (f"/timeline.json?cursor={deep}", None),
        (f"/timeline?actor={busiest['slug']}&cursor={deep}", None),
        (f"/events/{event['id']}-{event['slug']}", ds(f"events/{event['id']}")),
        (f"/events/{event['id']}-{event['slug']}.json", None),
        ("/actors", ds("actors")), ("/actors.json", None),
        (f"/actors/{busiest['slug']}", ds(f"events?source_actor_id={busiest['id']}")),
        (f"/actors/{busiest['slug']}.json", None), (f"/actors/{rare}", None),
        ("/quotes", ds("quotes")), ("/quotes?q=sanctions", ds("quotes?_search=sanctions")),
        ("/quotes.json?q=sanctions", None),
        ("/search?q=ceasefire", None), ("/search.json?q=ceasefire", None),
        (f"/articles/{article}", ds(f"articles/{article}")), (f"/articles/{article}.json", None),
        ("/map", None), ("/map.json", None),
        ("/timeline.csv", None), ("/timeline.atom", None), ("/timeline/timelinejs.json", None),
        ("/actors.csv", None), ("/quotes.csv", None),
    ]
    return out


FAILED: dict[str, str] = {}  # Datasette listings that did not answer 200 (timed all the same)


def timed(client: httpx.Client, path: str, rival: bool = False) -> float:
    """Milliseconds for one GET; Dateline must answer 200, a rival's failure is noted and reported."""
    started = time.perf_counter()
    r = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if r.status_code != 200:
        if not rival:
            raise SystemExit(f"{client.base_url}{path}: HTTP {r.status_code}: {r.text[:300]}")
        FAILED[path] = f"HTTP {r.status_code}"
    return elapsed


def sequential(dl: httpx.Client, ds: httpx.Client | None, plan: list[tuple[str, str | None]], runs: int,
               page_budget: float) -> list[dict[str, Any]]:
    """Cold first request, warm-up, then ``runs`` rounds of the plan with each pair timed back to back."""
    results = [{"page": p, "pair": q, "cold": timed(dl, p), "dl": [], "ds": []} for p, q in plan]
    for row in results:
        for _ in range(2):
            timed(dl, row["page"])
            if ds and row["pair"]:
                timed(ds, row["pair"], rival=True)
    spent = {row["page"]: 0.0 for row in results}
    for _ in range(runs):
        for row in results:
            if spent[row["page"]] > page_budget * 1000 and len(row["dl"]) >= 5:
                continue  # a page this slow is shown with the runs it had time for
            t = timed(dl, row["page"])
            spent[row["page"]] += t
            row["dl"].append(t)
            if ds and row["pair"]:
                row["ds"].append(timed(ds, row["pair"], rival=True))
    return results


async def _load(base: str, paths: list[str], clients: int, seconds: float,
                headers: dict[str, str] | None = None) -> tuple[float, list[float], int]:
    """(requests/s, latencies ms, failures) of ``clients`` clients cycling ``paths`` for ``seconds``."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def client(offset: int, http: httpx.AsyncClient) -> None:
        nonlocal failures
        for path in itertools.islice(itertools.cycle(paths), offset, None):
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            try:
                ok = (await http.get(path)).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            failures += not ok

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120, headers=headers) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    wall = time.perf_counter() - started
    return len(latencies) / wall, latencies, failures


def rss_mb(pid: int) -> tuple[float, float]:
    """(largest resident set, largest anonymous part of one) of ``pid`` and its children (the uvicorn workers), in
    MB. The rest of a resident set is file pages: SQLite's memory map of the database, shared by every process
    and the OS page cache, which a second process does not pay for again."""
    def children(p: int) -> list[int]:
        out = []
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            out += [int(c) for c in task.read_text().split()]
        return out

    best, anon = 0.0, 0.0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    best = max(best, int(line.split()[1]) / 1024)
                elif line.startswith("RssAnon:"):
                    anon = max(anon, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return best, anon


def report(results: list[dict[str, Any]]) -> tuple[float, str, float | None]:
    """Print the table; (worst p95, its page, worst Dateline/Datasette p95 ratio)."""
    print(f"\n{'page':58} {'cold':>7} {'p50':>7} {'p95':>7} {'n':>3} | {'Datasette p50':>13} {'p95':>7} {'ratio':>6}")
    worst, worst_page, ratio = 0.0, "", None
    for row in results:
        p50, p95 = statistics.median(row["dl"]), percentile(row["dl"], 95)
        if row["page"] != "/-/health" and p95 > worst:
            worst, worst_page = p95, row["page"]
        pair = ""
        if row["ds"]:
            d50, d95 = statistics.median(row["ds"]), percentile(row["ds"], 95)
            r = p95 / d95
            ratio = r if ratio is None else max(ratio, r)
            pair = f"{d50:13.1f} {d95:7.1f} {r:6.2f}"
        flag = "" if p95 < 50 else "  <-- over 50 ms"
        print(f"{row['page'][:58]:58} {row['cold']:7.0f} {p50:7.1f} {p95:7.1f} {len(row['dl']):3} | {pair:29}{flag}")
    for path, why in FAILED.items():
        print(f"Datasette failed {path}: {why}")
    return worst, worst_page, ratio


def corpus(args: argparse.Namespace) -> tuple[str, Path | None]:
    """(database URL, SQLite file or None) of a corpus of ``args.events`` events at the head revision."""
    from app.migrate import current_revision, head_revision

    versions = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    digest = hashlib.sha256(b"".join(v.read_bytes() for v in versions)).hexdigest()[:8]
    head = f"{head_revision() or 'none'}-{digest}"  # a migration edited under the same number rebuilds it too
    if args.postgres:
        if postgres_events(args.postgres) != args.events or current_revision(args.postgres) != head_revision():
            took = build_postgres(args.postgres, args.events)
            print(f"built {args.events:,} events on PostgreSQL in {took:.0f} s", flush=True)
        return args.postgres, None
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    path = corpus_path(args.events, head, args.cache_dir)
    if not path.exists():
        took = build_sqlite(path, args.events)
        print(f"built {path}: {args.events:,} events in {took:.0f} s", flush=True)
    return f"sqlite:///{path}", path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL at URL (its schema is rebuilt)")
    parser.add_argument("--datasette", action="store_true", help="time Datasette's listings of the same file")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--page-seconds", type=float, default=30.0, help="stop timing a page after this long")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each concurrent run")
    parser.add_argument("--workers", type=int, default=None, help="web processes (default: one per core)")
    parser.add_argument("--remembered", action="store_true",
                        help="time the answers a web process remembers (no Cache-Control: no-cache)")
    parser.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("DATELINE_BENCH_CACHE", "/tmp/dateline-bench")))
    args = parser.parse_args()
    if not 1_000 <= args.events <= 5_000_000 or not 0 < args.seconds <= 120 or not 1 <= args.clients <= 64:
        parser.error("--events 1,000..5,000,000, --seconds up to 120, --clients 1..64")
    url, path = corpus(args)
    binary = datasette_binary() if args.datasette else None
    if args.datasette and (binary is None or path is None):
        parser.error("--datasette needs a SQLite corpus and datasette installed (pip install -e '.[bench]')")
    workers = args.workers or max(1, len(os.sched_getaffinity(0)))
    with ExitStack() as stack:
        server = stack.enter_context(Server(url, workers))
        ds_server: Process | None = stack.enter_context(Datasette(path, binary)) if binary and path else None
        fresh = {} if args.remembered else {"Cache-Control": "no-cache"}  # rendered anew, not from memory
        dl = stack.enter_context(httpx.Client(base_url=server.base, timeout=300, headers=fresh))
        ds = stack.enter_context(httpx.Client(base_url=ds_server.base, timeout=300)) if ds_server else None
        plan = pages(dl, path.stem if ds_server and path else None)
        counts = dl.get("/index.json").json()["counts"]
        engine = "postgresql" if args.postgres else "sqlite"
        print(f"{engine}: {counts['events']:,} live events, {counts['actors']:,} actors, {counts['quotes']:,} "
              f"quotes, {counts['articles']:,} articles; {workers} web processes", flush=True)
        results = sequential(dl, ds, plan, args.runs, args.page_seconds)
        worst, worst_page, ratio = report(results)
        rss, anon = rss_mb(server.proc.pid)
        print(f"web process memory: {rss:.0f} MB (largest resident set), {anon:.0f} MB of it anonymous (the rest: "
              "shared file pages of the database's memory map)")
        busy = plan[5][0]
        rps, lat, failed = asyncio.run(_load(server.base, ["/timeline", busy], args.clients, args.seconds,
                                                  fresh))
        print(f"\n{args.clients} clients on /timeline and {busy}: {rps:.1f} req/s, p50 {statistics.median(lat):.0f} ms, "
              f"p95 {percentile(lat, 95):.0f} ms, {failed} failed")
        ds_rps = None
        if ds_server:
            listings = [p for p in (plan[3][1], plan[5][1]) if p]
            ds_rps, lat, failed = asyncio.run(_load(ds_server.base, listings, args.clients, args.seconds))
            print(f"Datasette, same clients on {', '.join(listings)}: {ds_rps:.1f} req/s, p50 "
                  f"{statistics.median(lat):.0f} ms, p95 {percentile(lat, 95):.0f} ms, {failed} failed")
    print(json.dumps({"engine": engine, "events": args.events, "rendered_anew": not args.remembered, "worst_p95_ms": round(worst, 1),
                      "worst_page": worst_page, "datasette_p95_ratio": round(ratio, 2) if ratio else None,
                      "timeline_rps": round(rps, 1), "datasette_rps": round(ds_rps, 1) if ds_rps else None}))


if __name__ == "__main__":
    main()
