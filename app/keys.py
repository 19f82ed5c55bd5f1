"""Text keys: the normal forms that decide when two texts, names or titles are the same thing."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_SLUG = re.compile(r"[^a-z0-9]+")
_QUOTES_DASHES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def normalise_text(text: str) -> str:
    """The form duplicates share: case, accents, quotes and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES_DASHES)
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """Two articles with this hash are the same text (see ``normalise_text``)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def normalise_alias(name: str) -> str:
    """The key an alias is looked up by: 'The Kremlin' and 'kremlin' are one alias."""
    return re.sub(r"^the ", "", normalise_text(name))


def slugify(text: str, limit: int = 80) -> str:
    """The readable part of a URL (event and article slugs); never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-") or "item"


def actor_slug(name: str) -> str:
    """An actor's stable identity from its canonical name: 'O'Brien' and 'OBrien' share one."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[’'`.]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "actor"
