"""Events: who did what to whom, when and where, typed with the PLOVER ontology.

A trigger is a verb or an event noun listed in app/data/plover_triggers.tsv (see events_lexicon), or an
untyped verb whose subject is a known actor and that carries its own date ("Russian officials presented the
draft treaty on December 15").  Control verbs fold into their complement: "agreed to withdraw" is one AGREE
event, "refused to release" one REJECT, "urged X to talk" one REQUEST, "vowed to attack" one THREATEN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.extract.events_frames import (
    ASKING,
    INTENT,
    PLANNING,
    READY,
    REFUSE,
    TRYING,
    ActorIndex,
    modality,
    phrase,
    place,
    resolve_subject,
    subject,
    targets,
)
from app.extract.events_lexicon import COOPERATIVE, MATERIAL_CONFLICT, VERBAL, lookup
from app.extract.intervals import timex_interval
from app.extract.records import Event

# Verbs whose noun object (or "in" object) carries the event: "hold talks", "take part in exercises".
NOUN_ROLES = frozenset({"dobj", "obj", "nsubj", "nsubjpass", "attr", "pobj", "conj"})
NOT_EVENT_GOVERNORS = frozenset(
    "face fear pose avoid prevent deny see watch report cover consider risk blame discuss expect predict "
    "protest oppose reject limit reduce cut halt stop end ban block need require orchestrate".split()
)
# Verbs an event noun can be the subject of ("talks began", "clashes erupted", "there were clashes").
HAPPEN = frozenset(
    "begin start continue resume erupt occur happen open conclude end close break take kick get follow "
    "leave be escalate intensify rage spread last".split()
)
# Verbs an event noun can be the "in" object of ("took part in exercises").
TAKE_PART = frozenset("take participate engage join involve enter".split())
SPEECH = frozenset("say tell state announce declare add note write claim".split())
ANNOUNCE = frozenset("announce declare confirm pledge promise vow insist indicate signal".split())
CLAUSE_EDGES = frozenset({"ccomp", "xcomp", "advcl", "conj", "relcl", "parataxis", "ROOT", "csubj"})


@dataclass(slots=True)
class Cand:
    anchor: Token                   # the verb the clause hangs on (== trigger for verb triggers)
    trigger: Token                  # the lexical trigger (verb or event noun)
    type: str | None
    words: list[Token] = field(default_factory=list)   # trigger words for the trigger text
    frame: str | None = None        # control frame folded in: intent / refuse / request / threaten
    governor: Token | None = None   # the control verb, when folded
    dropped: bool = False


def _noun_anchor(tok: Token) -> Token | None:
    """The verb a noun trigger is an argument of, or None when it is not (a modifier, an "about" object)."""
    dep, head = tok.dep_, tok.head
    if dep == "conj":
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        dep, head = tok.dep_, tok.head
    if dep in ("dobj", "obj", "attr") and head.pos_ in ("VERB", "AUX"):
        return head
    if dep in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in HAPPEN:
        return head
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ in ("in", "into") and head.head.pos_ == "VERB" \
            and head.head.lemma_.lower() in TAKE_PART:
        return head.head
    if dep == "ROOT":
        return tok
    return None


def _candidates(sent: Span, index: ActorIndex) -> list[Cand]:
    cands: list[Cand] = []
    for tok in sent:
        if tok.pos_ == "VERB":
            _listed, typ, _ = lookup(tok, "V", index.persons)
            if True:  # every verb; untyped ones are kept only with an actor and a date of their own
                words = [tok] + [c for c in tok.children if c.dep_ == "prt"]
                cands.append(Cand(tok, tok, typ, sorted(words, key=lambda t: t.i)))
        elif tok.pos_ in ("NOUN", "PROPN") and tok.tag_ != "NNP":
            _listed, typ, _ = lookup(tok, "N", index.persons)
            if not typ:
                continue
            if tok.lemma_ == "talk" and tok.tag_ != "NNS":
                continue
            anchor = _noun_anchor(tok)
            if anchor is None:
                continue
            words = [anchor, tok] if anchor is not tok else [tok]
            if anchor is not tok:
                words += [c for c in anchor.children if c.dep_ in ("prt", "dobj") and c.i < tok.i and c is not tok]
                words += [c for c in anchor.children if c.dep_ == "prep" and c.i < tok.i and tok in c.children]
            cands.append(Cand(anchor, tok, typ, sorted(set(words), key=lambda t: t.i)))
    return cands


def _fold_control(cands: list[Cand]) -> None:
    """Fold control verbs into their complements and drop events governed by a verbal trigger."""
    by_anchor: dict[int, list[Cand]] = {}
    for c in cands:
        by_anchor.setdefault(c.trigger.i, []).append(c)
    for c in cands:
        t = c.trigger if c.trigger is c.anchor else None
        if t is None:
            # a noun trigger under a typed verb ("condemned the attack") is that verb's business
            gov = by_anchor.get(c.anchor.i)
            if (c.anchor is not c.trigger and gov and any(g.type for g in gov)) or c.anchor.lemma_ in NOT_EVENT_GOVERNORS:
                c.dropped = True
            continue
        if t.dep_ not in ("xcomp", "ccomp", "advcl") or t.head is t:
            continue
        head = t.head
        hl = head.lemma_.lower()
        govs = by_anchor.get(head.i, [])
        if t.dep_ == "advcl" and not any(x.dep_ == "aux" and x.tag_ == "TO" for x in t.children):
            continue
        frame = None
        cooperative = c.type is None or c.type in COOPERATIVE
        if t.dep_ != "xcomp" and not (hl in ASKING and t.dep_ == "ccomp"):
            continue  # "expect the US to accept": the complement has its own subject
        if hl == "threaten" or (hl == "vow" and c.type in MATERIAL_CONFLICT):
            frame = "threaten"
        elif hl in INTENT or (head.pos_ == "ADJ" and head.lower_ in READY):
            frame = "intent" if cooperative else None
        elif (hl in TRYING or hl in PLANNING) and c.type in COOPERATIVE:
            frame = "intent"
        elif hl in REFUSE:
            frame = "refuse"
        elif hl in ASKING and t.dep_ in ("xcomp", "ccomp"):
            frame = "request"
        if frame is None:
            continue
        c.type = {"intent": "AGREE", "refuse": "REJECT", "request": "REQUEST", "threaten": "THREATEN"}[frame]
        c.frame, c.governor = frame, head
        c.words = sorted({head, *c.words}, key=lambda x: x.i)
        for g in govs:
            g.dropped = True
    # events reported inside a verbal act ("accused X of attacking") belong to that act
    typed_verbal = {c.trigger.i for c in cands if c.type in VERBAL and not c.dropped and c.trigger is c.anchor}
    for c in cands:
        if c.dropped or c.frame:
            continue
        t = c.anchor
        if t.dep_ in ("pcomp", "xcomp") or (t.dep_ == "pobj"):
            h = t.head
            if h.dep_ == "prep":
                h = h.head
            if h.i in typed_verbal:
                c.dropped = True


def _announced_intent(anchor: Token, subj: Token | None, source: str | None, index: ActorIndex) -> bool:
    """ "Israel announced it would free prisoners": a will/would clause reported from its own actor."""
    if anchor.dep_ != "ccomp" or anchor.head.lemma_.lower() not in SPEECH | ANNOUNCE:
        return False
    if not any(c.dep_ == "aux" and c.lower_ in ("will", "would", "'ll", "shall") for c in anchor.children):
        return False
    speaker, _ = subject(anchor.head)
    if subj is not None and subj.lower_ in ("it", "they", "we", "he", "she", "i"):
        return True
    return source is not None and source in index.actors_of(speaker)


def _date_attachments(doc: Doc, timexes, cand_tokens: set[int]):
    """DATE timexes by the token they attach to (first candidate or verb up the tree), plus secondary links."""
    primary: dict[int, list] = {}
    secondary: dict[int, list] = {}
    placed = []
    for tx in timexes:
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        t = root
        hit = None
        for _ in range(30):
            if t.head is t:
                break
            t = t.head
            if t.i in cand_tokens or t.pos_ in ("VERB", "AUX"):
                hit = t
                break
        placed.append((tx, span, hit))
        if hit is None:
            continue
        primary.setdefault(hit.i, []).append(tx)
        # continue through nominal modifiers ("said at an event sponsored by X on May 3")
        t = hit
        for _ in range(12):
            if t.dep_ in CLAUSE_EDGES or t.head is t:
                break
            t = t.head
            if t.i in cand_tokens and t.i != hit.i:
                secondary.setdefault(t.i, []).append(tx)
                break
    return primary, secondary, placed


def _usable(tx) -> bool:
    return tx.type == "DATE" and timex_interval(tx.value) is not None


def _pick_date(c: Cand, sent: Span, primary, secondary, placed, anchors: set[int]):
    for tok in (c.trigger, c.anchor, c.governor):
        if tok is not None and primary.get(tok.i):
            return primary[tok.i][0], True
    for tok in (c.trigger, c.anchor):
        if secondary.get(tok.i):
            return secondary[tok.i][0], True
    t = c.anchor
    for _ in range(12):
        if t.head is t:
            break
        t = t.head
        if primary.get(t.i):
            return primary[t.i][0], False
    best, best_dist = None, None
    for tx, span, hit in placed:
        if not (sent.start <= span.start < sent.end):
            continue
        if hit is not None and hit.pos_ in ("VERB", "AUX") and hit.i not in (c.anchor.i, c.trigger.i):
            continue
        dist = abs(span.start - c.trigger.i)
        if best_dist is None or dist < best_dist:
            best, best_dist = tx, dist
    return best, False


def _text(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def _summary(text: str, c: Cand, source_name: str | None, source_tok: Token | None, mod: str,
             target_names: list[str]) -> str:
    parts: list[str] = []
    if source_name:
        parts.append(source_name)
    elif source_tok is not None:
        s, e = phrase(source_tok, 5)
        parts.append(_text(text, s, e))
    lead = c.words[0]
    if mod == "planned":
        parts.append("to")
    elif mod == "possible":
        parts.append("may")
    elif mod == "negated" and c.frame != "refuse":
        parts.append("did not" if lead.tag_ in ("VBD", "VBN") else "not")
    verbs = []
    for w in c.words:
        if w.pos_ in ("VERB", "AUX", "ADJ") and (mod != "asserted" or w is not lead or w.tag_ == "VB") and \
                (w is lead and (mod != "asserted" or c.frame)):
            verbs.append(w.lemma_ if w is lead and mod != "asserted" else w.text)
        else:
            verbs.append(w.text)
        if w is c.governor and c.frame:
            if w.pos_ == "ADJ":
                verbs.insert(len(verbs) - 1, "be")
            verbs.append("to")
    parts.extend(verbs)
    obj = next((x for x in c.trigger.children if x.dep_ in ("dobj", "obj") and x not in c.words), None)
    if obj is not None:
        s, e = phrase(obj, 6)
        parts.append(_text(text, s, e))
    if target_names:
        said = " ".join(parts).lower()
        names = [n for n in dict.fromkeys(target_names) if n.lower() not in said]
        prep = next((x.lower_ for x in (*c.trigger.children, *c.anchor.children) if x.dep_ in ("prep", "dative")
                     and x.lower_ in ("to", "with", "against", "on", "into", "toward", "towards")), None)
        if prep is None and c.trigger.pos_ == "NOUN":
            prep = "with" if c.type in ("CONSULT", "COOPERATE") else "against"
        if names and (prep or obj is None):
            parts.append((prep + " " if prep else "") + " and ".join(names[:3]))
    out = " ".join(p for p in parts if p)
    return out[:160]


def find_events(doc: Doc) -> list[Event]:
    nlp_text = doc.text
    text = doc._.dl_original if doc._.dl_original is not None else nlp_text
    index = ActorIndex(doc, doc._.dl_actor_spans, doc._.dl_actors)
    timexes = [tx for tx in (doc._.dl_timexes or []) if _usable(tx)]
    timex_tokens: set[int] = set()
    for tx in timexes:
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is not None:
            timex_tokens.update(range(span.start, span.end))
    published: dt.date | None = doc._.dl_published
    sents = list(doc.sents)
    per_sent = [(s, _candidates(s, index)) for s in sents]
    cand_tokens = {c.trigger.i for _, cs in per_sent for c in cs} | {c.anchor.i for _, cs in per_sent for c in cs}
    primary, secondary, placed = _date_attachments(doc, timexes, cand_tokens)
    events: list[Event] = []
    seen_ids: set[str] = set()
    for sent, cands in per_sent:
        if not cands:
            continue
        _fold_control(cands)
        anchors = {c.anchor.i for c in cands if not c.dropped}
        noun_anchors = {c.anchor.i for c in cands if not c.dropped and c.type and c.trigger is not c.anchor}
        for c in cands:
            if c.type is None and c.trigger is c.anchor and c.anchor.i in noun_anchors:
                c.dropped = True
        s_start, s_end = sent.start_char, sent.end_char
        raw = nlp_text[s_start:s_end]
        s_start += len(raw) - len(raw.lstrip())
        s_end -= len(raw) - len(raw.rstrip())
        for c in cands:
            if c.dropped:
                continue
            subj_tok, patient = subject(c.governor if c.frame else c.anchor)
            if c.trigger is not c.anchor and c.trigger.dep_ in ("nsubj", "nsubjpass"):
                subj_tok = None
                poss = next((x for x in c.trigger.children if x.dep_ == "poss"), None)
                src_list = index.actors_of(poss) if poss is not None else []
            else:
                src_list = resolve_subject(subj_tok, c.anchor, index)
            if (not src_list and c.trigger is not c.anchor) or (not src_list and c.trigger.pos_ == "NOUN"):
                poss = next((x for x in c.trigger.children if x.dep_ in ("poss",)), None)
                if poss is not None:
                    src_list = index.actors_of(poss)
            source = src_list[0] if src_list else None
            if c.trigger is c.anchor and (c.trigger.dep_ == "relcl" or (
                    c.trigger.tag_ == "VBN" and c.trigger.dep_ in ("amod", "acl"))):
                continue  # background modifiers: "a member jailed a year ago", "a group that has seized ..."
            tx, own = _pick_date(c, sent, primary, secondary, placed, anchors)
            if c.type is None:
                # untyped: only an actor's act with its own date is worth a record
                if source is None or not own:
                    continue
            tgt = targets(c.trigger, c.anchor, patient, index, source)
            if c.frame == "request" and c.governor is not None:
                tgt = [a for a in targets(c.governor, c.governor, None, index, source) if a not in tgt] + tgt
            mod = modality(c.trigger, c.anchor, c.frame)
            if c.type and not c.frame and mod in ("planned", "possible"):
                intent = _announced_intent(c.anchor, subj_tok, source, index)
                if intent:
                    mod = "planned"
                    c.type = "AGREE" if c.type in COOPERATIVE else "THREATEN" if c.type in MATERIAL_CONFLICT else c.type
            date = tx.value if tx is not None else (published.isoformat() if published else None)
            if mod == "asserted" and tx is not None and published is not None:
                span = timex_interval(tx.value)
                if span and span[0] > published:
                    mod = "planned"
            ptok = place(c.trigger, c.anchor, timex_tokens)
            place_text = None
            if ptok is not None:
                ps, pe = phrase(ptok, 8)
                place_text = _text(text, ps, pe)
            first = c.words[0]
            trig_text = _text(text, first.idx, c.words[-1].idx + len(c.words[-1].text))
            if len(c.words) > 1 and c.words[-1].i - first.i > 6:
                trig_text = " ".join(w.text for w in c.words)
            eid = f"e-{c.trigger.idx}-{c.trigger.lemma_.lower()}"
            if eid in seen_ids:
                continue
            seen_ids.add(eid)
            names = [index.names.get(a, a) for a in tgt]
            events.append(Event(
                id=eid,
                date=date,
                type=c.type,
                modality=mod,
                source_actor=source,
                target_actors=tgt,
                place=place_text,
                summary=_summary(text, c, index.names.get(source) if source else None, subj_tok, mod, names),
                sentence=text[s_start:s_end],
                start=s_start,
                end=s_end,
                date_text=tx.text if tx is not None else None,
                trigger=trig_text,
            ))
    return events


@Language.component(
    "dateline_events_v1",
    requires=["doc._.dl_timexes", "doc._.dl_actors"],
    assigns=["doc._.dl_events"],
)
def events(doc: Doc) -> Doc:
    doc._.dl_events = find_events(doc)
    return doc
