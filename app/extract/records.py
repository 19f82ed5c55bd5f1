"""Plain records the extractor hands to the rest of Dateline (no spaCy objects escape the NLP layer)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ACTOR_KINDS = ("person", "organization", "country", "group", "place", "product", "role")
QUOTE_KINDS = ("direct", "indirect")
MODALITIES = ("asserted", "planned", "possible", "negated")
MOODS = ("conditional", "demanded", "proposed", "planned", "possible", "negated", "asserted")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Role:
    role: str   # canonical, the key every spelling shares (`United States president`)
    title: str  # as the article writes it (`US President`)


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    maker: str | None = None  # a product's maker, by actor id (`airbus` for `Airbus A380`)
    roles: list[Role] = field(default_factory=list)  # a person's roles, from its titles
    role: str | None = None  # set on an actor that is a role named without its holder (`the US President`)


@dataclass(slots=True)
class Timex:
    text: str
    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class Quote:
    speaker: str | None
    speaker_text: str
    text: str
    kind: str
    cue: str
    start: int
    end: int
    date: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None


@dataclass(slots=True)
class Event:
    id: str
    date: str | None
    type: str | None
    modality: str
    source_actor: str | None
    target_actors: list[str]
    place: str | None
    summary: str
    sentence: str
    start: int
    end: int
    date_text: str | None = None
    trigger: str | None = None
    trigger_start: int | None = None   # char offsets of the trigger words (first to last)
    trigger_end: int | None = None
    mood: str | None = None            # conditional|demanded|proposed|planned|possible|negated|asserted
    reported_by: str | None = None     # actor id of the speaker when the event is told inside a quote
    quote_index: int | None = None     # index into the record's quotes of that quote
    lemma: str | None = None           # the trigger's lemma


@dataclass(slots=True)
class Extraction:
    id: str
    title: str | None
    source: str | None
    published: str | None
    published_inferred: bool
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    pipeline_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
