"""``dateline ingest``, ``watch``, ``stats``, ``reextract`` and ``worker``: getting articles in and keeping them current."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collections import Counter

    import httpx
    from rich.progress import Progress
    from sqlalchemy.orm import Session, sessionmaker

    from app.runtime import Runtime


def _progress(total: int | None, label: str) -> Progress:
    """A progress bar with count, rate and ETA on stderr; silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
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
    from app.ingest.readers import http_client
    from app.ingest.runner import FAILED, IngestRunner, Outcome
    from app.ingest.sources import CommandLineInputs
    from app.runtime import command_runtime
    from app.textio import decode_lines

    inputs = inputs or []
    if not inputs:
        typer.echo("error: give files, folders or URLs to ingest, or --jsonl - to read JSON Lines on stdin", err=True)
        raise typer.Exit(2)
    stdin_lines: list[str] = []
    if "-" in inputs:
        stdin_lines = decode_lines(sys.stdin.buffer.read()) if hasattr(sys.stdin, "buffer") \
            else sys.stdin.read().splitlines()
    sources = CommandLineInputs(inputs, jsonl=jsonl, stdin_lines=stdin_lines)
    total = sources.total()

    with command_runtime() as runtime, http_client(allow_private=runtime.settings.allow_private_urls) as client, \
            _progress(total or None, "ingesting") as progress:
        def report(outcome: Outcome) -> None:
            progress.advance(progress.task_ids[0])
            if outcome.status == FAILED:
                _say(progress, f"error: {outcome.message}")
            elif verbose:
                _say(progress, f"{outcome.status.replace('_', '-')}: {outcome.message}")

        runner = IngestRunner(runtime.sessionmaker, processes=processes, model=runtime.spacy_model,
                              on_outcome=report)
        summary = runner.run(sources.candidates(client))
    typer.echo(summary.line(), err=True)
    if summary_json:
        typer.echo(json.dumps(summary.as_dict()))
    if not summary.ok:
        raise typer.Exit(1)


def _poll_feed(runtime: Runtime, client: httpx.Client, feed_url: str) -> bool:
    """Take in one feed's unseen entries; False when the feed or any entry failed."""
    from app.ingest.feeds import record_feed_outcome, unseen_items
    from app.ingest.readers import fetch_feed
    from app.ingest.runner import FAILED, IngestRunner, Outcome
    from app.ingest.sources import feed_candidates
    from app.textio import UnreadableInput

    try:
        items = fetch_feed(client, feed_url)
    except UnreadableInput as exc:
        typer.echo(f"error: {exc}", err=True)
        return False
    with runtime.sessionmaker() as session:
        fresh = unseen_items(session, feed_url, items)
    if not fresh:
        typer.echo(f"{feed_url}: no new entries ({len(items)} in the feed)", err=True)
        return True

    def report(outcome: Outcome) -> None:
        if outcome.status == FAILED:
            typer.echo(f"error: {outcome.message}", err=True)

    runner = IngestRunner(runtime.sessionmaker, extractor=runtime.extractor(), on_outcome=report,
                          record=record_feed_outcome)
    summary = runner.run(feed_candidates(client, feed_url, fresh))
    typer.echo(f"{feed_url}: {summary.line()}", err=True)
    return summary.ok


def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs.")],
    every: Annotated[float, typer.Option(help="Minutes between polls.")] = 15.0,
    once: Annotated[bool, typer.Option("--once", help="Poll each feed once and stop.")] = False,
) -> None:
    """Poll feeds and ingest new entries; entries already seen are remembered in the database."""
    from app.ingest.readers import http_client
    from app.runtime import command_runtime

    if every <= 0:
        typer.echo("error: --every must be a positive number of minutes", err=True)
        raise typer.Exit(2)
    failed = False
    with command_runtime() as runtime, http_client(allow_private=runtime.settings.allow_private_urls) as client:
        while True:
            for feed_url in feeds:
                failed = not _poll_feed(runtime, client, feed_url) or failed
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

    from app.models import Job
    from app.queries.counts import corpus_counts
    from app.runtime import command_runtime

    if format not in ("text", "json"):
        typer.echo(f"error: --format must be text or json, not {format!r}", err=True)
        raise typer.Exit(2)
    with command_runtime(writes=False) as runtime, runtime.sessionmaker() as session:
        numbers = {**corpus_counts(session), "jobs": session.scalar(select(func.count(Job.id))) or 0}
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
    from app.runtime import command_runtime

    with command_runtime() as runtime:
        with runtime.sessionmaker() as session:
            ids = stale_article_ids(session, everything=all_)
        if not ids:
            typer.echo("every article is current: nothing to re-extract", err=True)
            return
        with _progress(len(ids), "re-extracting") as progress:
            def done(article_id: int, error: str | None) -> None:
                progress.advance(progress.task_ids[0])
                if error:
                    _say(progress, f"error: article {article_id}: {error}")

            counts = run(runtime.sessionmaker, ids, processes=processes, model=runtime.spacy_model, on_done=done)
        typer.echo(f"{counts['reextracted']} articles re-extracted, {counts['failed']} failed", err=True)
        _report_corrections(runtime.sessionmaker, counts)
    if counts["failed"]:
        raise typer.Exit(1)


def _report_corrections(factory: sessionmaker[Session], counts: Counter[str]) -> None:
    """How many editors' corrections hold after re-extraction, and each one that could not be applied."""
    from app.corrections import live_corrections

    if not counts["corrections_reapplied"] and not counts["corrections_not_applied"]:
        return
    typer.echo(f"corrections: {counts['corrections_reapplied']} re-applied, "
               f"{counts['corrections_not_applied']} could not be applied", err=True)
    with factory() as session:
        for row in live_corrections(session):
            if row.problem:
                typer.echo(f"  correction {row.id} ({row.action} {row.subject_kind} {row.subject_key}): "
                           f"{row.problem}", err=True)


def worker(
    threads: Annotated[int, typer.Option(help="Jobs run at the same time.")] = 1,
    processes: Annotated[int, typer.Option(help="Extraction processes per job (1: one model in the worker).")] = 1,
) -> None:
    """Run ingestion jobs from the queue (embedded SQLite queue, or Redis with DATELINE_QUEUE_URL)."""
    from app.runtime import command_runtime
    from app.settings import get_settings

    with command_runtime(data_dir=not get_settings().queue_url) as runtime:
        runtime.job_worker(processes=processes).serve(threads=threads)
