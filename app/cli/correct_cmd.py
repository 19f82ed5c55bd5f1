"""``dateline correct ACTION ...`` (one command per correction, made from its declaration) and ``dateline corrections``."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from app.corrections.common import Action

correct = typer.Typer(no_args_is_help=True, help="Correct what extraction got wrong; every change is logged.")

# how a field is given on the command line: an option rather than an argument, or several arguments
OPTIONAL = {"kind": "the new actor's kind (default: the actor's own)", "reason": "why (shown with the 410)"}
ARGUMENT_HELP = {"keep": "the one that stays (name, alias or slug; an event number)", "other": "the one merged into KEEP",
                 "actor": "name, alias or slug", "event": "event number", "quote": "quote number",
                 "source": "who acted: name, alias or slug ('-' for nobody)", "targets": "on whom (several allowed)",
                 "speaker": "name, alias or slug", "correction": "correction number",
                 "evidence": "the number of one of the event's sources (its page's JSON: evidence[].source_ids)"}
NOTE = Annotated[str, typer.Option("--note", help="Why: shown in the log and on the page.")]
BY = Annotated[str, typer.Option("--by", help="The editor's name.")]


def _apply(body: dict[str, Any]) -> None:
    """Make the correction in one transaction and print it; bad input exits 2, a conflict 1, each with its reason."""
    from app.corrections import correct as make
    from app.db import transaction
    from app.queries.corrections import correction_row
    from app.queries.errors import AppError
    from app.runtime import command_runtime

    with command_runtime() as runtime:
        try:
            with transaction(runtime.sessionmaker) as session:
                row = correction_row(make(session, body))
        except AppError as exc:
            typer.echo(f"error: {exc.detail}" + (f" ({exc.hint})" if exc.hint else ""), err=True)
            raise typer.Exit(2 if exc.status == 422 else 1) from None
    typer.echo(f"correction {row['id']}: {row['words']} ({row['subject']['kind']} {row['subject']['key']})")
    typer.echo(f"  before: {json.dumps(row['before'], ensure_ascii=False)}")
    typer.echo(f"  after:  {json.dumps(row['after'], ensure_ascii=False)}")


def _command(action_name: str, fields: tuple[str, ...]) -> Callable[..., None]:
    """A command whose arguments are the action's fields (typer reads the signature built here)."""
    def run(**values: Any) -> None:
        body = {"action": action_name, **{k: v for k, v in values.items() if v not in (None, [])}}
        if body.get("source") == "-":
            body["source"] = ""
        _apply(body)

    params = []
    for name in fields:
        if name in OPTIONAL:
            kind: Any = Annotated[str | None, typer.Option(f"--{name}", help=OPTIONAL[name])]
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=None))
        elif name == "targets":
            kind = Annotated[list[str] | None, typer.Argument(help=ARGUMENT_HELP[name])]
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=None))
        else:
            kind = Annotated[str, typer.Argument(metavar=name.upper(), help=ARGUMENT_HELP.get(name, name))]
            params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind))
    params += [inspect.Parameter("note", inspect.Parameter.KEYWORD_ONLY, annotation=NOTE, default=""),
               inspect.Parameter("by", inspect.Parameter.KEYWORD_ONLY, annotation=BY, default="")]
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return run


def install(actions: dict[str, Action]) -> None:
    for action in actions.values():
        correct.command(action.name.replace("_", "-"), help=action.describe[:1].upper() + action.describe[1:] + ".")(
            _command(action.name, action.fields))
    correct.command("undo", help="Undo a correction (refused while a later one changed the same thing).")(
        _command("undo", ("correction",)))


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds") + "Z"  # stored in UTC
    raise TypeError(f"{type(value).__name__} is not JSON")


def corrections(
    format: Annotated[str, typer.Option("--format", help="table or jsonl (one correction per line).")] = "table",
) -> None:
    """Every correction in order: id, action, subject, before, after, by, note, at, undone."""
    from app.queries.corrections import corrections_list
    from app.runtime import command_runtime

    if format not in ("table", "jsonl"):
        typer.echo(f"error: --format must be 'table' or 'jsonl', not {format!r}", err=True)
        raise typer.Exit(2)
    rows: list[dict[str, Any]] = []
    with command_runtime(writes=False) as runtime, runtime.sessionmaker() as session:
        after = None
        while True:
            page = corrections_list(session, after)
            rows += page["corrections"]
            if not (after := page["next"]):
                break
    out = sys.stdout
    for row in rows:
        if format == "jsonl":
            fields = ("id", "action", "subject", "before", "after", "by", "note", "at", "undone", "undo_of", "problem")
            out.write(json.dumps({k: row[k] for k in fields}, ensure_ascii=False, default=_iso) + "\n")
        else:
            state = "undone" if row["undone"] else ("NOT APPLIED: " + row["problem"]) if row["problem"] else ""
            out.write(f"{row['id']:>5}  {row['at']:%Y-%m-%d %H:%M}  {row['by'][:12]:<12}  {row['action']:<18}  "
                      f"{row['subject']['kind']} {row['subject']['key']}  {state}\n")
    out.flush()
