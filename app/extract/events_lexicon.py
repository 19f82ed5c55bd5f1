"""The PLOVER trigger lexicon (app/data/plover_triggers.tsv) and its context conditions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "plover_triggers.tsv"

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
MATERIAL_CONFLICT = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"})
VERBAL = frozenset({"AGREE", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})

# Nouns that stand for people, for the "@person" condition.
PERSON_NOUNS = frozenset(
    "person people man woman child civilian prisoner hostage detainee captive soldier sailor activist journalist "
    "dissident worker official leader student protester demonstrator refugee migrant citizen national member "
    "militant rebel fighter opponent suspect crew tourist diplomat priest mayor minister president governor general "
    "commander chief lawmaker politician legislator senator deputy spokesman envoy ambassador premier king".split()
)
OBJ_DEPS = frozenset({"dobj", "nsubjpass", "obj", "oprd", "attr"})
MOD_DEPS = frozenset({"compound", "amod", "nmod"})


@dataclass(frozen=True, slots=True)
class Rule:
    type: str | None
    conds: tuple[tuple[str, frozenset[str]], ...]
    cameo: str


def _parse_conds(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    conds = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _, vals = part.partition("=")
        conds.append((key.strip(), frozenset(v.strip() for v in vals.split("|") if v.strip())))
    return tuple(conds)


@lru_cache(maxsize=1)
def load_lexicon(path: str = str(LEXICON_PATH)) -> dict[tuple[str, str], tuple[Rule, ...]]:
    table: dict[tuple[str, str], list[Rule]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        while len(cols) < 5:
            cols.append("")
        lemma, pos, typ, cond, cameo = (c.strip() for c in cols[:5])
        if typ != "-" and typ not in PLOVER_TYPES:
            raise ValueError(f"{path}: unknown PLOVER type {typ!r} for {lemma!r}")
        table.setdefault((lemma.lower(), pos), []).append(Rule(None if typ == "-" else typ, _parse_conds(cond), cameo))
    return {k: tuple(v) for k, v in table.items()}


def is_person(tok: Token, person_tokens: set[int]) -> bool:
    return tok.ent_type_ in ("PERSON", "NORP") or tok.i in person_tokens or tok.lemma_.lower() in PERSON_NOUNS


def objects(tok: Token) -> list[Token]:
    """Direct objects of a verb trigger (with conjuncts), or the "of" object / passive subject of a noun."""
    out = []
    for c in tok.children:
        if c.dep_ in OBJ_DEPS or (c.dep_ == "nsubjpass"):
            out.append(c)
            out.extend(x for x in c.conjuncts)
        elif tok.pos_ == "NOUN" and c.dep_ == "prep" and c.lower_ == "of":
            out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def _holds(key: str, vals: frozenset[str], tok: Token, person_tokens: set[int]) -> bool:
    if key == "obj":
        objs = objects(tok)
        if "-" in vals:
            return not objs
        return any(o.lemma_.lower() in vals or o.lower_ in vals or ("@person" in vals and is_person(o, person_tokens))
                   or ("@actor" in vals and o.ent_type_ in ("GPE", "ORG", "NORP"))
                   for o in objs)
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


def lookup(tok: Token, pos: str, person_tokens: set[int]) -> tuple[bool, str | None, str]:
    """(listed, PLOVER type or None, CAMEO code) for a token read as a verb ("V") or noun ("N") trigger."""
    lex = load_lexicon()
    rules = lex.get((tok.lemma_.lower(), pos)) or lex.get((tok.lower_, pos))
    if not rules:
        return False, None, ""
    for rule in rules:
        if all(_holds(k, v, tok, person_tokens) for k, v in rule.conds):
            return True, rule.type, rule.cameo
    return False, None, ""
