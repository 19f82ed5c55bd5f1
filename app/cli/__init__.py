"""The ``dateline`` command line."""

from __future__ import annotations

import typer

from app.cli import extract_cmd

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


def main() -> None:
    cli()
