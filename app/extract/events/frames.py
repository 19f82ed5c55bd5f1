"""Control frames and modality: "agreed to withdraw", "refused to release", "urged X to talk", "vowed to attack".

A control verb folds into its complement, which becomes one event of the frame's type; the verbs above a
trigger (auxiliaries, negation, conditions, planning/trying verbs) decide its modality.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from app.extract.events.arguments import ActorTokens, subject
from app.extract.events.lexicon import (
    ANNOUNCE,
    ASKING,
    COMMIT_VERBS,
    CONDITION_MARKS,
    DEMAND_MODALS,
    DEMAND_VERBS,
    FAILING,
    FUTURE_MD,
    INTENT,
    INTENT_AUX,
    INTENT_PRONOUNS,
    NEG_WORDS,
    NOT_EVENT_GOVERNORS,
    PLANNING,
    POSSIBILITY_NOUNS,
    POSSIBLE_MD,
    POSSIBLE_MODS,
    PROPOSAL_WORDS,
    READY,
    REFUSE,
    SPEECH,
    TIME_MARKS,
    TRYING,
)
from app.extract.events.triggers import Cand
from app.extract.events.typer import FRAME_TYPES
from app.vocab import COOPERATIVE, MATERIAL_CONFLICT, MODALITIES, VERBAL

ASSERTED, PLANNED, POSSIBLE, NEGATED = MODALITIES
MAX_CHAIN = 8  # verbs climbed by xcomp/conj from a trigger


def _frame(ctype: str | None, comp: Token, head: Token) -> str | None:
    """The frame a control verb ``head`` gives its complement ``comp`` of type ``ctype``, if any."""
    hl = head.lemma_.lower()
    cooperative = ctype is None or ctype in COOPERATIVE
    conflict = ctype in MATERIAL_CONFLICT
    if hl == "threaten" or (hl in COMMIT_VERBS and conflict):
        return "threaten"
    if hl in INTENT or (head.pos_ == "ADJ" and head.lower_ in READY):
        return "intent" if cooperative else "threaten" if conflict and hl not in TRYING else None
    if (hl in TRYING or hl in PLANNING) and ctype in COOPERATIVE:
        return "intent"
    if hl in PLANNING and conflict:
        return "threaten"   # "plans to impose restrictions", "prepared to impose martial law"
    if hl in REFUSE:
        return "refuse"
    if hl in ASKING and comp.dep_ in ("xcomp", "ccomp"):
        return "request"
    return None


def _fold_one(c: Cand, by_anchor: dict[int, list[Cand]], noun_types: dict[int, str]) -> None:
    """Fold one verb candidate into its control verb's frame, dropping the control verb's own candidates."""
    t = c.trigger
    if t.dep_ not in ("xcomp", "ccomp", "advcl") or t.head is t:
        return
    head = t.head
    if t.dep_ == "advcl" and not any(x.dep_ == "aux" and x.tag_ == "TO" for x in t.children):
        return
    if t.dep_ != "xcomp" and not (head.lemma_.lower() in ASKING and t.dep_ == "ccomp"):
        return  # "expect the US to accept": the complement has its own subject
    if any(g.frame for g in by_anchor.get(head.i, [])):
        return  # "demanded that X refuse to recognize": the outer frame keeps the event
    frame = _frame(c.type or noun_types.get(t.i), t, head)
    if frame is None:
        return
    c.frame, c.governor = frame, head
    c.words = sorted({head, *c.words}, key=lambda x: x.i)
    for g in by_anchor.get(head.i, []):
        g.dropped = True


def _drop_reported(cands: list[Cand]) -> None:
    """Events reported inside a verbal act ("accused X of attacking") belong to that act."""
    typed_verbal = {c.trigger.i for c in cands if FRAME_TYPES.get(c.frame or "", c.type) in VERBAL | {"COERCE"}
                    and not c.dropped and c.trigger is c.anchor}   # "arrested for collaborating with X"
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


def fold_control(cands: list[Cand]) -> None:
    """Fold control verbs into their complements and drop events governed by a verbal trigger."""
    by_anchor: dict[int, list[Cand]] = {}
    noun_types: dict[int, str] = {}
    for c in cands:
        by_anchor.setdefault(c.trigger.i, []).append(c)
        if c.trigger is not c.anchor and c.type and c.anchor.lemma_ not in NOT_EVENT_GOVERNORS:
            noun_types.setdefault(c.anchor.i, c.type)
    for c in cands:
        if c.trigger is c.anchor:
            _fold_one(c, by_anchor, noun_types)
            continue
        # a noun trigger under a typed verb ("condemned the attack") is that verb's business
        gov = by_anchor.get(c.anchor.i)
        if (gov and any(g.type or g.frame for g in gov)) or c.anchor.lemma_ in NOT_EVENT_GOVERNORS:
            c.dropped = True
    _drop_reported(cands)


def announced_intent(anchor: Token, subj: Token | None, source: str | None, index: ActorTokens) -> bool:
    """ "Israel announced it would free prisoners": a will/would clause reported from its own actor."""
    if anchor.dep_ != "ccomp" or anchor.head.lemma_.lower() not in SPEECH | ANNOUNCE:
        return False
    if not any(c.dep_ == "aux" and c.lower_ in INTENT_AUX for c in anchor.children):
        return False
    speaker, _ = subject(anchor.head)
    if subj is not None and subj.lower_ in INTENT_PRONOUNS:
        return True
    return source is not None and source in index.actors_of(speaker)


def chain_up(tok: Token) -> Iterator[Token]:
    """The trigger and the verbs it hangs from by xcomp/conj (the verbs that share its subject)."""
    seen = 0
    while seen < MAX_CHAIN:
        yield tok
        if tok.dep_ in ("xcomp", "conj") and tok.head is not tok:
            tok = tok.head
            seen += 1
        else:
            return


def _has_condition_mark(tok: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in tok.children)


def _future_time_clause(t: Token) -> bool:
    """'... will be the largest airliner when it enters service': a present-tense time clause of a future clause."""
    if t.dep_ not in ("advcl", "relcl") or t.tag_ not in ("VBZ", "VBP") or t.head is t:
        return False
    if not any(c.dep_ in ("mark", "advmod") and c.lower_ in TIME_MARKS and c.i < t.i for c in t.children):
        return False
    head = t.head  # the clause it times: its verb, or the verb of the noun it hangs on (the parser's "relcl")
    for _ in range(3):
        if head.pos_ in ("VERB", "AUX") or head.head is head:
            break
        head = head.head
    return any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ in FUTURE_MD for c in head.children)


def _link_marks(i: int, t: Token) -> tuple[bool, bool, bool]:
    """(negated, possible, planned) from one verb of the chain; ``i`` is its distance from the trigger."""
    negated = possible = planned = False
    for c in t.children:
        low = c.lower_
        if c.dep_ == "neg" or (low in NEG_WORDS and c.dep_ in ("advmod", "neg")):
            if i == 0 or t.lemma_ not in REFUSE:
                negated = True
        elif c.dep_ == "aux" and c.tag_ == "MD":
            if low in FUTURE_MD:
                planned = True
            elif low in POSSIBLE_MD:
                possible = True
        elif c.dep_ == "mark" and low in CONDITION_MARKS:
            possible = True
    lemma = t.lemma_.lower()
    if i > 0:
        if lemma in FAILING:
            negated = True
        elif lemma in PLANNING:
            planned = True
        elif lemma in TRYING or lemma in READY:
            possible = True
    if t.dep_ == "xcomp" and t.head.pos_ == "ADJ" and t.head.lower_ in READY:
        possible = True
    if t.dep_ in ("acl", "advcl") and i == 0 and any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children):
        possible = True
    if t.dep_ == "ROOT" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children):
        planned = True  # a headline's 'China Eastern Airlines to purchase twenty jets': it will
    if t.dep_ in ("acl", "ccomp", "relcl") and t.head.lemma_.lower() in POSSIBILITY_NOUNS:
        possible = True
    if t.dep_ == "advcl" and _has_condition_mark(t):
        possible = True
    if i == 0 and _future_time_clause(t):
        planned = True
    if t.dep_ == "xcomp" and t.head.dep_ == "advcl" and _has_condition_mark(t.head):
        possible = True
    return negated, possible, planned


def modality(trigger: Token, anchor: Token, frame: str | None) -> str:
    """negated > possible > planned > asserted, from auxiliaries, negation, conditions and control verbs."""
    negated = possible = planned = False
    if trigger.pos_ in ("NOUN", "PROPN"):
        for c in trigger.children:
            if c.lower_ in NEG_WORDS and c.dep_ in ("det", "neg"):
                negated = True
            elif c.dep_ == "amod" and c.lower_ in POSSIBLE_MODS:
                possible = True
    for i, t in enumerate(chain_up(anchor)):
        link_negated, link_possible, link_planned = _link_marks(i, t)
        negated, possible, planned = negated or link_negated, possible or link_possible, planned or link_planned
    if frame == "refuse":
        negated = False
    if negated:
        return NEGATED
    if possible:
        return POSSIBLE
    if planned:
        return PLANNED
    return ASSERTED


CONDITIONAL, DEMANDED, PROPOSED = "conditional", "demanded", "proposed"
MOOD_EDGES = frozenset({"xcomp", "ccomp", "conj", "advcl", "acl", "pcomp", "pobj", "prep", "dobj", "relcl", "appos"})
MAX_MOOD_CLIMB = 10


def mood(c: Cand, mod: str) -> str:
    """The finer reading of a clause: conditional ("if X agrees"), demanded ("would require X not to deploy",
    "should not expect X to accept"), proposed ("proposals, including banning"), else its modality.

    The climb starts at the clause's verb (the control verb for a folded frame) and stops at a reporting verb:
    what a speaker says keeps its own mood."""
    start = c.governor if c.frame and c.governor is not None else c.anchor
    if any(x.dep_ == "aux" and x.lower_ in DEMAND_MODALS for x in start.children):
        return DEMANDED
    t = start
    for _ in range(MAX_MOOD_CLIMB):
        if t.dep_ == "advcl" and _has_condition_mark(t):
            return CONDITIONAL
        if t.dep_ not in MOOD_EDGES or t.head is t:
            break
        dep, head = t.dep_, t.head
        hl = head.lemma_.lower()
        if dep == "ccomp" and hl in SPEECH:
            break
        if head.pos_ in ("VERB", "AUX") and hl in DEMAND_VERBS and dep in ("xcomp", "ccomp", "dobj"):
            return DEMANDED
        if hl in PROPOSAL_WORDS and (dep in ("xcomp", "ccomp", "dobj", "prep", "pcomp")
                                     or (dep == "acl" and any(x.tag_ == "TO" for x in t.children))):
            return PROPOSED
        t = head
    return mod


def own_negation(c: Cand) -> bool:
    """Whether the trigger's own clause (not a verb above it) is negated."""
    for tok in {c.trigger, c.anchor}:
        if any(x.dep_ == "neg" or (x.lower_ in NEG_WORDS and x.dep_ in ("advmod", "neg", "det")) for x in tok.children):
            return True
    return False


def modality_of_mood(c: Cand, mood_: str, mod: str) -> str:
    """The coarse modality kept in the record: a conditional, demanded or proposed event is only possible."""
    if mood_ in (CONDITIONAL, DEMANDED, PROPOSED):
        return NEGATED if own_negation(c) else POSSIBLE
    return mod
