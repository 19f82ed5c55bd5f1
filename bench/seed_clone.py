"""The old 10k-article page corpus: the sample articles extracted once, their rows cloned by SQL with shifted ids
and dates (no NLP per clone). ``bench_load`` measures on it; ``bench_pages`` now builds bench.corpus instead.
"""

from __future__ import annotations

import sqlite3
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
