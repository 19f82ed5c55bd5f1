"""A synthetic corpus of N events with the skew of real news, bulk-loaded (executemany on SQLite, COPY on PostgreSQL).

Actors are drawn by a Zipf-like law (a few very busy ones, a long tail seen once or twice), so the busiest
actor's pages and a rare one's take different plans, as they do on a real corpus. Per article: about ten
events (one or two targets each), three quotes and the mentions of the actors it names; 3% of events are
merged into an earlier one and 0.5% removed, as consolidation and corrections leave them. The text is made
of a fixed news vocabulary so full-text search finds common and rare words. Built once per (size, schema
revision) and cached on disk: ``corpus_path(events)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

EVENTS_PER_ARTICLE = 10
QUOTES_PER_ARTICLE = 3
ACTORS_PER_EVENT = 1 / 20  # a million events name about 50,000 actors
FIRST_DAY = dt.date(2012, 1, 1)
DAYS = 14 * 365
BUSY = ["Russia", "United States", "Ukraine", "China", "NATO", "European Union", "Vladimir Putin", "Joe Biden",
        "Israel", "Iran", "United Nations", "Germany", "France", "Turkey", "Volodymyr Zelensky", "Hamas"]
VERBS = [("CONSULT", "met"), ("ACCUSE", "accused"), ("THREATEN", "threatened"), ("AGREE", "agreed with"),
         ("SUPPORT", "backed"), ("REQUEST", "called on"), ("REJECT", "rejected"), ("ASSAULT", "attacked"),
         ("AID", "sent aid to"), ("PROTEST", "protested against"), ("MOBILIZE", "moved troops toward"),
         ("SANCTION", "imposed sanctions on"), ("COOPERATE", "signed a deal with"), (None, "spoke about")]
PLACES = ["Kyiv", "Moscow", "Brussels", "Geneva", "Washington", "Beijing", "Ankara", "Gaza", "Vienna", "Minsk"]
WORDS = ("troops border talks ceasefire sanctions missile drills embassy summit minister election grain pipeline "
         "refugees shelling treaty negotiators convoy airspace drone navy parliament referendum blockade inflation "
         "tariffs vaccine earthquake flood wildfire strike protest court verdict budget").split()
SYLLABLES = "ka lo mi ra sen tu vo ba de fi gor han jel ku lin mar nor pet quin ros sal tev ul var wen yor zed".split()
MODALITY_WEIGHTS = (("asserted", 90), ("planned", 3), ("possible", 2), ("negated", 5))
PRECISION_WEIGHTS = (("day", 85), ("week", 7), ("month", 5), ("year", 3))


def corpus_path(events: int, revision: str, folder: Path) -> Path:
    return folder / f"corpus-{events}-rev{revision}.db"


class Zipf:
    """Ranks 1..n drawn with weight 1/rank^s (s slightly over 1: news names a few actors constantly)."""

    def __init__(self, n: int, s: float, rng: random.Random) -> None:
        self.cum = list(itertools.accumulate(1 / (k ** s) for k in range(1, n + 1)))
        self.rng = rng

    def draw(self) -> int:
        return bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])  # 0-based rank


def _actor_names(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, slug, kind) for n actors: the busy real names first, then invented ones with unique slugs."""
    out, seen = [], set()
    for name in BUSY[:n]:
        slug = name.lower().replace(" ", "-")
        kind = "person" if " " in name and name not in ("United States", "European Union", "United Nations") \
            else "country"
        out.append((name, slug, kind))
        seen.add(slug)
    while len(out) < n:
        name = " ".join(("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))).title()
                        for _ in range(rng.randint(1, 2)))
        slug = name.lower().replace(" ", "-")
        if slug in seen:
            slug = f"{slug}-{len(out)}"
        seen.add(slug)
        out.append((name, slug, rng.choice(("person", "organization", "group", "country"))))
    return out


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def rows(events: int, seed: int = 11) -> Iterator[tuple[str, list[str], list[tuple[Any, ...]]]]:
    """(table, columns, rows) in insert order, in chunks; ids start at 1 in every table."""
    rng = random.Random(seed)
    n_articles = max(1, events // EVENTS_PER_ARTICLE)
    n_actors = max(len(BUSY), int(events * ACTORS_PER_EVENT))
    actors = _actor_names(n_actors, rng)
    zipf = Zipf(n_actors, 1.07, rng)
    now = dt.datetime(2026, 1, 1)
    yield "sources", ["id", "name", "domain"], [(i, f"Wire {i}", f"wire{i}.example") for i in range(1, 61)]
    yield ("actors", ["id", "slug", "name", "kind", "titles", "created_at"],
           [(i + 1, slug, name, kind, "[]", now) for i, (name, slug, kind) in enumerate(actors)])
    yield ("aliases", ["id", "actor_id", "name", "normalized"],
           [(i + 1, i + 1, name, name.lower()) for i, (name, _, _) in enumerate(actors)])
    event_id = quote_id = mention_id = 0
    chunk = 2000
    for first in range(1, n_articles + 1, chunk):
        tables: dict[str, list[tuple[Any, ...]]] = {t: [] for t in (
            "articles", "events", "event_targets", "event_sources", "quotes", "quote_sources", "mentions")}
        for article in range(first, min(n_articles, first + chunk - 1) + 1):
            # recency skew: more news lately
            day = FIRST_DAY + dt.timedelta(days=int(DAYS * (rng.random() ** 0.6)))
            named: dict[int, int] = {}  # actor -> where the article first names it (inside that event's sentence)
            sentences = []
            at = 0
            per_article = events // n_articles + (1 if article <= events % n_articles else 0)
            for k in range(per_article):
                event_id += 1
                src = zipf.draw() + 1 if rng.random() < 0.9 else None
                targets = {zipf.draw() + 1 for _ in range(rng.choice((0, 1, 1, 1, 2)))} - {src}
                kind, verb = rng.choice(VERBS)
                who = actors[src - 1][0] if src else "Officials"
                whom = " and ".join(actors[t - 1][0] for t in targets) or rng.choice(PLACES)
                extra = " ".join(rng.sample(WORDS, 3))
                summary = f"{who} {verb} {whom} over {extra}"
                sentence = f"{summary} in {rng.choice(PLACES)}, officials said."
                sentences.append(sentence)
                span = (at, at + len(sentence))
                at += len(sentence) + 1
                precision = _weighted(rng, PRECISION_WEIGHTS)
                e_day = day - dt.timedelta(days=rng.randint(0, 3))
                last = e_day + dt.timedelta(days={"day": 0, "week": 6, "month": 27, "year": 364}[precision])
                merged = rng.randint(max(1, event_id - 500), event_id - 1) if event_id > 1 and rng.random() < 0.03 \
                    else None
                removed = now if merged is None and rng.random() < 0.005 else None
                tables["events"].append((
                    event_id, f"event-{event_id}", article, e_day.isoformat(), None, e_day, last, precision, kind,
                    _weighted(rng, MODALITY_WEIGHTS), src, rng.choice(PLACES) if rng.random() < 0.4 else None,
                    summary, sentence, *span, 1 + (rng.random() < 0.2), merged, removed, verb.split()[0]))
                tables["event_targets"].extend((event_id, t) for t in sorted(targets))
                tables["event_sources"].append((event_id, event_id, article, f"e{k}", sentence, *span))
                for actor in ([src] if src else []) + sorted(targets):
                    named.setdefault(actor, span[0] + max(0, sentence.find(actors[actor - 1][0])))
            for k in range(QUOTES_PER_ARTICLE):
                quote_id += 1
                speaker = zipf.draw() + 1
                named.setdefault(speaker, 10**6 + k)  # a speaker named outside every event's sentence
                text = f"We will not accept {' '.join(rng.sample(WORDS, 4))} without {rng.choice(WORDS)}"
                tables["quotes"].append((quote_id, article, speaker, actors[speaker - 1][0], text,
                                         rng.choice(("direct", "indirect")), "said", 0, len(text), day, f"q{k}",
                                         None, 1, None, None))
                tables["quote_sources"].append((quote_id, quote_id, article, f"q{k}", 0, len(text)))
            for actor, start in sorted(named.items()):
                mention_id += 1
                name = actors[actor - 1][0]
                tables["mentions"].append((mention_id, article, actor, start, start + len(name), name))
            title = sentences[0][:90] if sentences else f"Report {article}"
            digest = hashlib.sha256(f"{article}".encode()).hexdigest()
            tables["articles"].append((article, f"syn-{article}", title, " ".join(sentences), 1 + article % 60, None, None, day,
                                       False, digest, now, "synthetic"))
        yield "articles", ["id", "external_id", "title", "text", "source_id", "url", "author", "published",
                           "published_inferred", "content_hash", "ingested_at", "pipeline_version"], tables["articles"]
        yield "events", ["id", "slug", "article_id", "date_value", "date_text", "first_day", "last_day", "precision",
                         "type", "modality", "source_actor_id", "place", "summary", "sentence", "start", "end",
                         "source_count", "merged_into_id", "removed_at", "trigger"], tables["events"]
        yield "event_targets", ["event_id", "actor_id"], tables["event_targets"]
        yield "event_sources", ["id", "event_id", "article_id", "key", "sentence", "start", "end"], \
            tables["event_sources"]
        yield "quotes", ["id", "article_id", "speaker_actor_id", "speaker_text", "text", "kind", "cue", "start", "end",
                         "date", "key", "event_id", "source_count", "merged_into_id", "removed_at"], tables["quotes"]
        yield "quote_sources", ["id", "quote_id", "article_id", "key", "start", "end"], tables["quote_sources"]
        yield "mentions", ["id", "article_id", "actor_id", "start", "end", "text"], tables["mentions"]


def build_sqlite(path: Path, events: int) -> float:
    """Migrate a fresh file to head and bulk-load it; the FTS tables are rebuilt once at the end."""
    from app import migrate

    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    migrate.upgrade(f"sqlite:///{tmp}", "head")
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'").fetchall()
    for name, _ in triggers:  # FTS and counter triggers: rebuilt in one pass after the load
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("BEGIN")
    for table, columns, batch in rows(events):
        if batch:
            marks = ", ".join("?" * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)
            conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                             [tuple(_sqlite_value(v) for v in r) for r in batch])
    conn.execute("COMMIT")
    for fts in ("events_fts", "quotes_fts", "articles_fts"):
        conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    for _, sql in triggers:
        conn.execute(sql)
    _recount(conn)
    conn.execute("ANALYZE")
    conn.close()
    tmp.rename(path)
    return time.perf_counter() - started


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _recount(conn: Any) -> None:
    """Counter tables (migration 0013) filled from the loaded rows, when the schema has them."""
    from app.queries.counters import RECOUNT_SQL

    for statement in RECOUNT_SQL:
        conn.execute(statement)


def build_postgres(url: str, events: int) -> float:
    """Drop and recreate the schema at ``url``, migrate to head and COPY the corpus in (triggers off meanwhile)."""
    import psycopg

    from app import migrate

    started = time.perf_counter()
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    migrate.upgrade(url, "head")
    with psycopg.connect(plain) as conn:
        tables = ("articles", "events", "event_targets", "event_sources", "quotes", "quote_sources", "mentions",
                  "actors", "aliases")
        for table in tables:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table, columns, batch in rows(events):
            if not batch:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for r in batch:
                    copy.write_row(r)
        for table in tables:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table in ("sources", "actors", "aliases", "articles", "events", "event_sources", "quotes", "quote_sources",
                      "mentions"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        _recount(conn)
        conn.commit()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def postgres_events(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            row = conn.execute("SELECT max(id) FROM events").fetchone()
            return int(row[0] or 0) if row else 0
    except psycopg.Error:
        return 0


