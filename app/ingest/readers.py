"""Readers: files, folders, JSON Lines, web pages and feeds in, ``Candidate`` articles out. No NLP here.

Every reader turns a bad input into a one-line reason (``UnreadableInput``) naming the input, so a bulk
run can report it and go on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.ingest.dedup import canonical_url
from app.store import ArticleMeta
from app.textio import MAX_FILE_BYTES, UnreadableInput, decode_bytes, read_text_file

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# Files in a folder that document the folder rather than report news (the BBC corpus has README.TXT).
NOT_ARTICLES = {"readme", "license", "licence", "copying", "source", "sources", "changelog"}
MIN_MAIN_TEXT = 40
FETCH_TIMEOUT = 15.0
MAX_FETCH_BYTES = MAX_FILE_BYTES


def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("dateline")
    except PackageNotFoundError:
        ver = "dev"
    return f"Dateline/{ver} (+https://github.com/dateline)"


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


def parse_date(value: object) -> dt.date | None:
    """A date from the ISO-ish strings exports and feeds carry; None when there is no usable date."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# --- files --------------------------------------------------------------------------------------------


def read_txt(path: Path) -> ArticleMeta:
    """The whole text as-is: the extractor's layout reader finds title, dateline and captions itself."""
    return ArticleMeta(text=read_text_file(path))


def meta_from_html(html: str, label: str, url: str | None = None) -> ArticleMeta:
    """Main text and metadata of a web page (trafilatura), or the reason there is no article in it."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception as exc:
        raise UnreadableInput(f"{label}: the HTML could not be parsed ({type(exc).__name__})") from exc
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip()
    if len(text) < MIN_MAIN_TEXT:
        raise UnreadableInput(f"{label}: no main article text found in the HTML")
    title = (data.get("title") or "").strip() or None
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
    body = f"{title}\n\n{text}" if title else text
    return ArticleMeta(
        text=body, title=title, url=url, author=(data.get("author") or None),
        source=(data.get("sitename") or data.get("hostname") or None), published=parse_date(data.get("date")),
    )


def read_html_file(path: Path) -> ArticleMeta:
    return meta_from_html(read_text_file(path), str(path))


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

    def _str(key: str, obj: dict = obj) -> str | None:
        value = obj.get(key)
        return value.strip() or None if isinstance(value, str) else None

    try:
        canonical = canonical_url(url) if url else None
    except UnreadableInput as exc:
        return Candidate(label, error=f"{label}: 'url' {exc}")
    meta = ArticleMeta(
        text=text, external_id=str(ident)[:300] if ident is not None else None, title=_str("title"),
        url=canonical, source=_str("source"), author=_str("author"),
        published=published,
    )
    return Candidate(label, meta=meta, url=meta.url)


def _file_candidate(path: Path) -> Candidate:
    label = str(path)
    suffix = path.suffix.lower()
    loader = read_html_file if suffix in HTML_SUFFIXES else read_txt
    try:
        return Candidate(label, meta=loader(path))
    except UnreadableInput as exc:
        return Candidate(label, error=str(exc))


def _jsonl_file_candidates(path: Path) -> Iterator[Candidate]:
    """Each line decoded on its own: a binary or undecodable line is that line's error, the rest still read."""
    name = str(path)
    try:
        with path.open("rb") as fh:
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
        elif path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_file_candidates(path)
        else:
            yield _file_candidate(path)


# --- the web ------------------------------------------------------------------------------------------


def http_client(timeout: float = FETCH_TIMEOUT) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=True, max_redirects=5,
        headers={"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"},
    )


def fetch_bytes(client: httpx.Client, url: str, limit: int = MAX_FETCH_BYTES,
                total: float | None = None) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of a page, refusing what is too big, too slow or not there.

    httpx's timeout bounds each read, not the download: a server trickling a byte every few seconds would
    hold a worker indefinitely. ``total`` (default: the client's read timeout) bounds the whole fetch.
    """
    total = total if total is not None else (client.timeout.read or FETCH_TIMEOUT)
    deadline = time.monotonic() + total
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise UnreadableInput(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise UnreadableInput(f"{url}: {int(declared):,} bytes is over the {limit:,}-byte limit")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise UnreadableInput(f"{url}: took longer than {total:g} s to download; gave up")
                size += len(chunk)
                if size > limit:
                    raise UnreadableInput(f"{url}: more than {limit:,} bytes, over the limit for one article")
                chunks.append(chunk)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return b"".join(chunks), ctype, str(response.url)
    except httpx.TimeoutException as exc:
        raise UnreadableInput(f"{url}: timed out after {client.timeout.read or FETCH_TIMEOUT:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise UnreadableInput(f"{url}: too many redirects") from exc
    except httpx.InvalidURL as exc:
        raise UnreadableInput(f"{url}: not a valid URL ({exc})") from exc
    except httpx.HTTPError as exc:
        raise UnreadableInput(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from exc


def fetch_article(client: httpx.Client, url: str) -> ArticleMeta:
    """The article at a URL: HTML through trafilatura, plain text as-is; the URL is kept canonical."""
    body, ctype, final = fetch_bytes(client, url)
    if ctype and ctype not in ("text/plain", "text/markdown", "text/html", "application/xhtml+xml"):
        raise UnreadableInput(f"{url}: content type {ctype!r} is not an article (HTML or plain text expected)")
    text = decode_bytes(body, url)
    if ctype in ("text/plain", "text/markdown") and text.lstrip()[:1] != "<":
        meta = ArticleMeta(text=text)
    else:
        meta = meta_from_html(text, url, url=final)
    meta.url = canonical_url(url)
    return meta


def url_candidate(client: httpx.Client, url: str, token: Any = None) -> Candidate:
    """A deferred fetch: the runner checks the canonical URL first, so a stored page is never fetched again."""
    if not url.lower().startswith(("http://", "https://")):
        return Candidate(url, error=f"{url}: only http:// and https:// URLs can be fetched", token=token)
    try:
        canonical = canonical_url(url)
    except UnreadableInput as exc:
        return Candidate(url, error=str(exc), token=token)
    return Candidate(url, load=lambda: fetch_article(client, url), url=canonical, token=token)


@dataclass(slots=True)
class FeedItem:
    key: str
    link: str | None
    title: str | None
    published: dt.date | None
    content: str | None


def parse_feed(data: bytes, feed_url: str) -> list[FeedItem]:
    """Entries of an RSS/Atom document; a document with no entries that feedparser calls broken is an error."""
    import feedparser

    parsed = feedparser.parse(data)
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        key = entry.get("id") or link or entry.get("title")
        if not key:
            continue
        published = None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            published = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
        content = None
        if entry.get("content"):
            content = entry["content"][0].get("value")
        items.append(FeedItem(key=str(key), link=link, title=entry.get("title"), published=published,
                              content=content or entry.get("summary")))
    if not items and (parsed.get("bozo") or not parsed.get("version")):
        reason = str(parsed.get("bozo_exception") or "not RSS or Atom").splitlines()[0]
        raise UnreadableInput(f"{feed_url}: not a readable feed ({reason})")
    return items


def fetch_feed(client: httpx.Client, feed_url: str) -> list[FeedItem]:
    body, _ctype, _final = fetch_bytes(client, feed_url)
    return parse_feed(body, feed_url)


def feed_item_article(client: httpx.Client, item: FeedItem, feed_url: str) -> ArticleMeta:
    """The linked page when it can be fetched, else the entry's own content; the feed's date wins when set."""
    error: UnreadableInput | None = None
    meta: ArticleMeta | None = None
    if item.link:
        try:
            meta = fetch_article(client, item.link)
        except UnreadableInput as exc:
            error = exc
    if meta is None and item.content:
        with contextlib.suppress(UnreadableInput):
            meta = meta_from_html(item.content, f"{feed_url} entry {item.key}", url=item.link)
    if meta is None:
        raise error or UnreadableInput(f"{feed_url}: entry {item.key!r} has neither a fetchable link nor text")
    meta.title = meta.title or item.title
    meta.published = item.published or meta.published
    if item.link:
        meta.url = canonical_url(item.link)
    return meta
