"""Full-text search on either engine: FTS5 on SQLite, a tsvector GIN index on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, TextClause, literal_column, select, text
from sqlalchemy.orm import Session

from app.models import FTS_TABLES

WORD = re.compile(r"\w+", re.U)
# Words too common to tell texts apart: left out of content stems (consolidation) and of name look-ups in text
STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by", "with", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "there", "their", "they", "them", "he", "she", "his", "her", "him", "we", "our", "us", "i", "you", "your", "not", "no", "will", "would", "can", "could", "may", "might", "should", "shall", "do", "does", "did", "than", "then", "so", "such", "which", "who", "whom", "whose", "what", "when", "where", "while", "also", "into", "over", "after", "before", "about", "up", "out", "new", "said", "says", "say", "more", "most", "other", "some", "all", "one", "two", "three", "per", "s", "t"]
)


def query_terms(query: str, limit: int = 12) -> list[str]:
    """The words of a user's query; punctuation and FTS operators are dropped, never interpreted."""
    return [w.lower() for w in WORD.findall(query or "")][:limit]


def fts_ids(session: Session, table: str, query: str) -> Select | None:
    """A SELECT of the ids in ``table`` matching every word of ``query`` (last word as a prefix)."""
    terms = query_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        return select(literal_column("rowid").label("id")).select_from(text(f"{table}_fts")).where(
            text(f"{table}_fts MATCH :fts_q").bindparams(fts_q=match.strip())
        )
    return select(literal_column("id")).select_from(text(table)).where(pg_match(table, terms))


def pg_match(table: str, terms: list[str], qualified: bool = False) -> TextClause:
    """PostgreSQL's test of a row of ``table`` against every word (the last as a prefix), written with the very
    expression of its GIN index (migration 0002), so the planner can read the index; its columns are unqualified
    (for a statement that reads ``table`` once) unless ``qualified``: the index matches either way."""
    cols = FTS_TABLES[table]
    tsquery = " & ".join(f"{t}:*" for t in terms)
    joined = " || ' ' || ".join(f"coalesce({table + '.' if qualified else ''}{c}, '')" for c in cols)
    return text(f"to_tsvector('english'::regconfig, {joined}) @@ to_tsquery('english', :fts_q)").bindparams(
        fts_q=tsquery)


def fts_filter(session: Session, table: str, id_column: SQLColumnExpression[int],
               query: str) -> ColumnElement[bool] | TextClause | None:
    """A WHERE clause keeping rows of ``table`` (whose id is ``id_column``) that match ``query``, or None for an
    empty query; for counts and samples (a newest-first page takes app.queries.textsearch's).

    On PostgreSQL the row itself is tested, not its id against a subquery of matches: with the subquery and a
    LIMIT (a capped count) the planner merge-joined two walks of the primary key, computing each row's tsvector
    (730 ms for a word in one event of seven at a million events, cold); tested on the row, the GIN index is read
    as a bitmap (35 ms)."""
    terms = query_terms(query)
    if terms and session.get_bind().dialect.name == "postgresql":
        return pg_match(table, terms, qualified=True)
    ids = fts_ids(session, table, query)
    return None if ids is None else id_column.in_(ids)
