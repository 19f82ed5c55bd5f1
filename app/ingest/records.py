"""Ingestion's plain records, free of NLP, MinHash and storage, so the web (which only creates jobs and shows
their progress) imports no spaCy, numpy or datasketch: what a reader knows about an article, the canonical
form of its URL, and the names of what can become of an input (``app.ingest.sources.Outcome``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.textio import UnreadableInput

STORED, NEAR_DUPLICATE, DUPLICATE, FAILED = "stored", "near_duplicate", "duplicate", "failed"
STATUSES = (STORED, NEAR_DUPLICATE, DUPLICATE, FAILED)
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


@dataclass(slots=True)
class ArticleMeta:
    """What ingestion knows about an article besides its text."""

    text: str
    external_id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    published: dt.date | None = None


def canonical_url(url: str) -> str:
    """The form two links to one page share: lower-case scheme and host, no fragment, no tracking, no trailing /.

    A malformed URL (``http://[::1``, a non-numeric port) raises ``UnreadableInput``, never ``ValueError``, so a
    caller can turn it into an error for that one input instead of losing the whole run.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnreadableInput(f"{url}: not a valid URL") from exc
    host = (parts.hostname or "").lower()
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))
