"""The spaCy factory ``dateline_events_v1``: one ``records.Event`` per trigger, set as ``doc._.dl_events``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extract.actors.index import ActorIndex
from app.extract.events.arguments import ActorTokens, phrase, place, resolve_subject, subject, targets
from app.extract.events.dates import DateLinks, attach_dates, pick_date, usable
from app.extract.events.frames import ASSERTED, PLANNED, POSSIBLE, announced_intent, fold_control, modality
from app.extract.events.lexicon import TRIGGERS_PATH, TriggerTable, load_lexicon
from app.extract.events.summary import squash, summary
from app.extract.events.triggers import Cand, candidates
from app.extract.records import Event, Timex
from app.extract.timex import timex_interval
from app.vocab import COOPERATIVE, MATERIAL_CONFLICT

if not Doc.has_extension("dl_events"):
    Doc.set_extension("dl_events", default=None)

MAX_TRIGGER_SPREAD = 6  # trigger words further apart than this are joined by spaces, not quoted as text


@dataclass(frozen=True, slots=True)
class EventSettings:
    """The component's knobs (its spaCy config): the trigger table and how long headlines and places run."""

    trigger_lexicon: str | None = None   # a trigger table like data/plover_triggers.tsv; None: the bundled one
    summary_max_chars: int = 160
    place_max_tokens: int = 8

    def lexicon_path(self) -> str:
        return self.trigger_lexicon or str(TRIGGERS_PATH)


DEFAULT_SETTINGS = EventSettings()


@dataclass(slots=True)
class _DocContext:
    """What every event of one doc is read against."""

    text: str                  # the original text (offsets and quoted words come from it)
    actors: ActorTokens
    timex_tokens: set[int]     # tokens inside a usable timex: never a place
    published: dt.date | None
    dates: DateLinks
    settings: EventSettings


def _actor_index(doc: Doc) -> ActorIndex:
    index = doc._.dl_actor_index if Doc.has_extension("dl_actor_index") else None
    return index if index is not None else ActorIndex(doc._.dl_actors or [], doc._.dl_actor_spans or [])


def _timex_tokens(doc: Doc, timexes: list[Timex]) -> set[int]:
    tokens: set[int] = set()
    for tx in timexes:
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is not None:
            tokens.update(range(span.start, span.end))
    return tokens


def _source(c: Cand, actors: ActorTokens) -> tuple[Token | None, Token | None, str | None]:
    """(subject token, passive patient, source actor): the subject's actor, else a noun trigger's possessor."""
    subj_tok, patient = subject(c.governor if c.frame and c.governor is not None else c.anchor)
    if c.trigger is not c.anchor and c.trigger.dep_ in ("nsubj", "nsubjpass"):
        subj_tok = None
        poss = next((x for x in c.trigger.children if x.dep_ == "poss"), None)
        src_list = actors.actors_of(poss) if poss is not None else []
    else:
        src_list = resolve_subject(subj_tok, c.anchor, actors)
    if (not src_list and c.trigger is not c.anchor) or (not src_list and c.trigger.pos_ == "NOUN"):
        poss = next((x for x in c.trigger.children if x.dep_ in ("poss",)), None)
        if poss is not None:
            src_list = actors.actors_of(poss)
    return subj_tok, patient, src_list[0] if src_list else None


def _is_background(c: Cand) -> bool:
    """Background modifiers: "a member jailed a year ago", "a group that has seized ..."."""
    t = c.trigger
    return t is c.anchor and (t.dep_ == "relcl" or (t.tag_ == "VBN" and t.dep_ in ("amod", "acl")))


def _modality(c: Cand, subj_tok: Token | None, source: str | None, tx: Timex | None, ctx: _DocContext) -> str:
    """The candidate's modality; an announced will-clause becomes a planned AGREE/THREATEN (sets c.type)."""
    mod = modality(c.trigger, c.anchor, c.frame)
    if c.type and not c.frame and mod in (PLANNED, POSSIBLE):
        if announced_intent(c.anchor, subj_tok, source, ctx.actors):
            mod = PLANNED
            c.type = "AGREE" if c.type in COOPERATIVE else "THREATEN" if c.type in MATERIAL_CONFLICT else c.type
    if mod == ASSERTED and tx is not None and ctx.published is not None:
        interval = timex_interval(tx.value)
        if interval and interval[0] > ctx.published:
            mod = PLANNED
    return mod


def _place_text(c: Cand, ctx: _DocContext) -> str | None:
    ptok = place(c.trigger, c.anchor, ctx.timex_tokens)
    if ptok is None:
        return None
    ps, pe = phrase(ptok, ctx.settings.place_max_tokens)
    return squash(ctx.text, ps, pe)


def _trigger_text(c: Cand, text: str) -> str:
    first, last = c.words[0], c.words[-1]
    if len(c.words) > 1 and last.i - first.i > MAX_TRIGGER_SPREAD:
        return " ".join(w.text for w in c.words)
    return squash(text, first.idx, last.idx + len(last.text))


def _event(c: Cand, sent: Span, bounds: tuple[int, int], ctx: _DocContext) -> Event | None:
    """The event record of one surviving candidate, or None when it is background or an undated untyped act."""
    subj_tok, patient, source = _source(c, ctx.actors)
    if _is_background(c):
        return None
    tx, own = pick_date(c, sent, ctx.dates)
    if c.type is None and (source is None or not own):
        return None  # untyped: only an actor's act with its own date is worth a record
    tgt = targets(c.trigger, c.anchor, patient, ctx.actors, source)
    if c.frame == "request" and c.governor is not None:
        tgt = [a for a in targets(c.governor, c.governor, None, ctx.actors, source) if a not in tgt] + tgt
    mod = _modality(c, subj_tok, source, tx, ctx)
    date = tx.value if tx is not None else (ctx.published.isoformat() if ctx.published else None)
    names = [ctx.actors.names.get(a, a) for a in tgt]
    source_name = ctx.actors.names.get(source) if source else None
    s_start, s_end = bounds
    return Event(
        id=f"e-{c.trigger.idx}-{c.trigger.lemma_.lower()}",
        date=date,
        type=c.type,
        modality=mod,
        source_actor=source,
        target_actors=tgt,
        place=_place_text(c, ctx),
        summary=summary(ctx.text, c, source_name, subj_tok, mod, names, ctx.settings.summary_max_chars),
        sentence=ctx.text[s_start:s_end],
        start=s_start,
        end=s_end,
        date_text=tx.text if tx is not None else None,
        trigger=_trigger_text(c, ctx.text),
    )


def _drop_shadowed_verbs(cands: list[Cand]) -> None:
    """An untyped verb that carries a typed event noun ("held talks") is that noun's event, not its own."""
    noun_anchors = {c.anchor.i for c in cands if not c.dropped and c.type and c.trigger is not c.anchor}
    for c in cands:
        if c.type is None and c.trigger is c.anchor and c.anchor.i in noun_anchors:
            c.dropped = True


def _sentence_bounds(sent: Span, nlp_text: str) -> tuple[int, int]:
    """The sentence's character span without its surrounding whitespace."""
    s_start, s_end = sent.start_char, sent.end_char
    raw = nlp_text[s_start:s_end]
    return s_start + len(raw) - len(raw.lstrip()), s_end - (len(raw) - len(raw.rstrip()))


def find_events(doc: Doc, settings: EventSettings = DEFAULT_SETTINGS, table: TriggerTable | None = None) -> list[Event]:
    """Every event of the doc, in text order, one per trigger position."""
    table = table if table is not None else load_lexicon(settings.lexicon_path())
    actors = ActorTokens(doc, _actor_index(doc))
    timexes = [tx for tx in (doc._.dl_timexes or []) if usable(tx)]
    per_sent = [(s, candidates(s, actors.persons, table)) for s in doc.sents]
    cand_tokens = {c.trigger.i for _, cs in per_sent for c in cs} | {c.anchor.i for _, cs in per_sent for c in cs}
    text = doc._.dl_original if doc._.dl_original is not None else doc.text
    ctx = _DocContext(text, actors, _timex_tokens(doc, timexes), doc._.dl_published,
                      attach_dates(doc, timexes, cand_tokens), settings)
    events: list[Event] = []
    seen_ids: set[str] = set()
    for sent, cands in per_sent:
        if not cands:
            continue
        fold_control(cands)
        _drop_shadowed_verbs(cands)
        bounds = _sentence_bounds(sent, doc.text)
        for c in cands:
            if c.dropped:
                continue
            event = _event(c, sent, bounds, ctx)
            if event is None or event.id in seen_ids:
                continue
            seen_ids.add(event.id)
            events.append(event)
    return events


class EventFinder:
    """The pipeline component; holds its settings and the loaded trigger table."""

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings
        self.table = load_lexicon(settings.lexicon_path())

    def __call__(self, doc: Doc) -> Doc:
        doc._.dl_events = find_events(doc, self.settings, self.table)
        return doc


@Language.factory(
    "dateline_events_v1",
    default_config={"trigger_lexicon": None, "summary_max_chars": 160, "place_max_tokens": 8},
    requires=["doc._.dl_timexes", "doc._.dl_actors", "doc._.dl_actor_index"],
    assigns=["doc._.dl_events"],
)
def make_event_finder(nlp: Language, name: str, trigger_lexicon: str | None, summary_max_chars: int,
                      place_max_tokens: int) -> EventFinder:
    return EventFinder(EventSettings(trigger_lexicon, summary_max_chars, place_max_tokens))
