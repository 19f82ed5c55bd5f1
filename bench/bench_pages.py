"""Server time per dashboard page (p50/p95) and first-load bytes, on a database of 10,000+ articles.

    .venv/bin/python -m bench.bench_pages [--db PATH] [--articles 10000] [--runs 30]

The database is synthesised quickly: the sample articles are extracted once (or taken from --seed-db),
then their rows are cloned by SQL with shifted ids and dates — no NLP per clone. --db reuses a database
built earlier. Times are measured in-process through the ASGI app; the baseline is /-/health in the
same run, so the ratios travel between machines.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE_COLUMNS = {
    "articles": "id, external_id, title, text, source_id, url, author, published, published_inferred, content_hash, "
                "ingested_at, pipeline_version",
}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def bring_to_head(path: Path) -> None:
    """A reused corpus gets the newest migrations (page indexes) and fresh planner statistics for them."""
    from app import migrate

    migrate.upgrade(f"sqlite:///{path}", "head")
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")


def build_seed(path: Path) -> None:
    """The sample corpus stored by the real extractor (the only NLP this benchmark runs)."""
    from app import migrate
    from app.db import make_engine, make_sessionmaker
    from app.samples import load_samples

    url = f"sqlite:///{path}"
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    load_samples(make_sessionmaker(engine))
    engine.dispose()


def clone(path: Path, target_articles: int) -> int:
    """Copy the seed's articles and everything hanging off them until there are ``target_articles``."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    base = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if base == 0:
        raise SystemExit("the seed database has no articles")
    offsets = {t: conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {t}").fetchone()[0]
               for t in ("articles", "events", "quotes", "mentions", "timexes", "event_sources", "quote_sources")}
    rounds = -(-target_articles // base) - 1
    cols = {t: _columns(conn, t) for t in ("articles", "mentions", "timexes", "events", "event_targets",
                                           "event_sources", "quotes", "quote_sources")}

    def select_list(table: str, k: int, overrides: dict[str, str]) -> tuple[str, str]:
        names = cols[table]
        return ", ".join(names), ", ".join(overrides.get(c, c) for c in names)

    conn.execute("BEGIN")
    for k in range(1, rounds + 1):
        a, e, q = offsets["articles"] * k, offsets["events"] * k, offsets["quotes"] * k
        shift = f"'-{k} days'"
        specs = {
            "articles": {"id": f"id + {a}", "external_id": f"external_id || '-c{k}'", "url": "NULL",
                         "published": f"date(published, {shift})",
                         "content_hash": f"substr(content_hash, 1, 54) || printf('%010d', {k})"},
            "mentions": {"id": f"id + {offsets['mentions'] * k}", "article_id": f"article_id + {a}"},
            "timexes": {"id": f"id + {offsets['timexes'] * k}", "article_id": f"article_id + {a}"},
            "events": {"id": f"id + {e}", "article_id": f"article_id + {a}", "first_day": f"date(first_day, {shift})",
                       "last_day": f"date(last_day, {shift})",
                       "merged_into_id": f"CASE WHEN merged_into_id IS NULL THEN NULL ELSE merged_into_id + {e} END"},
            "event_targets": {"event_id": f"event_id + {e}"},
            "event_sources": {"id": f"id + {offsets['event_sources'] * k}", "event_id": f"event_id + {e}",
                              "article_id": f"article_id + {a}"},
            "quotes": {"id": f"id + {q}", "article_id": f"article_id + {a}", "date": f"date(date, {shift})",
                       "event_id": f"CASE WHEN event_id IS NULL THEN NULL ELSE event_id + {e} END",
                       "merged_into_id": f"CASE WHEN merged_into_id IS NULL THEN NULL ELSE merged_into_id + {q} END"},
            "quote_sources": {"id": f"id + {offsets['quote_sources'] * k}", "quote_id": f"quote_id + {q}",
                              "article_id": f"article_id + {a}"},
        }
        for table, overrides in specs.items():
            names, values = select_list(table, k, overrides)
            where = {"articles": f"id < {offsets['articles']}", "events": f"id < {offsets['events']}",
                     "quotes": f"id < {offsets['quotes']}",
                     "event_targets": f"event_id < {offsets['events']}"}.get(table)
            if where is None:
                key = "article_id" if "article_id" in cols[table] else "id"
                where = f"{key} < {offsets['articles']}"
            conn.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} WHERE {where}")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(db: Path, runs: int) -> None:
    from fastapi.testclient import TestClient

    from app.settings import Settings
    from app.web.app import create_app

    data_dir = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    app = create_app(Settings(database_url=f"sqlite:///{db}", data_dir=data_dir))
    with TestClient(app) as c:
        home = c.get("/index.json").json()
        event = home["recent_events"][0]
        old = c.get("/timeline.json?limit=500").json()
        for _ in range(4):  # walk a few pages deep for a realistic cursor
            old = c.get(f"/timeline.json?limit=500&cursor={old['next_cursor']}").json()
        quote = c.get("/quotes.json").json()["quotes"][0]
        rare = c.get("/actors.json").json()["actors"][-1]["slug"]  # a seldom-seen actor: the other plan
        counts = home["counts"]
        print(f"database: {counts['articles']:,} articles, {counts['events']:,} events, {counts['actors']:,} actors, "
              f"{counts['quotes']:,} quotes")
        pages = [
            "/-/health", "/", "/index.json", "/timeline", "/timeline.json", "/timeline?type=ASSAULT",
            "/timeline?actor=russia", f"/timeline?actor={rare}", "/timeline?q=troops", "/timeline?since=2021-06-01&until=2021-06-30",
            f"/timeline?cursor={old['next_cursor']}", "/timeline.csv", "/timeline.atom", "/timeline/timelinejs.json",
            f"/events/{event['id']}-{event['slug']}", f"/events/{event['id']}-{event['slug']}.json",
            f"/events/{event['id']}/card.png", "/actors", "/actors.json", "/actors/russia", "/actors/united-states",
            "/quotes", "/quotes?q=invade", "/quotes.json?q=nato", f"/quotes/{quote['id']}",
            f"/articles/{home['articles'][0]['id']}", "/search?q=russia", "/search?q=troops",
        ]
        results = []
        for path in pages:
            for _ in range(3):
                r = c.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            results.append((path, statistics.median(times), percentile(times, 95)))
        base = results[0][1]
        print(f"\n{'page':58} {'p50 ms':>8} {'p95 ms':>8} {'p50/health':>10}")
        for path, p50, p95 in results:
            flag = "" if p95 < 50 else "  <-- over 50 ms"
            print(f"{path[:58]:58} {p50:8.1f} {p95:8.1f} {p50 / base:10.1f}{flag}")
        from app.queries import cache
        cold_pages = ["/timeline", "/timeline?actor=russia", "/timeline?q=troops", "/actors/russia", "/actors",
                      "/search?q=russia"]
        print("\ncold aggregates (density strip, actor counts, activity, partners recomputed on every request)")
        print(f"{'page':58} {'p50 ms':>8} {'p95 ms':>8}")
        for path in cold_pages:
            times = []
            for _ in range(max(5, runs // 3)):
                cache.clear()
                t0 = time.perf_counter()
                c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            flag = "" if percentile(times, 95) < 50 else "  <-- over 50 ms"
            print(f"{path[:58]:58} {statistics.median(times):8.1f} {percentile(times, 95):8.1f}{flag}")
        assets = ["/static/dateline.css", "/static/dateline.js", "/static/vendor/htmx/htmx.min.js",
                  "/static/favicon.svg"]
        asset_raw = sum(len(c.get(a).content) for a in assets)
        asset_gz = sum(len(gzip.compress(c.get(a).content)) for a in assets)
        print(f"\nfirst load (HTML + CSS + JS + htmx + icon; the card image loads lazily after): assets "
              f"{asset_raw / 1024:.1f} KB raw, {asset_gz / 1024:.1f} KB gzipped")
        print(f"{'page':58} {'HTML KB':>8} {'total KB':>9} {'gzipped':>8}")
        for path in pages[1:]:
            r = c.get(path)
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            html = r.content
            print(f"{path[:58]:58} {len(html) / 1024:8.1f} {(len(html) + asset_raw) / 1024:9.1f} "
                  f"{(len(gzip.compress(html)) + asset_gz) / 1024:8.1f}")
    shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or create at) this SQLite file")
    parser.add_argument("--seed-db", type=Path, help="a database holding the stored samples (skips extraction)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="dateline-bench-db-")) / "bench.db"
    have = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if have < args.articles:
        t0 = time.perf_counter()
        if db.exists():
            db.unlink()
        if args.seed_db:
            shutil.copy(args.seed_db, db)
        else:
            build_seed(db)
        total = clone(db, args.articles)
        print(f"built {db}: {total:,} articles in {time.perf_counter() - t0:.0f} s")
    else:
        bring_to_head(db)
    measure(db, args.runs)


if __name__ == "__main__":
    main()
