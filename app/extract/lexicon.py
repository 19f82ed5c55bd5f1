"""The one way Dateline reads a lexicon: a UTF-8 TSV file whose header row names its columns.

Lines starting with ``#`` are documentation (they say what each column means); blank lines are skipped.
The header must be exactly the columns the reader expects, and every row is checked on load, so a
hand edit that breaks a lexicon fails with the file, line and reason instead of silently matching less.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its cells by column name, and where it came from (for error messages)."""

    cells: dict[str, str]
    path: Path
    line: int

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def fail(self, reason: str) -> LexiconError:
        return LexiconError(f"{self.path}:{self.line}: {reason}")


def read_tsv(path: Path, columns: Sequence[str], *, required: Sequence[str] = (),
             check: Callable[[Row], None] | None = None) -> Iterator[Row]:
    """Rows of ``path`` as cells by column; missing trailing cells read as "". ``required`` columns must
    be non-empty; ``check`` raises (``row.fail(...)``) on a row that is wrong in a way only it knows."""
    header_seen = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if not header_seen:
            if cells != list(columns):
                raise LexiconError(f"{path}:{number}: the header must be {' | '.join(columns)}, not {' | '.join(cells)}")
            header_seen = True
            continue
        if len(cells) > len(columns):
            raise LexiconError(f"{path}:{number}: {len(cells)} cells, but the header names {len(columns)} columns")
        row = Row(dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True)), path, number)
        for column in required:
            if not row[column]:
                raise row.fail(f"the {column!r} column is empty")
        if check is not None:
            check(row)
        yield row
    if not header_seen:
        raise LexiconError(f"{path}: no header row (expected {' | '.join(columns)})")


def word_set(path: Path, column: str = "word", *, classes: Collection[str] | None = None) -> dict[str, frozenset[str]]:
    """A word-list lexicon (columns ``word``, ``class``) as one frozenset per class. With ``classes`` the
    file must use exactly those, so a mistyped or missing class fails on load rather than matching nothing."""
    found: dict[str, set[str]] = {}
    for row in read_tsv(path, (column, "class"), required=(column, "class")):
        found.setdefault(row["class"], set()).add(row[column].lower())
    if classes is not None and set(found) != set(classes):
        raise LexiconError(f"{path}: classes {sorted(found)}, expected {sorted(classes)}")
    return {name: frozenset(words) for name, words in found.items()}
