"""The one-line headline of an event: "Syria offered troops to Elias Hrawi", "Russia did not attack Kyiv"."""

from __future__ import annotations

from spacy.tokens import Token

from app.extract.events.arguments import phrase
from app.extract.events.frames import ASSERTED, NEGATED, PLANNED, POSSIBLE
from app.extract.events.lexicon import SUMMARY_PREPS
from app.extract.events.triggers import Cand

SOURCE_TOKENS = 5   # the longest source phrase a headline quotes when the source is no actor
OBJECT_TOKENS = 6   # the longest object phrase a headline quotes
MAX_TARGETS = 3


def squash(text: str, start: int, end: int) -> str:
    """The text of [start, end) with its whitespace runs collapsed to single spaces."""
    return " ".join(text[start:end].split())


def _verb_words(c: Cand, mod: str) -> list[str]:
    """The trigger words, the lead verb as a lemma when a modality word precedes it ("did not attack")."""
    lead = c.words[0]
    parts: list[str] = []
    if mod == PLANNED:
        parts.append("to")
    elif mod == POSSIBLE:
        parts.append("may")
    elif mod == NEGATED and c.frame != "refuse":
        parts.append("did not" if lead.tag_ in ("VBD", "VBN") else "not")
    verbs: list[str] = []
    for w in c.words:
        if w.pos_ in ("VERB", "AUX", "ADJ") and (mod != ASSERTED or w is not lead or w.tag_ == "VB") and \
                (w is lead and (mod != ASSERTED or c.frame)):
            verbs.append(w.lemma_ if w is lead and mod != ASSERTED else w.text)
        else:
            verbs.append(w.text)
        if w is c.governor and c.frame:
            if w.pos_ == "ADJ":
                verbs.insert(len(verbs) - 1, "be")
            verbs.append("to")
    return parts + verbs


def _target_words(c: Cand, obj: Token | None, said: str, target_names: list[str]) -> str | None:
    """ "with Russia and China": the targets the headline has not named yet, after their preposition."""
    names = [n for n in dict.fromkeys(target_names) if n.lower() not in said]
    prep = next((x.lower_ for x in (*c.trigger.children, *c.anchor.children) if x.dep_ in ("prep", "dative")
                 and x.lower_ in SUMMARY_PREPS), None)
    if prep is None and c.trigger.pos_ == "NOUN":
        prep = "with" if c.type in ("CONSULT", "COOPERATE") else "against"
    if names and (prep or obj is None):
        return (prep + " " if prep else "") + " and ".join(names[:MAX_TARGETS])
    return None


def summary(text: str, c: Cand, source_name: str | None, source_tok: Token | None, mod: str,
            target_names: list[str], max_chars: int) -> str:
    """Source, modality, trigger words, object and targets, cut to ``max_chars``."""
    parts: list[str] = []
    if source_name:
        parts.append(source_name)
    elif source_tok is not None:
        s, e = phrase(source_tok, SOURCE_TOKENS)
        parts.append(squash(text, s, e))
    parts.extend(_verb_words(c, mod))
    obj = next((x for x in c.trigger.children if x.dep_ in ("dobj", "obj") and x not in c.words), None)
    if obj is not None:
        s, e = phrase(obj, OBJECT_TOKENS)
        parts.append(squash(text, s, e))
    if target_names:
        tail = _target_words(c, obj, " ".join(parts).lower(), target_names)
        if tail is not None:
            parts.append(tail)
    out = " ".join(p for p in parts if p)
    return out[:max_chars]
