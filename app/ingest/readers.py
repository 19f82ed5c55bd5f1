"""Readers: one file, web page or feed in, ``ArticleMeta`` (or feed entries) out. No NLP, no candidates.

Every reader turns a bad input into a one-line reason (``UnreadableInput``) naming the input, so a bulk
run can report it and go on; ``app.ingest.sources`` maps whole inputs (folders, JSON Lines, uploads) onto
these readers as candidates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.ingest.netguard import PrivateAddress, check_request, guarded_transport
from app.ingest.records import ArticleMeta, canonical_url
from app.textio import MAX_FILE_BYTES, UnreadableInput, decode_bytes, read_text_file

Clock = Callable[[], float]

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


# --- the web ------------------------------------------------------------------------------------------


def http_client(timeout: float = FETCH_TIMEOUT, *, allow_private: bool | None = None) -> httpx.Client:
    """The client every fetch uses; unless ``allow_private`` (default: DATELINE_ALLOW_PRIVATE_URLS), it reaches
    public addresses only, checked after DNS resolution and at every redirect (see ``app.ingest.netguard``)."""
    if allow_private is None:
        from app.settings import get_settings

        allow_private = get_settings().allow_private_urls
    guard: dict[str, Any] = {} if allow_private else {
        "transport": guarded_transport(), "event_hooks": {"request": [check_request]}}
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), follow_redirects=True, max_redirects=5,
        headers={"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"},
        **guard,
    )


def fetch_bytes(client: httpx.Client, url: str, limit: int = MAX_FETCH_BYTES,
                total: float | None = None, clock: Clock = time.monotonic) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of a page, refusing what is too big, too slow or not there.

    httpx's timeout bounds each read, not the download: a server trickling a byte every few seconds would
    hold a worker indefinitely. ``total`` (default: the client's read timeout) bounds the whole fetch, as
    measured by ``clock`` (a test passes its own, so the deadline is checked without waiting for it).
    """
    total = total if total is not None else (client.timeout.read or FETCH_TIMEOUT)
    deadline = clock() + total
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise UnreadableInput(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise UnreadableInput(f"{url}: {int(declared):,} bytes is over the {limit:,}-byte limit")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                if clock() > deadline:
                    raise UnreadableInput(f"{url}: took longer than {total:g} s to download; gave up")
                size += len(chunk)
                if size > limit:
                    raise UnreadableInput(f"{url}: more than {limit:,} bytes, over the limit for one article")
                chunks.append(chunk)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return b"".join(chunks), ctype, str(response.url)
    except PrivateAddress as exc:
        raise PrivateAddress(f"{url}: {exc}") from exc
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
