"""``dateline ingest``, ``watch``, ``stats``, ``reextract`` and ``worker``: getting articles in and keeping them current."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import Progress
    from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def _database() -> Iterator[sessionmaker[Session]]:
    """The configured database, migrated first (an empty SQLite file becomes a working database)."""
    from app import migrate
    from app.db import make_engine, make_sessionmaker
    from app.settings import get_settings

    url = get_settings().database_url
    migrate.ensure_schema(url)
    engine = make_engine(url, immediate_writes=True)
    try:
        yield make_sessionmaker(engine)
    finally:
        engine.dispose()


def _progress(total: int | None, label: str) -> Progress:
    """A progress bar with count, rate and ETA on stderr; silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:  # type: ignore[no-untyped-def]
            return Text(f"{task.speed:.1f}/s" if task.speed else "–/s", style="progress.data.speed")

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        console=console, disable=not console.is_terminal, transient=False)
    progress.add_task(label, total=total)
    return progress


def _say(progress: Progress, line: str) -> None:
    if progress.disable:
        typer.echo(line, err=True)
    else:
        progress.console.print(line, markup=False, highlight=False)


def ingest(
    inputs: Annotated[list[str] | None, typer.Argument(help="Files, folders (recursive), http(s) URLs, or '-' for stdin.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Treat the inputs (and '-') as JSON Lines.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction processes (default: one per core).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also name each stored and duplicate input.")] = False,
    summary_json: Annotated[bool, typer.Option("--summary-json", help="Print the summary as JSON on stdout.")] = False,
) -> None:
    """Store articles with their extraction, each distinct text once; exit 1 when any input failed."""
    from app.ingest.readers import (
        Candidate,
        count_inputs,
        file_candidates,
        http_client,
        jsonl_candidates,
        list_files,
        url_candidate,
    )
    from app.ingest.runner import FAILED, IngestRunner, Outcome
    from app.store import ArticleMeta
    from app.textio import UnreadableInput, decode_bytes

    inputs = inputs or []
    if not inputs:
        typer.echo("error: give files, folders or URLs to ingest, or --jsonl - to read JSON Lines on stdin", err=True)
        raise typer.Exit(2)
    stdin_lines: list[str] = []
    if "-" in inputs:
        stdin_lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace").read().splitlines() \
            if hasattr(sys.stdin, "buffer") else sys.stdin.read().splitlines()
    urls = [i for i in inputs if "://" in i]  # other schemes get a clear "only http(s)" error
    files = list(list_files(Path(i) for i in inputs if i != "-" and i not in urls))
    total = len(urls) + (count_inputs(files) if not jsonl else sum(count_inputs([f]) if f.exists() else 1 for f in files))
    total += sum(1 for line in stdin_lines if line.strip()) if jsonl else (1 if "-" in inputs else 0)

    client = http_client()

    def candidates() -> Iterator[Candidate]:
        if "-" in inputs:
            if jsonl:
                yield from jsonl_candidates(stdin_lines, "stdin")
            else:
                try:
                    text = decode_bytes("\n".join(stdin_lines).encode("utf-8"), "stdin")
                    yield Candidate("stdin", meta=ArticleMeta(text=text))
                except UnreadableInput as exc:
                    yield Candidate("stdin", error=str(exc))
        if jsonl:
            for path in files:
                try:
                    yield from jsonl_candidates(path.read_text(encoding="utf-8", errors="replace").splitlines(), str(path))
                except OSError as exc:
                    yield Candidate(str(path), error=f"{path}: cannot read ({exc.strerror or exc})")
        else:
            yield from file_candidates(files)
        for url in urls:
            yield url_candidate(client, url)

    with _database() as factory, _progress(total or None, "ingesting") as progress:
        def report(outcome: Outcome) -> None:
            progress.advance(progress.task_ids[0])
            if outcome.status == FAILED:
                _say(progress, f"error: {outcome.message}")
            elif verbose:
                _say(progress, f"{outcome.status.replace('_', '-')}: {outcome.message}")

        summary = IngestRunner(factory, processes=processes, on_outcome=report).run(candidates())
    client.close()
    typer.echo(summary.line(), err=True)
    if summary_json:
        typer.echo(json.dumps(summary.as_dict()))
    if not summary.ok:
        raise typer.Exit(1)


def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs.")],
    every: Annotated[float, typer.Option(help="Minutes between polls.")] = 15.0,
    once: Annotated[bool, typer.Option("--once", help="Poll each feed once and stop.")] = False,
) -> None:
    """Poll feeds and ingest new entries; entries already seen are remembered in the database."""
    from app.extract.pipeline import Extractor
    from app.ingest.feeds import feed_candidates, record_feed_outcome, unseen_items
    from app.ingest.readers import fetch_feed, http_client
    from app.ingest.runner import FAILED, IngestRunner, Outcome
    from app.textio import UnreadableInput

    if every <= 0:
        typer.echo("error: --every must be a positive number of minutes", err=True)
        raise typer.Exit(2)
    extractor: Extractor | None = None
    failed = False
    with _database() as factory, http_client() as client:
        while True:
            for feed_url in feeds:
                try:
                    items = fetch_feed(client, feed_url)
                except UnreadableInput as exc:
                    typer.echo(f"error: {exc}", err=True)
                    failed = True
                    continue
                with factory() as session:
                    fresh = unseen_items(session, feed_url, items)
                if not fresh:
                    typer.echo(f"{feed_url}: no new entries ({len(items)} in the feed)", err=True)
                    continue
                extractor = extractor or Extractor()

                def report(outcome: Outcome) -> None:
                    if outcome.status == FAILED:
                        typer.echo(f"error: {outcome.message}", err=True)

                summary = IngestRunner(factory, extractor=extractor, on_outcome=report,
                                       record=record_feed_outcome).run(feed_candidates(client, feed_url, fresh))
                failed = failed or not summary.ok
                typer.echo(f"{feed_url}: {summary.line()}", err=True)
            if once:
                break
            time.sleep(every * 60)
    if failed:
        raise typer.Exit(1)


def stats(
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Counts of what the database holds (merged and removed rows not counted)."""
    from sqlalchemy import func, select

    from app.models import Actor, Article, Event, Job, Quote, Source

    if format not in ("text", "json"):
        typer.echo(f"error: --format must be text or json, not {format!r}", err=True)
        raise typer.Exit(2)
    with _database() as factory, factory() as session:
        def count(query) -> int:  # type: ignore[no-untyped-def]
            return session.scalar(select(func.count()).select_from(query.subquery())) or 0

        numbers = {
            "articles": count(select(Article.id)),
            "actors": count(select(Actor.id).where(Actor.merged_into_id.is_(None))),
            "events": count(select(Event.id).where(Event.merged_into_id.is_(None), Event.removed_at.is_(None))),
            "quotes": count(select(Quote.id).where(Quote.merged_into_id.is_(None))),
            "sources": count(select(Source.id)),
            "near_duplicates": count(select(Article.id).where(Article.near_duplicate_of_id.is_not(None))),
            "jobs": count(select(Job.id)),
        }
    if format == "json":
        typer.echo(json.dumps(numbers))
    else:
        for name, value in numbers.items():
            typer.echo(f"{name.replace('_', ' '):>16}  {value:,}")


def reextract(
    all_: Annotated[bool, typer.Option("--all", help="Re-extract every article, not only stale ones.")] = False,
    processes: Annotated[int | None, typer.Option(help="Extraction processes (default: one per core).")] = None,
) -> None:
    """Re-run extraction where the pipeline version is older; article, actor and event ids stay the same."""
    from app.ingest.reextract import reextract as run
    from app.ingest.reextract import stale_article_ids

    with _database() as factory:
        with factory() as session:
            ids = stale_article_ids(session, everything=all_)
        if not ids:
            typer.echo("every article is current: nothing to re-extract", err=True)
            return
        with _progress(len(ids), "re-extracting") as progress:
            def done(article_id: int, error: str | None) -> None:
                progress.advance(progress.task_ids[0])
                if error:
                    _say(progress, f"error: article {article_id}: {error}")

            counts = run(factory, ids, processes=processes, on_done=done)
    typer.echo(f"{counts['reextracted']} articles re-extracted, {counts['failed']} failed", err=True)
    if counts["failed"]:
        raise typer.Exit(1)


def worker(
    threads: Annotated[int, typer.Option(help="Jobs run at the same time.")] = 1,
    processes: Annotated[int, typer.Option(help="Extraction processes per job (1: one model in the worker).")] = 1,
) -> None:
    """Run ingestion jobs from the queue (embedded SQLite queue, or Redis with DATELINE_QUEUE_URL)."""
    from app import jobs
    from app.settings import get_settings

    settings = get_settings()
    with _database():
        pass
    jobs.run_worker(settings, threads=threads, processes=processes)
