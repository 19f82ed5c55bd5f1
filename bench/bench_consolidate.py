"""Consolidation cost per ingested article as the corpus grows (synthetic records, no NLP).

Usage: .venv/bin/python -m bench.bench_consolidate [--sizes 1000,10000] [--sample 100] [--database-url URL]

The background corpus is bulk-inserted as rows shaped like what ingestion and consolidation leave behind
(articles, actors with aliases, mentions, typed and sentence events with sources and targets, some merged,
quotes): a Zipf-like actor pool makes a few actors busy, as real news does, so candidate look-ups meet
large sets. A fixed sample of new articles (several sentences naming pool actors, two typed events, a wire
quote, dates spread over the same five years) is then stored and consolidated at each corpus size; only
``consolidate_article`` is timed, and each sample article is rolled back so every size sees the same work.
Per-article cost is reported against the smallest size measured in the same run: flat means the candidate
look-up is indexed, not all-pairs. Building 10k articles takes well under a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from app import migrate
from app import models as m
from app.consolidate import consolidate_article
from app.db import make_engine, make_sessionmaker
from app.extract.records import Actor, Event, Extraction, Mention, Quote
from app.keys import content_hash, normalise_alias
from app.store import ArticleMeta, store_article

VERBS = [("met", "CONSULT"), ("signed a deal with", "AGREE"), ("criticised", "ACCUSE"), ("ordered jets from", "AGREE"),
         ("sued", "ACCUSE"), ("visited", "CONSULT"), ("supplied engines to", "AID"), ("threatened", "THREATEN")]
QUOTES = [f"We will keep building aircraft for customer number {i} whatever the market does next year" for i in range(300)]
START = dt.date(2020, 1, 1)
SPAN_DAYS = 5 * 365
EVENTS_PER_ARTICLE = 6  # 2 typed events and 4 sentence events, as consolidation leaves a real article


def actor_name(i: int) -> tuple[str, str]:
    return (f"Company {i} Holdings", "organization") if i % 2 else (f"Minister Person{i} Smith", "person")


_ZIPF: dict[int, list[float]] = {}


def pick_actor(rng: random.Random, pool: int) -> int:
    """Zipf (s = 1) over the pool: with 3,000 actors the busiest is named in ~1 of 9 picks, the tail rarely."""
    if pool not in _ZIPF:
        total, cum = 0.0, []
        for k in range(1, pool + 1):
            total += 1 / k
            cum.append(total)
        _ZIPF[pool] = cum
    return rng.choices(range(pool), cum_weights=_ZIPF[pool])[0]


def add_actors(session: Session, pool: int) -> None:
    rows, aliases = [], []
    for i in range(pool):
        name, kind = actor_name(i)
        rows.append({"id": i + 1, "slug": f"actor-{i}", "name": name, "kind": kind, "titles": []})
        aliases.append({"actor_id": i + 1, "name": name, "normalized": normalise_alias(name)})
        if kind == "person":
            aliases.append({"actor_id": i + 1, "name": f"Person{i}", "normalized": f"person{i}"})
    session.execute(insert(m.Actor), rows)
    session.execute(insert(m.Alias), aliases)


def add_background(factory: sessionmaker[Session], start: int, stop: int, pool: int, seed: int) -> None:
    """Articles start..stop-1 as rows, bulk-inserted in chunks (ids are assigned here, not by the database)."""
    rng = random.Random(seed)
    for lo in range(start, stop, 2000):
        hi = min(lo + 2000, stop)
        rows: dict[type, list[dict[str, Any]]] = {t: [] for t in (m.Article, m.Mention, m.Event, m.EventSource,
                                                                     m.EventTarget, m.Quote, m.QuoteSource)}
        for n in range(lo, hi):
            aid = n + 1
            day = START + dt.timedelta(days=rng.randrange(SPAN_DAYS))
            actors = list(dict.fromkeys(pick_actor(rng, pool) for _ in range(3)))
            text = f"Background article {n}. " + " ".join(f"{actor_name(a)[0]} took part." for a in actors)
            rows[m.Article].append({"id": aid, "external_id": f"bg{n}", "text": text, "published": day,
                                    "content_hash": content_hash(text), "pipeline_version": "bench"})
            for a in actors:
                rows[m.Mention].append({"article_id": aid, "actor_id": a + 1, "start": 0, "end": 10,
                                        "text": actor_name(a)[0]})
            for k in range(EVENTS_PER_ARTICLE):
                eid = n * EVENTS_PER_ARTICLE + k + 1
                verb, kind = VERBS[rng.randrange(len(VERBS))]
                src, tgt = actors[k % len(actors)], actors[(k + 1) % len(actors)]
                sentence = f"{actor_name(src)[0]} {verb} {actor_name(tgt)[0]} about matter {rng.randrange(10**6)}."
                typed = k < 2
                merged = eid - EVENTS_PER_ARTICLE * rng.randrange(1, 50) if typed and n > 60 and rng.random() < .1 else None
                first, last, precision = day, day, "day"
                if rng.random() < 0.1:
                    first, last, precision = day.replace(day=1), day.replace(day=28), "month"
                rows[m.Event].append({
                    "id": eid, "slug": f"e{eid}", "article_id": aid, "date_value": first.isoformat(),
                    "date_text": "on Monday" if typed else None, "first_day": first, "last_day": last,
                    "precision": precision, "type": kind if typed else None, "modality": "asserted",
                    "source_actor_id": src + 1, "summary": sentence, "trigger": verb.split()[0] if typed else None,
                    "sentence": sentence, "start": 0, "end": len(sentence), "source_count": 1,
                    "merged_into_id": merged})
                rows[m.EventSource].append({"event_id": merged or eid, "article_id": aid, "key": f"e{k}",
                                            "sentence": sentence, "start": 0, "end": len(sentence)})
                if tgt != src:
                    rows[m.EventTarget].append({"event_id": eid, "actor_id": tgt + 1})
            quote = QUOTES[rng.randrange(len(QUOTES))]
            rows[m.Quote].append({"id": aid, "article_id": aid, "speaker_actor_id": actors[0] + 1,
                                  "speaker_text": actor_name(actors[0])[0], "text": quote, "kind": "direct",
                                  "cue": "said", "start": 0, "end": len(quote), "date": day, "key": "q-0",
                                  "source_count": 1})
            rows[m.QuoteSource].append({"quote_id": aid, "article_id": aid, "key": "q-0", "start": 0,
                                        "end": len(quote)})
        with factory() as session:
            for table, batch in rows.items():
                session.execute(insert(table), batch)
            session.commit()


def sample_article(rng: random.Random, n: int, pool: int) -> tuple[ArticleMeta, Extraction]:
    """A new article: a headline, a lead naming two actors, background sentences naming others, a quote."""
    day = START + dt.timedelta(days=rng.randrange(SPAN_DAYS))
    ids = list(dict.fromkeys(pick_actor(rng, pool) for _ in range(5)))
    names = [actor_name(i)[0] for i in ids]
    verb, kind = VERBS[rng.randrange(len(VERBS))]
    other = names[1] if len(names) > 1 else "a rival"
    lines = [f"{names[0]} {verb} {other}",
             f"{names[0]} {verb} {other} on {day.isoformat()} in a meeting about contract {n}.",
             *(f"Analysts said {name} had expected the talks for months before the meeting." for name in names[1:]),
             f"“{QUOTES[n % len(QUOTES)]},” {names[0]} said.",
             "Shares in the sector rose slightly in early trading on the news."]
    text = "\n".join(lines)
    actors = []
    for i, name in zip(ids, names, strict=True):
        mentions, pos = [], text.find(name)
        while pos >= 0:
            mentions.append(Mention(pos, pos + len(name), name))
            pos = text.find(name, pos + 1)
        actors.append(Actor(id=f"actor-{i}", name=name, kind=actor_name(i)[1], mentions=mentions))
    targets = [actors[1].id] if len(actors) > 1 else []
    events = []
    for k, sentence in enumerate(lines[:2]):
        start = text.index(sentence)
        events.append(Event(id=f"e{k}", date=day.isoformat(), type=kind, modality="asserted", source_actor=actors[0].id,
                            target_actors=targets, place=None, summary=lines[0], sentence=sentence, start=start,
                            end=start + len(sentence), date_text=day.isoformat() if k else None,
                            trigger=verb.split()[0]))
    quote = QUOTES[n % len(QUOTES)]
    qs = text.index(quote)
    quotes = [Quote(speaker=actors[0].id, speaker_text=names[0], text=quote, kind="direct", cue="said", start=qs,
                    end=qs + len(quote), date=day.isoformat())]
    ext = Extraction(id=f"new{n}", title=lines[0], source=None, published=day.isoformat(), published_inferred=False,
                     actors=actors, events=events, quotes=quotes, pipeline_version="bench")
    return ArticleMeta(text=text, external_id=f"new{n}", published=day), ext


def measure(factory: sessionmaker[Session], samples: list[tuple[ArticleMeta, Extraction]]) -> list[float]:
    """Seconds spent in consolidate_article per sample article; each one is rolled back afterwards."""
    timed = []
    for meta, ext in samples:
        with factory() as session:
            article = store_article(session, meta, ext)
            session.flush()
            t0 = time.perf_counter()
            consolidate_article(session, article)
            timed.append(time.perf_counter() - t0)
            session.rollback()
    return timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes at which to measure (comma-separated)")
    ap.add_argument("--sample", type=int, default=100, help="new articles consolidated at each size")
    ap.add_argument("--actors", type=int, default=3000, help="size of the actor pool")
    ap.add_argument("--database-url", default=None, help="an EMPTY database to use (default: a temporary SQLite file)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(11)
    samples = [sample_article(rng, n, args.actors) for n in range(args.sample)]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        with factory() as session:
            add_actors(session, args.actors)
            session.commit()
        measure(factory, samples[:5])  # warm caches and compiled statements
        have, results = 0, []
        for size in sizes:
            t0 = time.perf_counter()
            add_background(factory, have, size, args.actors, seed=size)
            have = size
            built = time.perf_counter() - t0
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            timed = measure(factory, samples)
            results.append((size, statistics.median(timed), statistics.mean(timed), max(timed)))
            print(f"corpus {size:>6} articles (+{built:5.1f} s to build): consolidate_article median "
                  f"{results[-1][1] * 1e3:6.2f} ms, mean {results[-1][2] * 1e3:6.2f} ms, max {results[-1][3] * 1e3:6.1f} ms "
                  f"over {len(timed)} new articles", flush=True)
        with factory() as session:
            events = session.scalar(select(func.count()).select_from(m.Event))
            busiest = session.scalar(select(func.count()).select_from(m.Event).where(m.Event.source_actor_id == 1))
        engine.dispose()
    print(f"{engine.dialect.name}: {events} events in the corpus, the busiest actor is the source of {busiest}")
    base = results[0][1]
    for size, median, _, _ in results:
        print(f"ratio vs {results[0][0]} articles at {size:>6}: {median / base:.2f}x per-article cost")


if __name__ == "__main__":
    main()
