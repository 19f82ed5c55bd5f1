"""Predicate triggers: the verbs and event nouns of a sentence, typed from the PLOVER trigger table.

A row of the table applies when all its context conditions hold (see data/plover_triggers.tsv); a noun
trigger counts only as the argument of a verb ("held talks", "talks began", "took part in exercises").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from app.extract.events.lexicon import (
    CIRCUMSTANCE_PREPS,
    EVENT_NOUNS,
    HAPPEN,
    PERFORM,
    PERSON_NOUNS,
    TAKE_PART,
    TAKE_PART_PREPS,
    TriggerTable,
)
from app.vocab import MATERIAL_CONFLICT

OBJ_DEPS = frozenset({"dobj", "nsubjpass", "obj", "oprd", "attr"})
MOD_DEPS = frozenset({"compound", "amod", "nmod"})
PERFORMED_DEPS = frozenset({"dobj", "ccomp", "oprd"})


@dataclass(slots=True)
class Cand:
    """A possible event: its trigger, the verb its clause hangs on, and what frame folding made of it."""

    anchor: Token                   # the verb the clause hangs on (== trigger for verb triggers)
    trigger: Token                  # the lexical trigger (verb or event noun)
    type: str | None
    words: list[Token] = field(default_factory=list)   # trigger words for the trigger text
    frame: str | None = None        # control frame folded in: intent / refuse / request / threaten
    governor: Token | None = None   # the control verb, when folded
    dropped: bool = False


def is_person(tok: Token, person_tokens: set[int]) -> bool:
    """A PERSON/NORP entity, a person actor's token, or a noun for people ("prisoners")."""
    return tok.ent_type_ in ("PERSON", "NORP") or tok.i in person_tokens or tok.lemma_.lower() in PERSON_NOUNS


def objects(tok: Token) -> list[Token]:
    """Direct objects of a verb trigger (with conjuncts and the "of" noun of a quantity: "5 million dollars
    of aid"), or the "of" object / passive subject of a noun."""
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ in OBJ_DEPS or (c.dep_ == "nsubjpass"):
            out.append(c)
            out.extend(x for x in c.conjuncts)
            out.extend(g for p in c.children if p.dep_ == "prep" and p.lower_ == "of"
                       for g in p.children if g.dep_ == "pobj")
        elif tok.pos_ == "NOUN" and c.dep_ == "prep" and c.lower_ == "of":
            out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def _object_holds(vals: frozenset[str], tok: Token, person_tokens: set[int]) -> bool:
    objs = objects(tok)
    if "-" in vals:
        return not objs
    return any(o.lemma_.lower() in vals or o.lower_ in vals or ("@person" in vals and is_person(o, person_tokens))
               or ("@actor" in vals and o.ent_type_ in ("GPE", "ORG", "NORP"))
               for o in objs)


def _holds(key: str, vals: frozenset[str], tok: Token, person_tokens: set[int]) -> bool:
    """Whether one condition of a trigger-table row holds for ``tok``."""
    if key == "obj":
        return _object_holds(vals, tok, person_tokens)
    if key == "pobj":
        return any(g.lemma_.lower() in vals for c in tok.children if c.dep_ in ("prep", "dative")
                   for g in c.children if g.dep_ == "pobj")
    if key == "prep":
        return any(c.dep_ in ("prep", "dative", "agent") and c.lower_ in vals for c in tok.children)
    if key == "prt":
        return any(c.dep_ in ("prt", "advmod") and c.lower_ in vals for c in tok.children)
    if key == "mod":
        return any(c.dep_ in MOD_DEPS and (c.lemma_.lower() in vals or c.lower_ in vals) for c in tok.children)
    if key == "head":
        h = tok.head
        if h.dep_ == "prep":
            h = h.head
        return h.lemma_.lower() in vals
    if key == "comp":
        return any(c.dep_ in ("xcomp", "ccomp") for c in tok.children)
    return False


def lookup(tok: Token, pos: str, person_tokens: set[int], table: TriggerTable) -> tuple[bool, str | None, str]:
    """(listed, PLOVER type or None, CAMEO code) for a token read as a verb ("V") or noun ("N") trigger."""
    rules = table.get((tok.lemma_.lower(), pos)) or table.get((tok.lower_, pos))
    if not rules and pos == "V" and tok.tag_ in ("VBD", "VBN") and tok.lower_.endswith("ed"):
        # the lemmatizer's misses ("raped" -> "rap"): the -ed form without its d, or without -ed
        rules = table.get((tok.lower_[:-1], pos)) or table.get((tok.lower_[:-2], pos))
    if not rules:
        return False, None, ""
    for rule in rules:
        if all(_holds(k, v, tok, person_tokens) for k, v in rule.conds):
            return True, rule.type, rule.cameo
    return False, None, ""


def noun_anchor(tok: Token, depth: int = 0, typ: str | None = None) -> Token | None:
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
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ in TAKE_PART_PREPS and head.head.pos_ == "VERB" \
            and head.head.lemma_.lower() in TAKE_PART:
        return head.head
    if dep == "nsubjpass" and head.pos_ == "VERB":
        return head                                  # "a grenade attack was carried out"
    if dep == "pobj" and head.dep_ == "prep" and head.lower_ in CIRCUMSTANCE_PREPS and head.head.pos_ == "VERB" \
            and typ in MATERIAL_CONFLICT and head.head.dep_ not in ("acomp", "amod"):
        return head.head                             # "killed in an attack", not "well versed in negotiations"
    if dep == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN" and depth < 2:
        return noun_anchor(head.head, depth + 1, typ)     # "carried out a string of airstrikes"
    if dep == "ROOT":
        return tok
    return None


def _noun_cand(tok: Token, typ: str) -> Cand | None:
    """A typed event noun as a candidate on the verb it is an argument of, with the light verb's words."""
    if tok.lemma_ == "talk" and tok.tag_ != "NNS":
        return None
    anchor = noun_anchor(tok, typ=typ)
    if anchor is None:
        return None
    words = [anchor, tok] if anchor is not tok else [tok]
    if anchor is not tok:
        words += [c for c in anchor.children if c.dep_ in ("prt", "dobj") and c.i < tok.i and c is not tok]
        words += [c for c in anchor.children if c.dep_ == "prep" and c.i < tok.i and tok in c.children]
    return Cand(anchor, tok, typ, sorted(set(words), key=lambda t: t.i))


def _happening(tok: Token) -> Cand | None:
    """An untyped event noun as the subject of a verb of happening ('the first flight will take off') or the
    object of a verb of performing ('will make a special charity flight'): one event on that verb with the
    noun as its trigger, as a typed noun's."""
    head = tok.head
    if head.pos_ != "VERB":
        return None
    verb = head.lemma_.lower()
    subject = tok.dep_ in ("nsubj", "nsubjpass") and verb in HAPPEN
    # or performed: 'will make a charity flight' (a headline's object noun is at times parsed as a ccomp)
    if not (subject or (tok.dep_ in PERFORMED_DEPS and verb in PERFORM)):
        return None
    words = [tok, head] + [c for c in head.children if c.dep_ == "prt"]
    if not subject:  # what was performed, as the text names it: 'a special charity flight', 'its first test flight'
        words += [c for c in tok.children if c.dep_ in ("det", "poss", "amod", "compound", "nummod") and c.i < tok.i]
    return Cand(head, tok, None, sorted(words, key=lambda t: t.i))


def candidates(sent: Span, person_tokens: set[int], table: TriggerTable) -> list[Cand]:
    """Every verb of the sentence (typed or not) and every typed event noun that is a verb's argument."""
    cands: list[Cand] = []
    for tok in sent:
        if tok.pos_ == "VERB" and tok.is_alpha:
            # every verb; untyped ones are kept only with an actor and a date of their own
            _listed, typ, _ = lookup(tok, "V", person_tokens, table)
            words = [tok] + [c for c in tok.children if c.dep_ == "prt"]
            cands.append(Cand(tok, tok, typ, sorted(words, key=lambda t: t.i)))
        elif tok.pos_ in ("NOUN", "PROPN") and tok.tag_ != "NNP":
            _listed, typ, _ = lookup(tok, "N", person_tokens, table)
            if not typ:
                if tok.lemma_.lower() in EVENT_NOUNS and tok.dep_ not in ("compound", "amod"):
                    cands.append(_happening(tok) or Cand(tok, tok, None, [tok]))  # on its own arguments
                continue
            cand = _noun_cand(tok, typ)
            if cand is not None:
                cands.append(cand)
    return cands
