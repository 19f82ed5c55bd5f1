"""The bulk runner: dedup before extraction, extraction across processes, one transaction per article.

Each article is stored with its whole extraction (and its consolidation, and the caller's bookkeeping such
as a job item's state) in one transaction, so a run killed at any moment leaves only whole articles behind
and a re-run skips them by their content hash.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHash
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db import reading, transaction
from app.extract.parallel import ExtractionPool
from app.extract.pipeline import ArticleInput, Extraction, ExtractionError, Extractor
from app.ingest.dedup import NearDuplicateIndex, minhash_of, signature_bytes
from app.ingest.planner import PlannerStats
from app.ingest.records import DUPLICATE, FAILED, NEAR_DUPLICATE, STATUSES, STORED, ArticleMeta
from app.ingest.sources import Candidate, Outcome
from app.keys import content_hash
from app.models import Article
from app.store import store_article
from app.textio import UnreadableInput, has_words

log = logging.getLogger(__name__)

# A store that collides with a concurrent writer's (a deadlock on shared counter rows, another row both
# create) is tried again after a short pause that grows and is jittered, so the two do not meet again.
STORE_ATTEMPTS = 5
RETRY_PAUSE_SECONDS = 0.05


@dataclass(slots=True)
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.counts[FAILED] == 0

    def as_dict(self) -> dict[str, Any]:
        return {s: self.counts[s] for s in STATUSES} | {"inputs": self.total, "seconds": round(self.elapsed, 2)}

    def line(self) -> str:
        stored = self.counts[STORED] + self.counts[NEAR_DUPLICATE]
        rate = stored / self.elapsed if self.elapsed > 0 else 0.0
        near = f" ({self.counts[NEAR_DUPLICATE]} of them near-duplicates, linked)" if self.counts[NEAR_DUPLICATE] else ""
        return (f"{self.total} inputs: {stored} stored{near}, {self.counts[DUPLICATE]} duplicates skipped, "
                f"{self.counts[FAILED]} failed in {self.elapsed:.1f} s ({rate:.1f} articles/s)")


Recorder = Callable[[Session, Outcome], None]


def consolidator() -> Callable[[Session, Article], None] | None:
    """Cross-article consolidation when that module is present (it is optional for ingestion)."""
    try:
        from app.consolidate import consolidate_article
    except ImportError:
        return None
    return consolidate_article


def topic_column() -> Callable[[str | None, str], str] | None:
    """The article topic that consolidation stores (``app.consolidate.events.topic_column``), when present."""
    try:
        from app.consolidate.events import topic_column as column
    except ImportError:
        return None
    return column


def existing_duplicate(session: Session, meta: ArticleMeta, digest: str) -> tuple[int, str] | None:
    """(article id, why) of a stored article this one duplicates: same text, same canonical URL or same id.

    One query (each key is indexed and unique), so a PostgreSQL ingest pays one round trip, not three.
    """
    keys = [Article.content_hash == digest]
    if meta.url:
        keys.append(Article.url == meta.url)
    if meta.external_id:
        keys.append(Article.external_id == meta.external_id)
    rows = session.execute(select(Article.id, Article.content_hash, Article.url, Article.external_id)
                           .where(or_(*keys)).order_by(Article.id).limit(3)).all()
    for row in rows:
        if row.content_hash == digest:
            return row.id, "same text as article"
    for row in rows:
        if meta.url and row.url == meta.url:
            return row.id, "same URL as article"
    for row in rows:
        if meta.external_id and row.external_id == meta.external_id:
            return row.id, f"id {meta.external_id!r} already stored as article"
    return None


def refusal(exc: SQLAlchemyError) -> str:
    """The database's own first line on why it refused a write (the constraint, the deadlock)."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]


class IngestRunner:
    """Runs candidates through dedup → extraction → store; reports each outcome as it happens."""

    def __init__(self, factory: sessionmaker[Session], *, processes: int | None = None,
                 extractor: Extractor | None = None, model: str | None = None, batch_size: int = 16,
                 on_outcome: Callable[[Outcome], None] | None = None, record: Recorder | None = None) -> None:
        self.factory = factory
        self.pool = ExtractionPool(processes, extractor=extractor, model=model, batch_size=batch_size)
        self.on_outcome = on_outcome
        self.record = record
        self.consolidate = consolidator()
        self.topic = topic_column() if self.consolidate is not None else None
        self._index: NearDuplicateIndex | None = None
        self._in_flight: dict[str, str] = {}  # content hashes and URLs sent to extraction, not yet stored
        self.planner = PlannerStats(factory)  # PostgreSQL's statistics kept up with a run that fills the tables
        self.summary = Summary()

    def run(self, candidates: Iterable[Candidate]) -> Summary:
        started = time.perf_counter()
        try:
            with self.pool:
                for (candidate, meta, digest), result in self.pool.map(self._fresh(candidates)):
                    self._store(candidate, meta, digest, result)
        finally:
            self.summary.elapsed = time.perf_counter() - started
        return self.summary

    # --- before extraction ------------------------------------------------------------------------------

    def _fresh(self, candidates: Iterable[Candidate]) -> Iterator[tuple[tuple[Candidate, ArticleMeta, str], ArticleInput]]:
        """Candidates worth extracting; failures and duplicates are settled here and cost no NLP."""
        for candidate in candidates:
            outcome, meta, digest = self._precheck(candidate)
            if outcome is not None:
                self._finish_without_article(outcome)
                continue
            assert meta is not None and digest is not None
            self._in_flight[digest] = candidate.label
            if meta.url:
                self._in_flight[meta.url] = candidate.label
            item = ArticleInput(id=candidate.label, text=meta.text, title=meta.title, published=meta.published)
            yield (candidate, meta, digest), item

    def _precheck(self, candidate: Candidate) -> tuple[Outcome | None, ArticleMeta | None, str | None]:
        if candidate.error:
            return Outcome(candidate, FAILED, candidate.error), None, None
        try:
            if candidate.url and candidate.url in self._in_flight:
                return Outcome(candidate, DUPLICATE,
                               f"{candidate.label}: same URL as {self._in_flight[candidate.url]}"), None, None
            if candidate.meta is None and candidate.url:
                with reading(self.factory) as session:
                    found = session.scalar(select(Article.id).where(Article.url == candidate.url))
                if found is not None:
                    return Outcome(candidate, DUPLICATE, f"{candidate.label}: same URL as article {found}",
                                   duplicate_of=found), None, None
            meta = candidate.meta
            if meta is None:
                if candidate.load is None:
                    return Outcome(candidate, FAILED, f"{candidate.label}: nothing to read"), None, None
                meta = candidate.load()
                candidate.meta = meta
            if not meta.text.strip():
                return Outcome(candidate, FAILED, f"{candidate.label}: the text is empty"), None, None
            if not has_words(meta.text):  # settled here: such a text costs no extraction slot
                return Outcome(candidate, FAILED, f"{candidate.label}: the text has no letters: there are no "
                                                  "words to read as an article"), None, None
            digest = content_hash(meta.text)
            if digest in self._in_flight:
                return Outcome(candidate, DUPLICATE,
                               f"{candidate.label}: same text as {self._in_flight[digest]}"), None, None
            with reading(self.factory) as session:
                dup = existing_duplicate(session, meta, digest)
            if dup is not None:
                return Outcome(candidate, DUPLICATE, f"{candidate.label}: {dup[1]} {dup[0]}",
                               duplicate_of=dup[0]), None, None
            return None, meta, digest
        except UnreadableInput as exc:
            text = str(exc)
            return Outcome(candidate, FAILED, text if candidate.label in text else f"{candidate.label}: {text}"), None, None
        except SQLAlchemyError as exc:
            return Outcome(candidate, FAILED, f"{candidate.label}: database error ({type(exc).__name__})"), None, None

    # --- after extraction -------------------------------------------------------------------------------

    def _near_index(self, session: Session) -> NearDuplicateIndex:
        """Loaded once per run, on the first article that needs it, then kept up to date incrementally."""
        if self._index is None:
            self._index = NearDuplicateIndex()
            self._index.load(session.execute(select(Article.id, Article.minhash).where(Article.minhash.is_not(None))))
        return self._index

    def _store(self, candidate: Candidate, meta: ArticleMeta, digest: str, result: Extraction | ExtractionError) -> None:
        self._in_flight.pop(digest, None)
        if meta.url:
            self._in_flight.pop(meta.url, None)
        if isinstance(result, ExtractionError):
            self._finish_without_article(Outcome(candidate, FAILED, f"{candidate.label}: {result}"))
            return
        signature: MinHash = minhash_of(meta.text)
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                with reading(self.factory) as session:  # the index load's read ends here, before the write begins
                    index = self._near_index(session)
                with transaction(self.factory) as session:
                    outcome = self._store_in(session, candidate, meta, digest, result, signature, index)
                break
            except (IntegrityError, OperationalError) as exc:
                # Another writer stored this very article (its text, URL or id is unique), or the two
                # deadlocked: the article may be the duplicate, else try again. Shared rows (actors, aliases,
                # sources, roles) never collide: they are inserted with ON CONFLICT DO NOTHING (insert_missing).
                with reading(self.factory) as session:
                    dup = existing_duplicate(session, meta, digest)
                if dup is not None:
                    outcome = Outcome(candidate, DUPLICATE, f"{candidate.label}: {dup[1]} {dup[0]}", duplicate_of=dup[0])
                elif attempt < STORE_ATTEMPTS:
                    log.info("%s: store attempt %d collided (%s); trying again", candidate.label, attempt,
                             refusal(exc))
                    time.sleep(RETRY_PAUSE_SECONDS * attempt * (0.5 + random.random()))
                    continue
                else:
                    log.warning("%s: not stored after %d attempts: %s", candidate.label, attempt, exc.orig)
                    why = (f"conflicts with a stored article ({refusal(exc)})" if isinstance(exc, IntegrityError)
                           else f"the database refused it ({refusal(exc)})")
                    outcome = Outcome(candidate, FAILED, f"{candidate.label}: {why}")
                self._finish_without_article(outcome)
                return
            except Exception as exc:
                self._finish_without_article(
                    Outcome(candidate, FAILED, f"{candidate.label}: could not be stored ({type(exc).__name__}: {exc})"))
                return
        if outcome.status in (STORED, NEAR_DUPLICATE) and outcome.article_id is not None:
            index.add(outcome.article_id, signature)
            self.planner.stored()
        self._report(outcome)

    def _store_in(self, session: Session, candidate: Candidate, meta: ArticleMeta, digest: str,
                  record: Extraction, signature: MinHash, index: NearDuplicateIndex) -> Outcome:
        dup = existing_duplicate(session, meta, digest)  # another process may have stored it meanwhile
        if dup is not None:
            outcome = Outcome(candidate, DUPLICATE, f"{candidate.label}: {dup[1]} {dup[0]}", duplicate_of=dup[0])
        else:
            # the runner's own columns go in the article's INSERT: no UPDATE of the row just inserted
            columns: dict[str, Any] = {"minhash": signature_bytes(signature)}
            match = index.best_match(signature)
            if match is not None:
                columns["near_duplicate_of_id"] = match.article_id
                columns["near_duplicate_score"] = round(match.score, 4)
            if self.topic is not None:  # what consolidation stores for it, worked out once (it is cached)
                columns["topic"] = self.topic(meta.title or record.title, meta.text)
            article = store_article(session, meta, record, columns)
            session.flush()
            if self.consolidate is not None:
                self.consolidate(session, article)
            if match is not None:
                outcome = Outcome(candidate, NEAR_DUPLICATE,
                                  f"{candidate.label}: stored as article {article.id}, near-duplicate of article "
                                  f"{match.article_id} (similarity {match.score:.2f})",
                                  article_id=article.id, duplicate_of=match.article_id, score=match.score)
            else:
                outcome = Outcome(candidate, STORED, f"{candidate.label}: stored as article {article.id}",
                                  article_id=article.id)
        if self.record is not None:
            self.record(session, outcome)
        return outcome

    def _finish_without_article(self, outcome: Outcome) -> None:
        """Failures and duplicates still get the caller's bookkeeping, in a transaction of their own."""
        if self.record is not None:
            try:
                with transaction(self.factory) as session:
                    self.record(session, outcome)
            except SQLAlchemyError as exc:
                outcome = Outcome(outcome.candidate, FAILED,
                                  f"{outcome.candidate.label}: could not record the outcome ({type(exc).__name__})")
        self._report(outcome)

    def _report(self, outcome: Outcome) -> None:
        self.summary.counts[outcome.status] += 1
        if outcome.status == FAILED:
            self.summary.failures.append(outcome.message)
        if self.on_outcome is not None:
            self.on_outcome(outcome)
