"""Planner statistics that keep up with a bulk load into PostgreSQL.

PostgreSQL plans a query from the statistics ANALYZE last took. A bulk ingest into a new database outgrows
them within seconds: the tables were empty when their statistics (and the plans psycopg's prepared
statements keep for the whole connection) were made, so look-ups such as an article's events or the
sources of a few events run as sequential scans, and every article costs more than the one before.
Autovacuum catches up only a minute and 10% of growth later. So the runner analyzes the tables it writes
whenever they have about doubled since the statistics were taken: a handful of times in a run that fills a
new database, never in a run that adds a day's news to a large one. ANALYZE invalidates the prepared plans,
and they are planned again from the new statistics.

Only the columns the indexes, keys and foreign keys hold are analyzed: the planner chooses among indexes by
them, and the full-text expression indexes (which cost ANALYZE a ``to_tsvector`` per sampled row) are left
to autovacuum. SQLite keeps no statistics unless asked to, and plans by its indexes alone: nothing to do.
"""

from __future__ import annotations

import logging

from sqlalchemy import Column, Table, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.models import (
    Actor,
    Alias,
    Article,
    Base,
    Event,
    EventSource,
    EventTarget,
    Mention,
    Quote,
    QuoteSource,
    TimexRow,
)

log = logging.getLogger(__name__)

FIRST_ANALYZE = 32  # articles stored into an empty (or never analyzed) database before the first ANALYZE
WRITTEN = (Article, Event, EventSource, EventTarget, Mention, Actor, Alias, Quote, QuoteSource, TimexRow)


def planned_columns(table: Table) -> list[str]:
    """The columns of the table's keys, foreign keys and plain-column indexes, in table order."""
    chosen: set[Column] = set(table.primary_key.columns)
    chosen |= {fk.parent for fk in table.foreign_keys}
    for index in table.indexes:
        chosen |= {c for c in index.expressions if isinstance(c, Column)}
    for constraint in table.constraints:
        chosen |= set(getattr(constraint, "columns", ()))
    return [c.name for c in table.columns if c in chosen]


def analyze_statement(tables: tuple[Table, ...]) -> str:
    """One ANALYZE over the tables, each limited to its planned columns."""
    parts = []
    for table in tables:
        columns = ", ".join(f'"{name}"' for name in planned_columns(table))
        parts.append(f'"{table.name}" ({columns})')
    return "ANALYZE " + ", ".join(parts)


class PlannerStats:
    """Counts the articles a run stores and analyzes the written tables each time they have about doubled."""

    def __init__(self, factory: sessionmaker[Session], first: int = FIRST_ANALYZE) -> None:
        self.factory = factory
        self.first = first
        self.enabled: bool | None = None  # decided on the first article, from the session's dialect
        self.counted = 0  # articles the statistics know of (pg_class.reltuples at the last ANALYZE)
        self.since = 0  # articles this run stored since then
        self.analyzed = 0  # ANALYZE runs made
        self.statement = analyze_statement(tuple(Base.metadata.tables[m.__tablename__] for m in WRITTEN))

    def stored(self) -> None:
        """One more article stored (and committed); analyze if the tables have outgrown their statistics."""
        if self.enabled is False:
            return
        if self.enabled is None:
            self.enabled = self._start()
            if not self.enabled:
                return
        self.since += 1
        if self.since >= max(self.first, self.counted):
            self._analyze()

    def _start(self) -> bool:
        try:
            with transaction(self.factory) as session:
                if session.get_bind().dialect.name != "postgresql":
                    return False
                self.counted = self._articles_known(session)
        except SQLAlchemyError as exc:
            log.info("planner statistics not kept up during this run: %s", exc)
            return False
        return True

    @staticmethod
    def _articles_known(session: Session) -> int:
        # -1 when never analyzed, 0 when analyzed empty
        value = session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass"))
        return max(int(value or 0), 0)

    def _analyze(self) -> None:
        try:
            with transaction(self.factory) as session:
                session.execute(text(self.statement))
                self.counted = self._articles_known(session)
        except SQLAlchemyError as exc:  # e.g. a role that does not own the tables: autovacuum still runs
            log.warning("ANALYZE after %d articles failed, not tried again this run: %s", self.since, exc)
            self.enabled = False
            return
        self.analyzed += 1
        self.since = 0
