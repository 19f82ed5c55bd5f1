"""The spaCy factory ``dateline_events_v1``: one ``records.Event`` per trigger, set as ``doc._.dl_events``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extract.actors import actor_index
from app.extract.actors.lexicon import REFERENCE_NOUNS
from app.extract.events.arguments import (
    ActorTokens,
    co_subjects,
    phrase,
    place,
    resolve_subject,
    subject,
    subject_in_quote,
    targets,
)
from app.extract.events.clause import Arguments
from app.extract.events.confidence import GATE_PATH, TypeGate, load_gate
from app.extract.events.dates import DateLinks, attach_dates, pick_date, usable
from app.extract.events.frames import (
    ASSERTED,
    NEGATED,
    PLANNED,
    POSSIBLE,
    announced_intent,
    fold_control,
    modality,
    modality_of_mood,
    mood,
)
from app.extract.events.lexicon import (
    CONDITION_MARKS,
    EVENT_NOUNS,
    PERFORM,
    PRONOUNS,
    SEQUENCE_MARKS,
    SPEECH,
    STATIVE,
    TRIGGERS_PATH,
    TriggerTable,
    load_lexicon,
)
from app.extract.events.summary import sentence_summary, squash, summary
from app.extract.events.triggers import PERFORMED_DEPS, Cand, candidates
from app.extract.events.typer import FRAME_TYPES, event_type
from app.extract.records import Event, Quote, Timex
from app.extract.timex import timex_interval

if not Doc.has_extension("dl_events"):
    Doc.set_extension("dl_events", default=None)

MAX_TRIGGER_SPREAD = 6  # trigger words further apart than this are joined by spaces, not quoted as text
MAX_REPORT_CLIMB = 6    # clause heads climbed to a reporting verb
MAX_BACKGROUND_CLIMB = 3  # conj/xcomp links climbed to a relative clause
FALLBACK_MIN_WORDS = 4  # a sentence event needs a clause, not a dateline or a name list
CONTENT_POS = frozenset({"VERB", "NOUN", "PROPN", "ADJ"})


@dataclass(frozen=True, slots=True)
class EventSettings:
    """The component's knobs (its spaCy config): the trigger table and how long headlines and places run."""

    trigger_lexicon: str | None = None   # a trigger table like data/plover_triggers.tsv; None: the bundled one
    summary_max_chars: int = 160
    place_max_tokens: int = 8
    type_gate: str | None = None         # weights like data/type_gate.json; None: the bundled ones; "off": none

    def lexicon_path(self) -> str:
        return self.trigger_lexicon or str(TRIGGERS_PATH)

    def gate_path(self) -> str:
        return self.type_gate or str(GATE_PATH)


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
    quotes: list[Quote]
    gate: TypeGate | None = None
    sentence_types: dict[int, str] = field(default_factory=dict)   # token -> lexical type of its candidate


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
    if not src_list and c.trigger.pos_ == "NOUN":   # "the invasion of Ukraine by Russia"
        by = next((g for x in c.trigger.children if x.dep_ in ("prep", "agent") and x.lower_ == "by"
                   for g in x.children if g.dep_ == "pobj"), None)
        src_list = actors.actors_of(by)
    if not src_list and c.trigger.pos_ == "NOUN":   # "Palestinian riots", "US Predator attacks"
        src_list = [a for x in c.trigger.children if x.dep_ in ("amod", "compound") and x.i < c.trigger.i
                    and (x.ent_type_ == "NORP" or (x.ent_type_ == "GPE" and x.dep_ == "compound"))
                    and (a := actors.actor(x))][:1]
    return subj_tok, patient, src_list[0] if src_list else None


def _is_background(c: Cand) -> bool:
    """Adjectival participles ("flooded fields", "the proposed treaty") report no act of their own."""
    t = c.trigger
    return t is c.anchor and (t.dep_ in ("amod", "compound") or (t.tag_ == "VBN" and t.dep_ == "amod"))


def _in_background(c: Cand) -> bool:
    """A relative clause or a participle on a noun ("a member jailed a year ago", "a group that has seized"):
    it tells what its noun is, not the news."""
    t = c.governor if c.frame and c.governor is not None else c.anchor
    for _ in range(MAX_BACKGROUND_CLIMB):   # "a resolution that aims to tighten sanctions and impose a blockade"
        if t.dep_ == "relcl" or (t.tag_ == "VBN" and t.dep_ == "acl"):
            return True
        if t.dep_ not in ("conj", "xcomp") or t.head is t:
            return False
        t = t.head
    return False


def _complement(trigger: Token) -> Token | None:
    """The clause a verb reports: its own that-clause, or its object's ("issued a reminder that Iraq must ...")."""
    for x in trigger.children:
        if x.dep_ == "ccomp":
            return x
    for x in trigger.children:
        if x.dep_ in ("dobj", "obj"):
            return next((g for g in x.children if g.dep_ in ("acl", "ccomp") and
                         any(m.dep_ == "mark" and m.lower_ == "that" for m in g.children)), None)
    return None


def _condition(c: Cand) -> str | None:
    """The subordinator of a condition clause on the event's verb ("will withdraw unless X arranges ...")."""
    head = c.governor if c.frame and c.governor is not None else c.anchor
    for x in head.children:
        if x.dep_ == "advcl":
            mark = next((m.lower_ for m in x.children if m.dep_ == "mark" and m.lower_ in CONDITION_MARKS), None)
            if mark:
                return mark
    return None


def _circumstance(c: Cand, sentence_types: dict[int, str]) -> bool:
    """An after/before clause ("after police called on them to surrender") beside a typed act outside it:
    it sets the scene for the sentence's news rather than being it."""
    t = c.governor if c.frame and c.governor is not None else c.anchor
    for _ in range(MAX_BACKGROUND_CLIMB):   # "after troops surrounded and stormed it": the first conjunct's link
        if t.dep_ not in ("conj", "xcomp") or t.head is t:
            break
        t = t.head
    marked = t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in SEQUENCE_MARKS for m in t.children)
    if not (marked or (t.dep_ == "pcomp" and t.head.lower_ in SEQUENCE_MARKS)):   # "after driving rebels out"
        return False
    inside = {x.i for x in t.subtree}
    return any(i not in inside for i in sentence_types)


# a product or model designation as one token ('A380', 'KC-45', '787'): what a nominal event without an
# actor may still be about
PRODUCT_CODE = re.compile(r"[A-Z]{1,4}-?\d{2,4}[A-Z0-9-]*|\d{3}(?:-\w+)?")
PRODUCT_PHRASE_DEPS = frozenset({"compound", "nmod", "prep", "pobj", "poss", "appos", "amod"})
MAX_PRODUCT_DEPTH = 3


def names_product(noun: Token, depth: int = 0) -> bool:
    """Whether the noun's own phrase names a product ('A380 delays', 'delivery of its new superjumbo A380'):
    its modifiers and prepositional objects a few steps down, never a clause hanging on it."""
    for child in noun.children:
        if child.dep_ not in PRODUCT_PHRASE_DEPS:
            continue
        if PRODUCT_CODE.fullmatch(child.text) and (child.pos_ == "PROPN" or not child.like_num or child.dep_ in
                                                    ("compound", "nmod", "pobj", "appos")):
            return True
        if depth < MAX_PRODUCT_DEPTH and names_product(child, depth + 1):
            return True
    return False


def retold(noun: Token) -> bool:
    """'The flight was intended to...', 'the deal was revived': a definite event noun as a clause's subject
    retells a happening the article has told (consolidation joins it to that one)."""
    return noun.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these") for c in noun.children)


def _performed_by_product(c: Cand, subj_tok: Token | None) -> bool:
    """'The A380 will make a special charity flight': the event noun is what its verb's product subject does."""
    if c.anchor is c.trigger or subj_tok is None:
        return False
    return bool(PRODUCT_CODE.fullmatch(subj_tok.text)) or names_product(subj_tok)


def _is_clause(c: Cand, subj_tok: Token | None, patient: Token | None, source: str | None,
               tgt: list[str]) -> bool:
    """An untyped verb is an event when it reports what an actor did or had done to it, or what a named
    or nominal subject did: a verb of being or having, a bare participle or a verb with no argument is not."""
    t = c.trigger
    if t.pos_ in ("NOUN", "PROPN") and (t is c.anchor or c.type is None):
        # a nominal event needs an actor or a named product among its own arguments ("the A380 delays")
        return bool(source or tgt) or names_product(t) or retold(t) or _performed_by_product(c, subj_tok)
    if t.lemma_.lower() in STATIVE or t.pos_ != "VERB":
        return False
    if source or tgt:
        return True
    for tok in (subj_tok, patient):
        if tok is not None and tok.pos_ in ("NOUN", "PROPN") and tok.lower_ not in PRONOUNS:
            return True
    return False


def _reported(c: Cand, quotes: list[Quote], actors: ActorTokens) -> tuple[str | None, int | None]:
    """(speaker actor, quote index) when the trigger sits inside a quote, else the subject of a reporting
    verb whose complement holds the clause ("analysts said that Russia should not expect ...")."""
    t = c.governor if c.frame and c.governor is not None else c.anchor
    for i, q in enumerate(quotes):
        if q.start <= c.trigger.idx < q.end and q.start <= t.idx < q.end:
            if t.lemma_.lower() in SPEECH and q.speaker is not None and q.speaker in actors.actors_of(subject(t)[0]):
                return None, None   # the reporting verb of the quote itself
            return q.speaker, i
    for _ in range(MAX_REPORT_CLIMB):
        if t.head is t:
            break
        if t.dep_ == "ccomp" and t.head.lemma_.lower() in SPEECH:
            s, _p = subject(t.head)
            found = actors.actors_of(s)
            return (found[0] if found else None), None
        if t.dep_ not in ("conj", "xcomp", "advcl", "ccomp"):
            break
        t = t.head
    return None, None


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


def _event(c: Cand, sent: Span, bounds: tuple[int, int], ctx: _DocContext) -> tuple[Event, Arguments] | None:
    """The event record of one surviving candidate and what its clause says, or None when it reports no event."""
    subj_tok, patient, source = _source(c, ctx.actors)
    if _is_background(c):
        return None
    speaker, quote_index = _reported(c, ctx.quotes, ctx.actors)
    if source is None and quote_index is not None:
        source = subject_in_quote(subj_tok, ctx.quotes[quote_index].speaker)
    tgt = targets(c.trigger, c.anchor, patient, ctx.actors, source)
    if c.frame == "request" and c.governor is not None:
        tgt = [a for a in targets(c.governor, c.governor, None, ctx.actors, source) if a not in tgt] + tgt
    partners = co_subjects(subj_tok, ctx.actors, source) if not patient else []
    tgt += [a for a in partners if a not in tgt]
    if c.type is None and not c.frame and not _is_clause(c, subj_tok, patient, source, tgt):
        return None
    tx, _own = pick_date(c, sent, ctx.dates)
    mod = modality(c.trigger, c.anchor, c.frame)
    mood_ = mood(c, mod)
    mod = modality_of_mood(c, mood_, mod)
    announced = not c.frame and mod in (PLANNED, POSSIBLE, NEGATED) and \
        announced_intent(c.anchor, subj_tok, source, ctx.actors)
    if announced and mod != NEGATED:
        mod = PLANNED
        if mood_ == POSSIBLE:
            mood_ = PLANNED
    if mod == ASSERTED and tx is not None and ctx.published is not None:
        interval = timex_interval(tx.value)
        if interval and interval[0] > ctx.published:
            mod = mood_ = PLANNED
    args = Arguments(anchor=c.anchor, lexical=c.type, frame=c.frame, governor=c.governor, subject=subj_tok,
                     patient=patient, source=source, targets=tgt, mood=mood_, announced=announced,
                     background=_in_background(c), modality=mod,
                     governing_type=ctx.sentence_types.get(c.anchor.head.i) if c.anchor.head is not c.anchor else None,
                     condition=_condition(c), circumstance=_circumstance(c, ctx.sentence_types),
                     complement=_complement(c.trigger), machine_agent=_machine_agent(subj_tok, source, ctx.actors))
    c.type = event_type(c.trigger, args)
    date = tx.value if tx is not None else (ctx.published.isoformat() if ctx.published else None)
    names = [ctx.actors.names.get(a, a) for a in tgt if a not in partners]
    target_tokens = {i for i, a in ctx.actors.by_token.items() if a in tgt and sent.start <= i < sent.end}
    source_name = ctx.actors.names.get(source) if source else None
    if source_name and partners:   # "Russia and China agreed ..."
        source_name = " and ".join([source_name, *(ctx.actors.names.get(a, a) for a in partners)])
    s_start, s_end = bounds
    t_start, t_end = _trigger_span(c)
    event = Event(
        id=f"e-{c.trigger.idx}-{c.trigger.lemma_.lower()}",
        date=date,
        type=c.type,
        modality=mod,
        source_actor=source,
        target_actors=tgt,
        place=_place_text(c, ctx),
        summary=summary(ctx.text, c, source_name, subj_tok, mood_, mod, names, target_tokens,
                        ctx.settings.summary_max_chars),
        sentence=ctx.text[s_start:s_end],
        start=s_start,
        end=s_end,
        date_text=tx.text if tx is not None else None,
        trigger=_trigger_text(c, ctx.text),
        trigger_start=t_start,
        trigger_end=t_end,
        mood=mood_,
        reported_by=speaker,
        quote_index=quote_index,
        lemma=c.trigger.lemma_.lower(),
    )
    return event, args


def _trigger_span(c: Cand) -> tuple[int, int]:
    """Char offsets of the trigger words: the lexical trigger, widened to the other words when they are near."""
    first, last = c.words[0], c.words[-1]
    if len(c.words) > 1 and last.i - first.i > MAX_TRIGGER_SPREAD:
        first = last = c.trigger
    return first.idx, last.idx + len(last.text)


def _copular(sent: Span) -> bool:
    """Whether the sentence hangs on a copula ('is the other launch customer')."""
    return sent.root.pos_ == "AUX" or sent.root.lemma_.lower() == "be"


def main_predicate(sent: Span) -> Token | None:
    """The content word a sentence hangs on: its root verb (the event noun a verb of performing takes); a
    copula's complement; a headline's noun."""
    root = sent.root
    if root.pos_ == "VERB" and root.is_alpha and root.lemma_.lower() != "be":
        if root.lemma_.lower() in PERFORM:  # 'will make a special charity flight': the flight is what happens
            return next((c for c in root.children if c.dep_ in PERFORMED_DEPS and c.pos_ == "NOUN"
                         and c.lemma_.lower() in EVENT_NOUNS), root)
        return root
    if root.pos_ == "AUX" or root.lemma_.lower() == "be" or not root.is_alpha:
        for c in root.children:
            if c.dep_ in ("attr", "acomp", "xcomp", "ccomp", "oprd") and c.pos_ in CONTENT_POS and c.is_alpha:
                return c
    elif root.pos_ in CONTENT_POS:
        return root
    return next((t for t in sent if t.pos_ == "VERB" and t.is_alpha and t.lemma_.lower() != "be"), None) or \
        next((t for t in sent if t.pos_ in ("NOUN", "PROPN") and t.is_alpha), None)


def _machine_agent(subject: Token | None, source: str | None, actors: ActorTokens) -> bool:
    """Whether the one acting is a product or a vehicle: a product actor ('Airbus A380 is travelling to the
    U.S.') or, with no actor, a noun that stands for one ('the massive airliner', 'the plane')."""
    if source is not None:
        return actors.index.kind(source) == "product"
    return subject is not None and REFERENCE_NOUNS.get(subject.lemma_.lower()) == "product"


def _sentence_event(sent: Span, bounds: tuple[int, int], ctx: _DocContext) -> Event | None:
    """An untyped event for a sentence that names an actor but holds no clause event, on its main predicate; a
    sentence on a verb of being or containing ('Those countries include Poland, Hungary …', 'EVA Airways is
    the other launch customer') tells no happening and gets none."""
    if not any(i in ctx.actors.by_token for i in range(sent.start, sent.end)):
        return None
    words = [t for t in sent if t.is_alpha]
    if len(words) < FALLBACK_MIN_WORDS or sum(t.is_lower for t in words) < 2:
        return None
    pred = main_predicate(sent)
    if pred is None or pred.lemma_.lower() in STATIVE or _copular(sent):
        return None
    c = Cand(pred, pred, None, [pred])
    clause = pred.pos_ == "VERB"
    _subj, patient, source = _source(c, ctx.actors) if clause else (None, None, None)
    tgt = targets(pred, pred, patient, ctx.actors, source) if clause else []
    speaker, quote_index = _reported(c, ctx.quotes, ctx.actors)
    tx, _own = pick_date(c, sent, ctx.dates)
    date = tx.value if tx is not None else (ctx.published.isoformat() if ctx.published else None)
    s_start, s_end = bounds
    return Event(
        id=f"e-{pred.idx}-{pred.lemma_.lower()}",
        date=date, type=None, modality=ASSERTED, source_actor=source, target_actors=tgt, place=None,
        summary=sentence_summary(ctx.text, s_start, s_end, ctx.settings.summary_max_chars),
        sentence=ctx.text[s_start:s_end], start=s_start, end=s_end,
        date_text=tx.text if tx is not None else None, trigger=pred.text,
        trigger_start=pred.idx, trigger_end=pred.idx + len(pred.text), mood=ASSERTED,
        reported_by=speaker, quote_index=quote_index, lemma=pred.lemma_.lower(),
    )


def _drop_shadowed_verbs(cands: list[Cand]) -> None:
    """An untyped verb that carries a typed event noun ("held talks") or is what an event noun did ("the
    flight took off") is that noun's event, not its own."""
    noun_anchors = {c.anchor.i for c in cands if not c.dropped and c.trigger is not c.anchor
                    and (c.type or c.trigger.pos_ == "NOUN")}
    for c in cands:
        if c.type is None and not c.frame and c.trigger is c.anchor and c.anchor.i in noun_anchors:
            c.dropped = True


def _sentence_bounds(sent: Span, nlp_text: str) -> tuple[int, int]:
    """The sentence's character span without its surrounding whitespace."""
    s_start, s_end = sent.start_char, sent.end_char
    raw = nlp_text[s_start:s_end]
    return s_start + len(raw) - len(raw.lstrip()), s_end - (len(raw) - len(raw.rstrip()))


def find_events(doc: Doc, settings: EventSettings = DEFAULT_SETTINGS, table: TriggerTable | None = None,
                gate: TypeGate | None = None) -> list[Event]:
    """Every event of the doc, in text order, one per trigger position."""
    table = table if table is not None else load_lexicon(settings.lexicon_path())
    type_gate = gate if gate is not None else load_gate(settings.gate_path())
    actors = ActorTokens(doc, actor_index(doc))
    timexes = [tx for tx in (doc._.dl_timexes or []) if usable(tx)]
    per_sent = [(s, candidates(s, actors.persons, table)) for s in doc.sents]
    cand_tokens = {c.trigger.i for _, cs in per_sent for c in cs} | {c.anchor.i for _, cs in per_sent for c in cs}
    text = doc._.dl_original if doc._.dl_original is not None else doc.text
    ctx = _DocContext(text, actors, _timex_tokens(doc, timexes), doc._.dl_published,
                      attach_dates(doc, timexes, cand_tokens), settings, list(doc._.dl_quotes or []), type_gate)
    events: list[Event] = []
    seen_ids: set[str] = set()
    doc_text = doc.text   # built once: Doc.text joins every token
    for sent, cands in per_sent:
        fold_control(cands)
        _drop_shadowed_verbs(cands)
        ctx.sentence_types = {}
        for c in cands:
            typ = FRAME_TYPES[c.frame] if c.frame else c.type
            if typ and not c.dropped:
                ctx.sentence_types.setdefault(c.trigger.i, typ)
                ctx.sentence_types.setdefault(c.anchor.i, typ)
        bounds = _sentence_bounds(sent, doc_text)
        found = 0
        typed: list[tuple[Event, Token, Arguments, str]] = []
        for c in cands:
            if c.dropped:
                continue
            made = _event(c, sent, bounds, ctx)
            if made is None or made[0].id in seen_ids:
                continue
            clause_event, args = made
            seen_ids.add(clause_event.id)
            events.append(clause_event)
            found += 1
            if clause_event.type:
                typed.append((clause_event, c.trigger, args, clause_event.type))
        if ctx.gate is not None:
            _settle(ctx.gate, typed)
        if not found:
            event = _sentence_event(sent, bounds, ctx)
            if event is not None and event.id not in seen_ids:
                seen_ids.add(event.id)
                events.append(event)
    return events


def _settle(gate: TypeGate, typed: list[tuple[Event, Token, Arguments, str]]) -> None:
    """Clear the types the trained gate finds unlikely among one sentence's typed events (see ``confidence``)."""
    for (event, *_), keep in zip(typed, gate.settle([(t, a, typ) for _, t, a, typ in typed]), strict=True):
        if not keep:
            event.type = None


class EventFinder:
    """The pipeline component; holds its settings and the loaded trigger table."""

    def __init__(self, settings: EventSettings) -> None:
        self.settings = settings
        self.table = load_lexicon(settings.lexicon_path())
        self.gate = load_gate(settings.gate_path())

    def __call__(self, doc: Doc) -> Doc:
        doc._.dl_events = find_events(doc, self.settings, self.table, self.gate)
        return doc


@Language.factory(
    "dateline_events_v1",
    default_config={"trigger_lexicon": None, "summary_max_chars": 160, "place_max_tokens": 8, "type_gate": None},
    requires=["doc._.dl_timexes", "doc._.dl_actors", "doc._.dl_actor_index"],
    assigns=["doc._.dl_events"],
)
def make_event_finder(nlp: Language, name: str, trigger_lexicon: str | None, summary_max_chars: int,
                      place_max_tokens: int, type_gate: str | None) -> EventFinder:
    return EventFinder(EventSettings(trigger_lexicon, summary_max_chars, place_max_tokens, type_gate))
