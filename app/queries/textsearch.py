"""Full-text clauses for a newest-first page on SQLite, each shaped for the plan that wins at its word's frequency.

A query's words must all match and its last one is a prefix (app.fts). Three plans find a page of ``limit`` rows:

- a rare word: look up each match, sort, keep ``limit`` (``id IN (matches)``);
- a common one: walk the date index newest first and test each row against the match set, which SQLite
  materialises first (``id + 0 IN (matches)``: the ``+ 0`` keeps it from driving the query by id) — a cost of
  about one ephemeral row per match, 20 ms for a word in 150,000 of a million events;
- a very common one: walk the date index and ask FTS5 about each row (``EXISTS … MATCH … AND rowid = id``):
  about ``limit × rows / matches`` probes of ~15 µs each and nothing materialised. A prefix merges the lists of
  every term it covers each time FTS5 is asked (3 ms a probe), so the last word is written instead as the exact
  terms that share its prefix, read from FTS5's vocabulary (migration 0015's ``*_fts_vocab``); when they are
  many, or one of them would not survive being stemmed again, this plan is not taken.

A bounded count of the matches picks the plan (counted once per data version).
"""

from __future__ import annotations

import math
import sqlite3
import threading
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    TableClause,
    column,
    exists,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from app.fts import fts_ids, query_terms
from app.queries.cache import cached

TOKENIZER = "porter unicode61 remove_diacritics 2"  # the FTS5 tables' own (migration 0002)
MAX_SPELLINGS = 8  # a prefix shared by more terms than this keeps the prefix plans
PROBE_COST = 100  # one FTS5 probe per row costs about this many rows of a materialised match set (at 1M events)

_stemmer_lock = threading.Lock()
_stemmer: sqlite3.Connection | None = None


@lru_cache(maxsize=4096)
def stems(word: str) -> tuple[str, ...]:
    """The terms FTS5 indexes ``word`` as (its tokenizer run on it in an in-memory table): 'troops' → ('troop',)."""
    global _stemmer
    with _stemmer_lock:
        if _stemmer is None:
            _stemmer = sqlite3.connect(":memory:", check_same_thread=False)
            _stemmer.execute(f"CREATE VIRTUAL TABLE words USING fts5(w, tokenize='{TOKENIZER}')")
            _stemmer.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(words, 'instance')")
        _stemmer.execute("DELETE FROM words")
        _stemmer.execute("INSERT INTO words (w) VALUES (?)", (word,))
        return tuple(row[0] for row in _stemmer.execute("SELECT term FROM terms ORDER BY offset"))


def _after(prefix: str) -> str:
    """The smallest text after every text that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def spellings(session: Session, table: str, word: str) -> list[str] | None:
    """Words whose exact matches are together the prefix matches of ``word`` ('troops' → ['troops'] when 'troop'
    is the only indexed term starting with 'troop'), or None when that cannot be written cheaply."""
    found = stems(word)
    if len(found) != 1:
        return None
    stem = found[0]
    terms = list(session.scalars(text(f"SELECT term FROM {table}_fts_vocab WHERE term >= :low AND term < :high "
                                      "LIMIT :n").bindparams(low=stem, high=_after(stem), n=MAX_SPELLINGS + 1)))
    if len(terms) > MAX_SPELLINGS:
        return None
    others = [t for t in terms if t != stem]
    if any(stems(t) != (t,) for t in others):
        return None  # its stem stems again to something else ('agre' → 'agr'): no word is known to index as it
    return [word, *others]


def exact_match(session: Session, table: str, query: str) -> str | None:
    """An FTS5 MATCH with the rows of app.fts's prefix query, its last word as exact terms; None if not to be had."""
    terms = query_terms(query)
    if not terms or session.get_bind().dialect.name != "sqlite":
        return None
    last = cached(session, ("fts-spellings", table, terms[-1]), lambda: spellings(session, table, terms[-1]))
    if last is None:
        return None
    tail = " OR ".join(f'"{w}"' for w in last)
    return " ".join([*(f'"{t}"' for t in terms[:-1]), f"({tail})" if len(last) > 1 else tail])


def _fts(table: str) -> TableClause:
    return sql_table(f"{table}_fts", column("rowid"))


def matching_ids(table: str, match: str) -> Select[Any]:
    """The rowids FTS5 gives for ``match`` (an exact_match; app.fts.fts_ids writes the prefix form)."""
    fts = _fts(table)
    return select(fts.c.rowid.label("id")).where(text(f"{fts.name} MATCH :fts_q").bindparams(fts_q=match))


def probe(table: str, id_column: SQLColumnExpression[int], match: str) -> ColumnElement[bool]:
    """'FTS5 has this row for ``match``', asked per row (the very common word's plan)."""
    fts = _fts(table)
    return exists(select(literal_column("1")).select_from(fts).where(
        text(f"{fts.name} MATCH :fts_probe").bindparams(fts_probe=match), fts.c.rowid == id_column))


def _matches_up_to(session: Session, table: str, match: str, cap: int) -> int:
    stmt = text(f"SELECT count(*) FROM (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH :m LIMIT :cap)")
    return int(session.scalar(stmt.bindparams(m=match, cap=cap)) or 0)


def thresholds(limit: int, rows: int, words: int) -> tuple[int, int]:
    """(matches from which a page walks the date index, from which it probes FTS5 per row instead) for a page of
    ``limit`` of ``rows`` rows: walking tests about ``limit × rows / matches`` rows, the match set costs one
    ephemeral row per match, a probe PROBE_COST of those per word."""
    return math.isqrt((limit + 1) * rows) + 1, math.isqrt(PROBE_COST * words * (limit + 1) * rows) + 1


def text_match(session: Session, table: str, id_column: SQLColumnExpression[int], query: str,
               limit: int) -> ColumnElement[bool] | None:
    """The full-text WHERE clause for a newest-first page of ``limit`` rows (see the module's three plans); only
    for a page: a count under it would probe every row. None for a query without words."""
    ids = fts_ids(session, table, query)
    if ids is None:
        return None
    if session.get_bind().dialect.name != "sqlite":
        return id_column.in_(ids)
    total = session.scalar(select(func.max(id_column))) or 0
    walk, probes = thresholds(limit, total, len(query_terms(query)))
    exact = exact_match(session, table, query)
    if exact is None:
        found = cached(session, ("fts-matches", table, query, walk),
                       lambda: session.scalar(select(func.count()).select_from(ids.limit(walk).subquery())) or 0)
        return (id_column + 0).in_(ids) if found >= walk else id_column.in_(ids)
    found = cached(session, ("fts-matches", table, exact, probes),
                   lambda: _matches_up_to(session, table, exact, probes))
    if found >= probes:
        return probe(table, id_column, exact)
    exact_ids = matching_ids(table, exact)  # the same rows without merging the prefix's terms first
    return (id_column + 0).in_(exact_ids) if found >= walk else id_column.in_(exact_ids)
