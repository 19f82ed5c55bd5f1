"""A trained check on a typed event: how likely the clause really reports an event of the type the rules gave.

``event_type`` decides a type from the trigger table and rules; ``TypeGate`` then scores that decision with a
logistic model over string features of the trigger and its ``Arguments`` (each feature also joined with the
type, so the weights are per type) and clears the type when the model gives it less than ``threshold``.
The weights (feature strings and numbers only) live in data/type_gate.json, written by
scripts/train_event_typer.py, which documents how they were fitted.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

from app.extract.events.clause import Arguments
from app.extract.events.lexicon import DATA_DIR, HAZARD_WORDS, PERSON_NOUNS, PROTESTERS, SPEECH, WEAPON_WORDS

GATE_PATH = DATA_DIR / "type_gate.json"
FEATURE_VERSION = 1
ARG_DEPS = frozenset({"dobj", "obj", "dative", "attr", "oprd", "nsubjpass"})
LINK_DEPS = frozenset({"ccomp", "xcomp", "advcl", "conj", "acl", "relcl", "pcomp"})
MAX_SCORE = 30.0   # logistic input clipped to keep exp() finite


def _classes(tok: Token) -> list[str]:
    """Coarse word classes of a word and its modifiers, from the component's own word lists."""
    out = []
    for t in (tok, *(c for c in tok.children if c.dep_ in ("compound", "amod"))):
        lemma = t.lemma_.lower()
        for name, words in (("hazard", HAZARD_WORDS), ("weapon", WEAPON_WORDS), ("protester", PROTESTERS),
                            ("person", PERSON_NOUNS)):
            if lemma in words:
                out.append(name)
    return out


def _word(slot: str, tok: Token | None, out: list[str]) -> None:
    """A slot filler: its entity type (or pronoun) and word classes; never the word itself."""
    if tok is None:
        return
    out.append(f"{slot}E={tok.ent_type_ or ('PRON' if tok.pos_ == 'PRON' else '-')}")
    out.extend(f"{slot}C={c}" for c in _classes(tok))


def _arguments(tag: str, head: Token, out: list[str]) -> None:
    """The objects, prepositions and adverbial clauses of a verb or event noun."""
    for c in head.children:
        if c.dep_ in ARG_DEPS:
            _word(f"{tag}obj", c, out)
        elif c.dep_ in ("prep", "agent"):
            out.append(f"{tag}prep={c.lower_}")
            for g in c.children:
                if g.dep_ == "pobj":
                    out.extend(f"{tag}pobjC={k}" for k in _classes(g))
                    if g.ent_type_:
                        out.append(f"{tag}pobjE={g.ent_type_}")
        elif c.dep_ == "advcl":
            for g in c.children:
                if g.dep_ in ("nsubj", "nsubjpass"):
                    out.extend(f"{tag}advsubjC={k}" for k in _classes(g))


def features(trigger: Token, args: Arguments, typ: str) -> list[str]:
    """The gate's features of one typed event: the shape of its clause, the kinds of words and actors in its
    slots, its mood and the rules' reading; no lemma, so the model learns no word list.  Each feature is also
    joined with the type."""
    head = args.governor if args.frame and args.governor is not None else args.anchor
    out = [f"pos={trigger.pos_}", f"dep={head.dep_}", f"mood={args.mood}",
           f"modality={args.modality}", f"frame={args.frame or '-'}", f"lexical={args.lexical or '-'}",
           f"src={'yes' if args.source else 'no'}", f"tgt={'yes' if args.targets else 'no'}",
           f"governing={args.governing_type or '-'}", f"condition={args.condition or '-'}"]
    if args.circumstance:
        out.append("circumstance")
    if args.announced:
        out.append("announced")
    if head.dep_ in LINK_DEPS and head.head is not head and head.head.lemma_.lower() in SPEECH:
        out.append("reported")
    if any(c.dep_ == "auxpass" for c in args.anchor.children):
        out.append("passive")
    out.append(f"clause={'first' if head.i - head.sent.start < len(head.sent) // 2 else 'second'}")
    _word("subj", args.subject, out)
    _word("pat", args.patient, out)
    _arguments("", trigger, out)
    if trigger is not args.anchor:
        _arguments("a", args.anchor, out)
    return ["bias", *out, f"T={typ}", *(f"{typ}|{f}" for f in out)]


class TypeGate:
    """Loads the gate's weights once; scoring is a sparse sum and a logistic function."""

    def __init__(self, path: str | Path = GATE_PATH) -> None:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"{path}: feature_version {data.get('feature_version')} != {FEATURE_VERSION}")
        self.weights: dict[str, float] = data["weights"]
        self.threshold = float(data["threshold"])

    def probability(self, trigger: Token, args: Arguments, typ: str) -> float:
        """How likely the event on ``trigger`` is an event of type ``typ``."""
        z = sum(self.weights.get(f, 0.0) for f in features(trigger, args, typ))
        return 1.0 / (1.0 + math.exp(-max(-MAX_SCORE, min(MAX_SCORE, z))))

    def settle(self, typed: list[tuple[Token, Arguments, str]]) -> list[bool]:
        """Which of one sentence's typed events keep their type: all when there is one; else those the model
        finds likely enough, and always the likeliest, so a sentence never loses its last typed event."""
        if len(typed) < 2:
            return [True] * len(typed)
        probs = [self.probability(t, a, typ) for t, a, typ in typed]
        best = max(range(len(probs)), key=probs.__getitem__)
        return [i == best or p >= self.threshold for i, p in enumerate(probs)]


@lru_cache(maxsize=4)
def load_gate(path: str = str(GATE_PATH)) -> TypeGate | None:
    """The gate of a weight file; None when the file is absent or the path is "off" (the rule types stand)."""
    return TypeGate(path) if path != "off" and Path(path).exists() else None
