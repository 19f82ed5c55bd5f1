"""Sources: every kind of input (file, folder, stdin, JSON Lines, URL, feed entry, upload, pasted text) as candidates.

The command line (``dateline ingest``, ``watch``), the web form and the job worker all map their inputs
here, so the same file named on the command line or uploaded becomes the same candidate with the same
message. Web inputs are kept as ``RawInput`` (kind, label, payload) in a job until a worker reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.ingest.readers import (
    FeedItem,
    feed_item_article,
    fetch_article,
    meta_from_html,
    parse_date,
    read_html_file,
    read_txt,
)
from app.ingest.records import ArticleMeta, canonical_url
from app.textio import MAX_FILE_BYTES, UnreadableInput, bom_encoding, decode_bytes, decode_lines

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# Files in a folder that document the folder rather than report news (the BBC corpus has README.TXT).
NOT_ARTICLES = {"readme", "license", "licence", "copying", "source", "sources", "changelog"}
WEB_SCHEMES = ("http", "https")


@dataclass(slots=True)
class Candidate:
    """One input on its way in: either its article already read, a deferred loader (URLs), or an error."""

    label: str
    meta: ArticleMeta | None = None
    error: str | None = None
    load: Callable[[], ArticleMeta] | None = None
    url: str | None = None
    token: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Outcome:
    """What became of one input; ``message`` is the one line a person reads."""

    candidate: Candidate
    status: str
    message: str = ""
    article_id: int | None = None
    duplicate_of: int | None = None
    score: float | None = None


@dataclass(slots=True)
class RawInput:
    """One input as given, before it is read (a job keeps it so); ``error`` marks one refused on arrival."""

    kind: str
    label: str
    payload: str
    error: str | None = None


def kind_of_name(name: str) -> str:
    """What a file's name says it holds: ``jsonl``, ``html`` or (anything else) ``text``."""
    suffix = PurePath(name).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return "html" if suffix in HTML_SUFFIXES else "text"


def is_web_url(url: str) -> bool:
    """Whether a link is an http(s) address with a host: the only kind stored, linked or fetched.

    An allow-list, not a deny-list: ``javascript:``, ``data:``, ``file:`` and any scheme yet to be invented
    would otherwise reach the article page's "Original article" link.
    """
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
    except ValueError:
        return False


def not_web_url(label: str, url: str, what: str = "url") -> str:
    """The error for a link that is not http(s), naming the input and the link."""
    shown = url if len(url) <= 80 else url[:77] + "..."
    return f"{label}: {what} {shown!r} is not an http:// or https:// address; only web links are accepted"


# --- JSON Lines -------------------------------------------------------------------------------------------


def jsonl_candidates(lines: Iterable[str], name: str) -> Iterator[Candidate]:
    """One candidate per non-blank line; `text` is required, `id` becomes the article's external id."""
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield jsonl_line_candidate(line, name, n)


def jsonl_line_candidate(line: str, name: str, n: int) -> Candidate:
    """Line ``n`` of a JSON Lines input: its article, or an error naming the line and what is wrong."""
    label = f"{name}:{n}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Candidate(label, error=f"{label}: invalid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(obj, dict):
        return Candidate(label, error=f"{label}: expected a JSON object, got {type(obj).__name__}")
    ident = obj.get("id")
    if ident is not None:
        label = f"{name}:{n} (id {ident})"
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return Candidate(label, error=f"{label}: 'text' is missing or empty")
    published = parse_date(obj.get("published"))
    if obj.get("published") and published is None:
        return Candidate(label, error=f"{label}: 'published' {obj['published']!r} is not a YYYY-MM-DD date")
    url = obj.get("url") if isinstance(obj.get("url"), str) and obj["url"].strip() else None

    def _str(key: str, obj: dict[str, Any] = obj) -> str | None:
        value = obj.get(key)
        return value.strip() or None if isinstance(value, str) else None

    try:
        canonical = canonical_url(url) if url else None
    except UnreadableInput as exc:
        return Candidate(label, error=f"{label}: 'url' {exc}")
    if url is not None and not is_web_url(url):
        return Candidate(label, error=not_web_url(label, url, "'url'"))
    meta = ArticleMeta(
        text=text, external_id=str(ident)[:300] if ident is not None else None, title=_str("title"),
        url=canonical, source=_str("source"), author=_str("author"),
        published=published,
    )
    return Candidate(label, meta=meta, url=meta.url)


# --- files and folders ------------------------------------------------------------------------------------


def _file_candidate(path: Path) -> Candidate:
    label = str(path)
    loader = read_html_file if kind_of_name(path.name) == "html" else read_txt
    try:
        return Candidate(label, meta=loader(path))
    except UnreadableInput as exc:
        return Candidate(label, error=str(exc))


def _jsonl_file_candidates(path: Path) -> Iterator[Candidate]:
    """Each line decoded on its own: a binary or undecodable line is that line's error, the rest still read."""
    name = str(path)
    try:
        with path.open("rb") as fh:
            if bom_encoding(fh.read(4)) not in (None, "utf-8-sig"):  # UTF-16/32: lines are not split on b"\n"
                yield from jsonl_candidates(decode_lines(path.read_bytes()), name)
                return
            fh.seek(0)
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    line = decode_bytes(raw, f"{name}:{n}")
                except UnreadableInput as exc:
                    yield Candidate(f"{name}:{n}", error=str(exc))
                    continue
                yield jsonl_line_candidate(line, name, n)
    except OSError as exc:
        yield Candidate(name, error=f"{path}: cannot read ({exc})")


def list_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and article files found recursively in folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(p.startswith(".") for p in child.relative_to(path).parts):
                    suffix = child.suffix.lower()
                    if suffix in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES and \
                            child.stem.lower() not in NOT_ARTICLES:
                        yield child
        else:
            yield path


def count_inputs(files: list[Path]) -> int:
    """How many candidates the files hold (JSON Lines count per non-blank line), for the progress bar."""
    total = 0
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def file_candidates(files: Iterable[Path]) -> Iterator[Candidate]:
    for path in files:
        if not path.exists():
            yield Candidate(str(path), error=f"{path}: no such file or folder")
        elif kind_of_name(path.name) == "jsonl":
            yield from _jsonl_file_candidates(path)
        else:
            yield _file_candidate(path)


# --- URLs and feed entries --------------------------------------------------------------------------------


def url_candidate(client: httpx.Client, url: str, token: Any = None) -> Candidate:
    """A deferred fetch: the runner checks the canonical URL first, so a stored page is never fetched again."""
    if not url.lower().startswith(("http://", "https://")):
        return Candidate(url, error=f"{url}: only http:// and https:// URLs can be fetched", token=token)
    try:
        canonical = canonical_url(url)
    except UnreadableInput as exc:
        return Candidate(url, error=str(exc), token=token)
    if not is_web_url(url):
        return Candidate(url, error=f"{url}: only http:// and https:// URLs with a host can be fetched", token=token)
    return Candidate(url, load=lambda: fetch_article(client, url), url=canonical, token=token)


def entry_candidate(client: httpx.Client, feed_url: str, item: FeedItem, label: str, token: Any = None) -> Candidate:
    """A feed entry as a deferred fetch; ``extra`` names the entry so its outcome is remembered per feed."""
    extra = {"feed": feed_url, "entry": item.key}
    try:
        canonical = canonical_url(item.link) if item.link else None
    except UnreadableInput as exc:
        return Candidate(label, error=str(exc), token=token, extra=extra)
    if item.link and not is_web_url(item.link):
        return Candidate(label, error=not_web_url(label, item.link, "link"), token=token, extra=extra)
    return Candidate(label, load=lambda: feed_item_article(client, item, feed_url), url=canonical, token=token,
                     extra=extra)


def feed_candidates(client: httpx.Client, feed_url: str, items: list[FeedItem]) -> Iterator[Candidate]:
    """The entries ``dateline watch`` takes in, each labelled with its feed."""
    for item in items:
        candidate = entry_candidate(client, feed_url, item, f"{feed_url} entry {item.link or item.key}")
        if candidate.error and not candidate.error.startswith(candidate.label):
            candidate.error = f"{candidate.label}: {candidate.error}"
        yield candidate


def entry_payload(feed_url: str, item: FeedItem) -> str:
    """A feed entry as a job item's payload, so a restarted worker reads it without refetching the feed."""
    return json.dumps({"feed": feed_url, "key": item.key, "link": item.link, "title": item.title,
                       "published": item.published.isoformat() if item.published else None,
                       "content": item.content})


def _entry_from_payload(payload: str) -> tuple[str, FeedItem]:
    data = json.loads(payload)
    return data["feed"], FeedItem(key=data["key"], link=data.get("link"), title=data.get("title"),
                                  published=parse_date(data.get("published")), content=data.get("content"))


def raw_candidate(raw: RawInput, client: httpx.Client, token: Any = None) -> Candidate:
    """The runner's view of a kept input (a job item); ``token`` carries the item back to its bookkeeping."""
    label = raw.label
    if raw.kind == "text":
        return Candidate(label, meta=ArticleMeta(text=raw.payload), token=token)
    if raw.kind == "html":
        try:
            return Candidate(label, meta=meta_from_html(raw.payload, label), token=token)
        except UnreadableInput as exc:
            return Candidate(label, error=str(exc), token=token)
    if raw.kind == "jsonl":
        name, _, number = label.rpartition(":")  # labelled "file:line" by upload_inputs: named once, not twice
        candidate = jsonl_line_candidate(raw.payload, name, int(number)) if number.isdigit() and name and \
            raw.payload.strip() else next(iter(jsonl_candidates([raw.payload], label)), None) or \
            Candidate(label, error=f"{label}: empty line")
        candidate.token = token
        return candidate
    if raw.kind == "url":
        return url_candidate(client, raw.payload.strip(), token=token)
    if raw.kind == "entry":
        feed_url, item = _entry_from_payload(raw.payload)
        return entry_candidate(client, feed_url, item, label, token=token)
    return Candidate(label, error=f"{label}: unknown input kind {raw.kind!r}", token=token)


# --- the command line -------------------------------------------------------------------------------------


class CommandLineInputs:
    """``dateline ingest`` arguments: files, folders, http(s) URLs and '-' (stdin), plain or as JSON Lines."""

    def __init__(self, inputs: list[str], *, jsonl: bool, stdin_lines: list[str]) -> None:
        self.inputs = inputs
        self.jsonl = jsonl
        self.stdin_lines = stdin_lines
        self.urls = [i for i in inputs if "://" in i]  # other schemes get a clear "only http(s)" error
        self.files = list(list_files(Path(i) for i in inputs if i != "-" and i not in self.urls))

    @property
    def reads_stdin(self) -> bool:
        return "-" in self.inputs

    def total(self) -> int:
        """How many candidates to expect, for the progress bar."""
        files = self.files
        total = len(self.urls) + (count_inputs(files) if not self.jsonl
                                  else sum(count_inputs([f]) if f.exists() else 1 for f in files))
        if self.jsonl:
            return total + sum(1 for line in self.stdin_lines if line.strip())
        return total + (1 if self.reads_stdin else 0)

    def candidates(self, client: httpx.Client) -> Iterator[Candidate]:
        """stdin first, then files in order, then URLs (fetched only when the runner gets to them)."""
        if self.reads_stdin:
            yield from self._stdin()
        if self.jsonl:
            for path in self.files:
                try:
                    lines = decode_lines(path.read_bytes())
                except OSError as exc:
                    yield Candidate(str(path), error=f"{path}: cannot read ({exc.strerror or exc})")
                    continue
                yield from jsonl_candidates(lines, str(path))
        else:
            yield from file_candidates(self.files)
        for url in self.urls:
            yield url_candidate(client, url)

    def _stdin(self) -> Iterator[Candidate]:
        if self.jsonl:
            yield from jsonl_candidates(self.stdin_lines, "stdin")
            return
        try:
            text = decode_bytes("\n".join(self.stdin_lines).encode("utf-8"), "stdin")
            yield Candidate("stdin", meta=ArticleMeta(text=text))
        except UnreadableInput as exc:
            yield Candidate("stdin", error=str(exc))


# --- the web form -----------------------------------------------------------------------------------------


def upload_inputs(filename: str | None, data: bytes) -> list[RawInput]:
    """An uploaded file's inputs: one per JSON line, one per text or HTML file; bad files fail visibly.

    ``data`` may hold one byte over the limit (the caller reads no more), which marks the file oversize.
    """
    name = PurePath(filename or "upload").name or "upload"
    if len(data) > MAX_FILE_BYTES:
        return [RawInput("text", name, "", error=f"{name}: over the {MAX_FILE_BYTES:,}-byte limit for one file")]
    try:
        text = decode_bytes(data, name)
    except UnreadableInput as exc:
        return [RawInput("text", name, "", error=str(exc))]
    kind = kind_of_name(name)
    if kind == "jsonl":
        return [RawInput("jsonl", f"{name}:{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return [RawInput(kind, name, text)]


def text_inputs(texts: list[str]) -> list[RawInput]:
    """Texts sent as a JSON list, numbered; blank ones are left out."""
    return [RawInput("text", f"text {n}", t) for n, t in enumerate(texts, 1) if t.strip()]


def pasted_input(pasted: str) -> list[RawInput]:
    """The form's text box, when it holds anything."""
    return [RawInput("text", "pasted text", pasted.replace("\r\n", "\n"))] if pasted.strip() else []


def url_inputs(urls: list[str]) -> list[RawInput]:
    return [RawInput("url", u, u) for u in urls]


def feed_inputs(feeds: list[str]) -> list[RawInput]:
    return [RawInput("feed", f, f) for f in feeds]
