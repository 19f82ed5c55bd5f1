"""Consolidation cost per ingested article as the corpus grows (synthetic records, no NLP).

Usage: .venv/bin/python -m bench.bench_consolidate [--sizes 1000,10000] [--window 200]

Articles are synthesised as extraction records (a pool of actors, events over five years, repeated wire
quotes, some stories told by several articles) and stored with app.store.store_article; only the
consolidate_article call is timed. The cost per article at each corpus size is reported as a ratio
against the cost at the smallest size measured in the same run: flat means an indexed candidate lookup.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.consolidate import consolidate_article
from app.db import make_engine, make_sessionmaker, transaction
from app.extract.records import Actor, Event, Extraction, Mention, Quote
from app.store import ArticleMeta, store_article

VERBS = [("met", "CONSULT"), ("signed a deal with", "AGREE"), ("criticised", "ACCUSE"), ("ordered jets from", "AGREE"),
         ("sued", "ACCUSE"), ("visited", "CONSULT"), ("supplied engines to", "AID"), ("threatened", "THREATEN")]
QUOTES = [f"We will keep building aircraft for customer number {i} whatever the market does next year" for i in range(300)]
START = dt.date(2020, 1, 1)


def synth_article(rng: random.Random, n: int, actors: int) -> tuple[str, dt.date, Extraction]:
    """One article: a story (actor pair, verb, day) drawn so that some stories recur across articles."""
    story = rng.randrange(max(n // 3, 1) + 50)
    srng = random.Random(story)
    a, b = srng.randrange(actors), srng.randrange(actors)
    verb, kind = VERBS[srng.randrange(len(VERBS))]
    day = START + dt.timedelta(days=srng.randrange(5 * 365))
    published = day + dt.timedelta(days=rng.randrange(3))
    names = {a: f"Company {a} Holdings", b: f"Minister Person{b} Smith"}
    s1 = f"{names[a]} {verb} {names[b]} on {day.isoformat()} in a meeting about contract {story}."
    extra = f"Analysts said the agreement number {n} was expected by {names[b]} for months."
    quote = QUOTES[story % len(QUOTES)]
    s3 = f"“{quote},” {names[a]} said."
    text = "\n".join([s1, extra, s3])
    recs = []
    for ident, name, kind_ in ((a, names[a], "organization"), (b, names[b], "person")):
        ms, pos = [], text.find(name)
        while pos >= 0:
            ms.append(Mention(pos, pos + len(name), name))
            pos = text.find(name, pos + 1)
        recs.append(Actor(id=f"actor-{ident}-{kind_}", name=name, kind=kind_, mentions=ms))
    event = Event(id="e1", date=day.isoformat(), type=kind, modality="asserted", source_actor=recs[0].id,
                  target_actors=[recs[1].id], place=None, summary=f"{names[a]} {verb} {names[b]}", sentence=s1,
                  start=0, end=len(s1), date_text=day.isoformat(), trigger=verb.split()[0])
    qs = text.index(quote)
    q = Quote(speaker=recs[0].id, speaker_text=names[a], text=quote, kind="direct", cue="said", start=qs,
              end=qs + len(quote), date=published.isoformat())
    ext = Extraction(id=f"a{n}", title=None, source=None, published=published.isoformat(), published_inferred=False,
                     actors=recs, events=[event], quotes=[q], pipeline_version="bench")
    return text, published, ext


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes at which to measure (comma-separated)")
    ap.add_argument("--window", type=int, default=200, help="articles timed at each size")
    ap.add_argument("--actors", type=int, default=2000, help="size of the actor pool")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        n, results = 0, []
        for size in sizes:
            timed: list[float] = []
            while n < size:
                text, published, ext = synth_article(rng, n, args.actors)
                measure = n >= size - args.window
                with transaction(factory) as session:
                    article = store_article(session, ArticleMeta(text=text, external_id=f"a{n}", published=published), ext)
                    t0 = time.perf_counter()
                    consolidate_article(session, article)
                    if measure:
                        timed.append(time.perf_counter() - t0)
                n += 1
            results.append((size, statistics.median(timed), statistics.mean(timed)))
            print(f"corpus {size:>6} articles: consolidate_article median {results[-1][1] * 1e3:6.2f} ms, "
                  f"mean {results[-1][2] * 1e3:6.2f} ms (last {len(timed)} articles)", flush=True)
        with factory() as session:
            from sqlalchemy import func, select

            from app.models import Event as EventRow
            from app.models import EventSource, MergeRecord
            merged = session.scalar(select(func.count()).select_from(MergeRecord))
            events = session.scalar(select(func.count()).select_from(EventRow).where(EventRow.merged_into_id.is_(None)))
            sources = session.scalar(select(func.count()).select_from(EventSource))
        engine.dispose()
    base = results[0][1]
    print(f"merges recorded: {merged}; root events {events} holding {sources} event sources")
    for size, median, _ in results:
        print(f"ratio vs {results[0][0]} articles at {size:>6}: {median / base:.2f}x per-article cost")


if __name__ == "__main__":
    main()
