"""Consolidation cost of real articles on top of 10k to 1M stored events: flat means indexed look-ups.

usage: python -m bench.bench_consolidate_events [FOLDER] [--events 10000,1000000] [--limit N] [--rounds R]
                                              [--database-url URL]

FOLDER (default: the bundled samples, CC BY Wikinews and the seed article) gives the fixed set of real
articles, extracted once. The database is pre-filled in bulk (explicit ids; Core executemany on SQLite, COPY
on PostgreSQL) with synthetic events shaped to meet them where it costs: dated over the real articles' years
with half of them within two months of a real article's date, their actions drawn from the real articles'
senses, their source and target actors from a Zipf pool whose busiest members are the real articles' own
actors (so Boeing or Airbus carry a large share of the million), plus a long tail of rare actors. Each real
article is then stored and consolidated and rolled back, at each size, so every size does the same work; a
size's figure is the median of R rounds' medians. Every smaller size is kept as a copy (SQLite's backup API;
on PostgreSQL a database made from it as a template, after the VACUUM (ANALYZE) autovacuum would have run on
the inserted rows, and dropped at the end) and the sizes are measured in turn, round by round. The last
size's candidate look-ups are shown with their query plans. Last line: one JSON object with the ratio.
Target: per-article consolidation at the largest size <= 1.3x the smallest. ``--database-url`` is wiped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event, func, insert, make_url, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app import models as m
from app.consolidate.senses import sense_of
from app.db import make_engine, make_sessionmaker
from app.extract.pipeline import ArticleInput, Extraction, Extractor
from app.ingest.sources import file_candidates, list_files
from app.keys import content_hash
from app.store import ArticleMeta, upsert_actors
from bench.bench_consolidate import measure

ROOT = Path(__file__).resolve().parents[1]
EVENTS_PER_ARTICLE = 8
TAIL_ACTORS = 20_000
CHUNK = 4000  # background articles per INSERT round


def real_articles(folder: Path, limit: int) -> list[tuple[ArticleMeta, Extraction]]:
    candidates = [c for c in file_candidates(list(list_files([folder]))) if c.meta is not None][:limit]
    extractor = Extractor()
    records = extractor.extract_many(ArticleInput(id=c.label, text=c.meta.text, title=c.meta.title,
                                                  published=c.meta.published) for c in candidates if c.meta)
    return [(c.meta, r) for c, r in zip(candidates, records, strict=True)
            if c.meta is not None and isinstance(r, Extraction)]


class Background:
    """The synthetic corpus: what it draws from, and how far it has been built."""

    def __init__(self, samples: list[tuple[ArticleMeta, Extraction]], actor_ids: list[int], seed: int = 7) -> None:
        self.rng = random.Random(seed)
        days = [meta.published or dt.date.fromisoformat(ext.published[:10]) if (meta.published or ext.published)
                else dt.date(2008, 1, 1) for meta, ext in samples]
        self.days = [d for d in days if d is not None]
        self.lo, self.hi = min(self.days) - dt.timedelta(days=730), max(self.days) + dt.timedelta(days=365)
        self.senses = [s for _, ext in samples for e in ext.events
                       if (s := sense_of(getattr(e, "lemma", None), e.trigger))] or ["meet"]
        self.types = [e.type for _, ext in samples for e in ext.events if e.type] or ["CONSULT"]
        self.actors = actor_ids  # real actors first: the busiest of the Zipf pool
        weights, total = [], 0.0
        for k in range(1, len(actor_ids) + TAIL_ACTORS + 1):
            total += 1 / k
            weights.append(total)
        self.weights = weights
        self.articles = 0

    def actor(self) -> int:
        k = self.rng.choices(range(len(self.weights)), cum_weights=self.weights)[0]
        return self.actors[k] if k < len(self.actors) else self.tail_base + k - len(self.actors)

    def day(self) -> dt.date:
        if self.rng.random() < 0.5:
            return self.rng.choice(self.days) + dt.timedelta(days=self.rng.randint(-60, 60))
        return self.lo + dt.timedelta(days=self.rng.randrange((self.hi - self.lo).days))

    tail_base = 0


def add_tail_actors(engine: Engine) -> int:
    """The long tail of rare actors, after the real ones; returns the first tail id."""
    with engine.begin() as conn:
        base = (conn.scalar(select(func.max(m.Actor.id))) or 0) + 1
        conn.execute(insert(m.Actor), [{"id": base + i, "slug": f"tail-{i}", "name": f"Tail Company {i}",
                                        "kind": "organization", "titles": []} for i in range(TAIL_ACTORS)])
    return base


def grow(engine: Engine, bg: Background, events: int) -> None:
    """Bulk-insert background articles until the corpus holds ``events`` synthetic events."""
    want = events // EVENTS_PER_ARTICLE
    with engine.connect() as conn:
        first_article = (conn.scalar(select(func.max(m.Article.id))) or 0) + 1
        first_event = (conn.scalar(select(func.max(m.Event.id))) or 0) + 1
    stamp = dt.datetime(2026, 1, 1)  # the columns with Python-side defaults are given (COPY applies none)
    while bg.articles < want:
        n = min(CHUNK, want - bg.articles)
        rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (m.Article, m.Mention, m.Event, m.EventSource,
                                                                  m.EventTarget)}
        for i in range(n):
            aid, number = first_article + i, bg.articles + i
            day = bg.day()
            actors = list(dict.fromkeys(bg.actor() for _ in range(3)))
            body = f"Background report {number} of {day.isoformat()}."
            rows[m.Article].append({"id": aid, "external_id": f"bg{number}", "text": body, "published": day,
                                    "content_hash": content_hash(body), "pipeline_version": "bench",
                                    "published_inferred": False, "ingested_at": stamp,
                                    "topic": ""})  # as consolidation would keep it: no product named
            rows[m.Mention] += [{"article_id": aid, "actor_id": a, "start": 0, "end": 6, "text": "Report"}
                                for a in actors]
            for k in range(EVENTS_PER_ARTICLE):
                eid = first_event + i * EVENTS_PER_ARTICLE + k
                sense, src, tgt = bg.rng.choice(bg.senses), actors[k % len(actors)], actors[(k + 1) % len(actors)]
                sentence = f"Report {number} clause {k}: {sense} happened."
                rows[m.Event].append({
                    "id": eid, "slug": f"bg{eid}", "article_id": aid, "date_value": day.isoformat(),
                    "date_text": None, "first_day": day, "last_day": day, "precision": "day",
                    "type": bg.rng.choice(bg.types) if k < 3 else None, "modality": "asserted",
                    "source_actor_id": src, "summary": sentence, "trigger": sense, "lemma": sense, "sense": sense,
                    "sentence": sentence, "start": 0, "end": len(sentence), "source_count": 1})
                rows[m.EventSource].append({"event_id": eid, "article_id": aid, "key": f"e{k}",
                                            "sentence": sentence, "start": 0, "end": len(sentence)})
                if tgt != src:
                    rows[m.EventTarget].append({"event_id": eid, "actor_id": tgt})
        with engine.begin() as conn:
            for table, batch in rows.items():
                if batch and engine.dialect.name == "postgresql":
                    _copy(conn, table.__table__.name, batch)  # COPY: 1M events in minutes, not half an hour
                elif batch:
                    conn.execute(insert(table), batch)
        bg.articles += n
        first_article += n
        first_event += n * EVENTS_PER_ARTICLE


def _copy(conn: Any, table: str, batch: list[dict[str, Any]]) -> None:
    """PostgreSQL: ``batch`` (dicts with the same keys) into ``table`` by COPY, in the connection's transaction
    (the row triggers that keep the counter tables fire as for an INSERT)."""
    columns = list(batch[0])
    names = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row([row[c] for c in columns])


def sync_sequences(engine: Engine) -> None:
    """PostgreSQL: the rows given explicit ids did not advance their sequences; move them past the max."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in ("actors", "articles", "events"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def candidate_plans(engine: Engine, factory: sessionmaker[Session], sample: tuple[ArticleMeta, Extraction]) -> list[str]:
    """The query plan of each event look-up one article's consolidation runs (one line per table access)."""
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.lstrip().startswith("SELECT") and "FROM events" in statement and not many:
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        measure(factory, [sample])
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    lines: list[str] = []
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        for statement, params in dict.fromkeys((s, repr(p)) for s, p in seen):
            original = next(p for s, p in seen if s == statement and repr(p) == params)
            plan = conn.exec_driver_sql(prefix + statement, original).all()
            head = " ".join(statement.split())[:90]
            lines.append(f"{head} ...")
            lines += ["    " + " ".join(str(c) for c in row if isinstance(c, str)) for row in plan]
    return lines


def snapshot(engine: Engine, path: Path) -> str:
    """A copy of the SQLite database as it stands (the backup API: consistent, and quick for a small size)."""
    import sqlite3

    target = sqlite3.connect(path)
    with engine.connect() as conn:
        source = conn.connection.dbapi_connection
        assert isinstance(source, sqlite3.Connection)
        source.backup(target)
    target.close()
    return str(path)


def pg_snapshot(engine: Engine, size: int) -> str:
    """PostgreSQL: a copy of the database as it stands (CREATE DATABASE ... TEMPLATE, a file copy), its URL.
    The template may have no other session: the engine's pool is emptied first, and an autovacuum worker
    that happens to be in it is waited out."""
    url = engine.url
    copy_name = f"{url.database}_at_{size}"
    engine.dispose()
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}"'))
            for attempt in range(30):
                try:
                    conn.execute(text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{url.database}"'))
                    break
                except OperationalError:
                    if attempt == 29:
                        raise
                    time.sleep(1)
    finally:
        admin.dispose()
    return url.set(database=copy_name).render_as_string(hide_password=False)


def drop_pg_snapshots(engine: Engine, urls: list[str]) -> None:
    admin = make_engine(engine.url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for url in urls:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def interleaved(factories: dict[int, sessionmaker[Session]], samples: list[tuple[ArticleMeta, Extraction]],
                n: int) -> dict[int, list[float]]:
    """Per size, the medians of consolidate_article over the samples in each of ``n`` rounds, every round
    visiting every size in turn (after a warm-up of three samples each)."""
    for factory in factories.values():
        measure(factory, samples[:3])
    out: dict[int, list[float]] = {size: [] for size in factories}
    for _ in range(n):
        for size, factory in factories.items():
            out[size].append(statistics.median(measure(factory, samples)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples")
    ap.add_argument("--events", default="10000,1000000", help="background sizes, in events (comma-separated)")
    ap.add_argument("--limit", type=int, default=20, help="real articles consolidated at each size")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of the real articles at each size (median counts)")
    ap.add_argument("--database-url", default=None, help="a scratch database, wiped (default: a temporary SQLite file)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.events.split(","))
    samples = real_articles(args.folder, args.limit)
    print(f"{len(samples)} real articles from {args.folder}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.downgrade(url, "base")
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        with factory() as session:
            found = upsert_actors(session, [a for _, ext in samples for a in ext.actors])
            session.commit()
            actor_ids = sorted({a.id for a in found.values()})
        bg = Background(samples, actor_ids)
        bg.tail_base = add_tail_actors(engine)
        built: dict[int, float] = {}
        snapshots: dict[int, str] = {}  # URL of each smaller size's copy
        for size in sizes:
            t0 = time.perf_counter()
            grow(engine, bg, size)
            built[size] = time.perf_counter() - t0
            sync_sequences(engine)
            if engine.dialect.name == "postgresql":
                # what autovacuum does to an insert-only table by then (PostgreSQL 13+): statistics, and the
                # visibility map that lets the covering indexes answer without reading the table
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM (ANALYZE)"))
                if size != sizes[-1]:
                    snapshots[size] = pg_snapshot(engine, size)
            elif size != sizes[-1]:
                snapshots[size] = "sqlite:///" + snapshot(engine, Path(tmp) / f"at-{size}.db")
            print(f"{size:>9} background events (+{built[size]:6.1f} s to build)", file=sys.stderr, flush=True)
        # each smaller size kept as a copy, and all sizes measured in turn, round by round, so a shared
        # machine's slow minute falls on every size alike (a ratio of two runs minutes apart swung from 1.38 to
        # 1.84 on one machine)
        engines = {size: make_engine(u) for size, u in snapshots.items()}
        factories = {size: make_sessionmaker(e) for size, e in engines.items()}
        factories[sizes[-1]] = factory
        try:
            timed = interleaved(factories, samples, args.rounds)
        finally:
            for e in engines.values():
                e.dispose()
            if engine.dialect.name == "postgresql":
                drop_pg_snapshots(engine, list(snapshots.values()))
        results = []
        for size in sizes:
            results.append({"events": size, "median_ms": round(statistics.median(timed[size]) * 1e3, 2),
                            "build_s": round(built[size], 1)})
            print(f"{size:>9} background events: consolidate_article median of {args.rounds} rounds' medians "
                  f"{results[-1]['median_ms']:7.2f} ms ({len(samples)} real articles a round)", file=sys.stderr)
        print("\n".join(candidate_plans(engine, factory, samples[0])), file=sys.stderr)
        with engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(m.Event))
        engine.dispose()
    ratio = results[-1]["median_ms"] / results[0]["median_ms"]
    print(json.dumps({"engine": engine.dialect.name, "events_in_corpus": total, "sizes": results,
                      "ratio_largest_to_smallest": round(ratio, 3)}))


if __name__ == "__main__":
    main()
