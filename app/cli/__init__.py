"""The ``dateline`` command line."""

from __future__ import annotations

import typer

from app.cli import db_cmd, extract_cmd, serve_cmd

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
cli.command("load-samples", help="Load the bundled sample articles into an empty database.")(serve_cmd.load_samples)


def main() -> None:
    cli()
