"""``dateline timeline --actor NAME``: an actor's consolidated events in date order (JSON Lines or a table)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer


def timeline(
    actor: Annotated[str, typer.Option("--actor", help="Actor name or alias (case-insensitive).")],
    format: Annotated[str, typer.Option("--format", help="jsonl (one event per line) or table.")] = "jsonl",
    denials: Annotated[bool, typer.Option("--denials", help="Also list what the articles say did not happen.")]
    = False,
) -> None:
    from app import migrate
    from app.db import make_engine, make_sessionmaker
    from app.queries.actor_timeline import actor_timeline
    from app.settings import get_settings

    if format not in ("jsonl", "table"):
        typer.echo(f"error: --format must be 'jsonl' or 'table', not {format!r}", err=True)
        raise typer.Exit(2)
    if not actor.strip():
        typer.echo("error: --actor needs a name", err=True)
        raise typer.Exit(2)
    url = get_settings().database_url
    migrate.ensure_schema(url)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            events = actor_timeline(session, actor, denials=denials)
    finally:
        engine.dispose()
    out = sys.stdout
    if format == "jsonl":
        for event in events:
            out.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(f"{'date':<10}  {'type':<10}  {'src':>3}  summary\n")
        for event in events:
            summary = " ".join(event.summary.split())
            out.write(f"{event.date or '?':<10}  {event.type or '-':<10}  {len(event.sources):>3}  {summary[:90]}\n")
        if not events:
            typer.echo(f"no events for {actor!r}", err=True)
    out.flush()
