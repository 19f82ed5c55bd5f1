"""``dateline extract``: the extraction record of files or JSON Lines, in the documented format."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.textio import UnreadableInput, read_text_file

if TYPE_CHECKING:
    from app.extract.pipeline import ArticleInput
    from app.runtime import Runtime


def parse_date(value: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{what} {value!r} is not a YYYY-MM-DD date") from exc


def _jsonl_inputs(stream: Iterable[str]) -> Iterator[tuple[int, ArticleInput | dict[str, Any]]]:
    """(line number, ArticleInput | error record) for each non-blank line."""
    from app.extract.pipeline import ArticleInput

    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, {"id": None, "error": f"line {n}: invalid JSON ({exc.msg} at column {exc.colno})"}
            continue
        if not isinstance(obj, dict):
            yield n, {"id": None, "error": f"line {n}: expected a JSON object, got {type(obj).__name__}"}
            continue
        ident = obj.get("id")
        ident = str(ident) if ident is not None else str(n)
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            yield n, {"id": ident, "error": f"line {n}: 'text' is missing or empty"}
            continue
        published = None
        if obj.get("published"):
            try:
                published = parse_date(str(obj["published"]), "'published'")
            except ValueError as exc:
                yield n, {"id": ident, "error": f"line {n}: {exc}"}
                continue
        title = obj.get("title") if isinstance(obj.get("title"), str) else None
        yield n, ArticleInput(id=ident, text=text, title=title, published=published)


def extract(
    files: Annotated[list[str] | None, typer.Argument(help="Article files (or '-' with --jsonl).")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read JSON Lines articles (from FILE or '-' for stdin).")] = False,
    published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD for FILE input.")] = None,
    processes: Annotated[int, typer.Option(help="Worker processes for --jsonl input.")] = 1,
) -> None:
    from app.runtime import Runtime

    files = files or []
    if not jsonl and not files:
        typer.echo("error: give one or more FILEs, or --jsonl - to read JSON Lines from stdin", err=True)
        raise typer.Exit(2)
    pub = None
    if not jsonl and published:
        try:
            pub = parse_date(published, "--published")
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    with Runtime() as runtime:  # no database: only the model, of the configured name
        if jsonl:
            _extract_jsonl(runtime, files, processes)
            return
        failed = _extract_files(runtime, files, pub)
    if failed:
        raise typer.Exit(1)


def _extract_jsonl(runtime: Runtime, files: list[str], processes: int) -> None:
    """One record (or error record) per non-blank line, in input order, on stdout."""
    from app.extract.parallel import ExtractionPool
    from app.extract.pipeline import ArticleInput, ExtractionError

    out = sys.stdout
    if not files or files == ["-"]:
        entries = list(_jsonl_inputs(sys.stdin))
    else:
        try:
            with open(files[0], encoding="utf-8", errors="replace") as stream:
                entries = list(_jsonl_inputs(stream))
        except OSError as exc:
            typer.echo(f"error: {files[0]}: cannot read ({exc.strerror or exc})", err=True)
            raise typer.Exit(1) from None
    good = [e for _, e in entries if isinstance(e, ArticleInput)]
    with ExtractionPool(processes=processes, model=runtime.spacy_model) as pool:
        results = (rec for _, rec in pool.map((None, item) for item in good))
        for _, entry in entries:
            obj: dict[str, Any]
            if isinstance(entry, ArticleInput):
                rec = next(results)
                obj = {"id": entry.id, "error": str(rec)} if isinstance(rec, ExtractionError) else rec.to_dict()
            else:
                obj = entry
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def _extract_files(runtime: Runtime, files: list[str], pub: dt.date | None) -> int:
    """The records of article files as JSON on stdout (one object for one file); returns how many failed."""
    from app.extract.pipeline import ExtractionError

    records, failed = [], 0
    for name in files:
        try:
            text = read_text_file(Path(name))
            rec = runtime.extractor().extract(text, pub, id=Path(name).name)
            records.append(rec.to_dict())
        except (UnreadableInput, ExtractionError) as exc:
            failed += 1
            typer.echo(f"error: {exc}" if str(name) in str(exc) else f"error: {name}: {exc}", err=True)
    if records:
        payload = records[0] if len(files) == 1 else records
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return failed
