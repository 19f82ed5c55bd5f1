"""The ``dateline`` command line."""

from __future__ import annotations

import typer

from app.cli import correct_cmd, db_cmd, extract_cmd, ingest_cmd, serve_cmd, timeline_cmd
from app.corrections import ACTIONS

cli = typer.Typer(
    name="dateline",
    help="Dateline: news articles in, a browsable record of actors, dates, quotes and events out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@cli.callback()
def _root() -> None:
    """Dateline: news articles in, a browsable record of actors, dates, quotes and events out."""


cli.command("extract", help="Print the extraction record (actors, dates, quotes, events) of articles as JSON.")(
    extract_cmd.extract
)
cli.add_typer(db_cmd.db, name="db", help="Database migrations: upgrade, downgrade, check, current.")
cli.command("serve", help="Serve the web dashboard (migrates the database first).")(serve_cmd.serve)
cli.command("timeline", help="An actor's consolidated events in date order (--format jsonl|table).")(timeline_cmd.timeline)
cli.command("load-samples", help="Load the bundled sample articles into an empty database.")(serve_cmd.load_samples)
cli.command("ingest", help="Store files, folders, URLs or JSON Lines with their extraction, each text once.")(ingest_cmd.ingest)
cli.command("watch", help="Poll RSS/Atom feeds every N minutes and ingest new entries.")(ingest_cmd.watch)
cli.command("stats", help="Count stored articles, actors, events and quotes (--format json).")(ingest_cmd.stats)
cli.command("reextract", help="Re-run extraction on articles from an older pipeline (--all: every one).")(ingest_cmd.reextract)
correct_cmd.install(ACTIONS)
cli.add_typer(correct_cmd.correct, name="correct", help="Correct an actor, event or quote (logged; undo any).")
cli.command("corrections", help="Every correction in order (--format table|jsonl).")(correct_cmd.corrections)
cli.command("worker", help="Run queued ingestion jobs (embedded SQLite queue or DATELINE_QUEUE_URL Redis).")(ingest_cmd.worker)


def main() -> None:
    cli()
